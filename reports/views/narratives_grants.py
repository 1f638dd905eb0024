"""The narrative the manager writes for each report, and the funding grants."""

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from boveileder.once import create_once
from reports.forms import GrantForm, NarrativeForm, ReportPeriodForm, last_quarter
from reports.models import FunderReport, FundingGrant, ReportNarrative
from reports.presentation import figure_rows
from reports.services.content import grant_progress
from reports.services.grants import grant_save, narrative_save


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def narrative(request):
    """Choose funder and quarter (GET), then write the narrative for that report (POST)."""
    chooser = ReportPeriodForm(request.GET or {"funder": "husbanken", "quarter": str(last_quarter())})
    if not chooser.is_valid():
        chooser = ReportPeriodForm({"funder": "husbanken", "quarter": str(last_quarter())})
        chooser.is_valid()
    funder, quarter = chooser.cleaned_data["funder"], chooser.cleaned_data["quarter"]
    municipality = request.user.municipality
    instance = ReportNarrative.objects.filter(
        municipality=municipality, funder=funder, period_from=quarter.first, period_to=quarter.last
    ).first()
    form = NarrativeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        narrative_save(
            municipality=municipality,
            funder=funder,
            period_from=quarter.first,
            period_to=quarter.last,
            data=form.cleaned_data,
            by=request.user,
        )
        messages.success(
            request, _("The narrative is saved. The next report generated for the period takes it.")
        )
        return redirect(f"{reverse('reports:narrative')}?funder={funder}&quarter={quarter}")
    return render(
        request,
        "reports/narrative.html",
        {"chooser": chooser, "form": form, "quarter": quarter, "funder": funder, "narrative": instance},
    )


@require_GET
@role_required(Role.MANAGER)
def grant_list(request):
    reports_done = (
        FunderReport.objects.filter(
            municipality_id=OuterRef("municipality_id"),
            funder=OuterRef("funder"),
            status=FunderReport.Status.DONE,
            period_from__gte=OuterRef("period_from"),
            period_to__lte=OuterRef("period_to"),
        )
        .order_by()
        .values("funder")
        .annotate(n=Count("pk"))
        .values("n")
    )
    grants = FundingGrant.objects.for_municipality(request.user.municipality_id).annotate(
        reports_done=Coalesce(Subquery(reports_done), 0)
    )
    return render(request, "reports/grant_list.html", {"grants": grants})


@require_GET
@role_required(Role.MANAGER)
def grant_detail(request, pk):
    grant = get_for_user(request.user, FundingGrant.objects.select_related("municipality"), pk=pk)
    progress = grant_progress(grant, timezone.localdate())
    rows = figure_rows(list(progress["reported"]), progress["reported"])
    return render(request, "reports/grant_detail.html", {"grant": grant, "progress": progress, "rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@create_once
def grant_edit(request, pk=None):
    grant = get_for_user(request.user, FundingGrant.objects, pk=pk) if pk else None
    form = GrantForm(request.POST or None, instance=grant)
    if request.method == "POST" and form.is_valid():
        grant = grant_save(municipality=request.user.municipality, data=form.cleaned_data, grant=grant)
        messages.success(request, _("The grant is saved."))
        return redirect("reports:grant_detail", pk=grant.pk)
    return render(request, "reports/grant_form.html", {"form": form, "grant": grant})
