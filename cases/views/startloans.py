"""Start-up loan applications: the pipeline, one application, its facts and its status changes."""

import statistics
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import ALL_ROLES, role_required
from boveileder.once import create_once
from cases.access import get_record_for
from cases.forms.startloans import StartLoanForm, TransitionForm
from cases.models import Household, StartLoanApplication
from cases.services import startloans as service

Status = StartLoanApplication.Status


def _households_for(user):
    """Officers and managers follow the whole municipality; a counsellor their own households."""
    households = Household.objects.visible_to(user)
    if not service.may_decide(user):
        households = households.filter(counsellor=user)
    return households


def _application_for(request, pk, what):
    """The application; the page showing it (GET) is logged in the innsynslogg."""
    queryset = StartLoanApplication.objects.filter(
        household__in=Household.objects.visible_to(request.user)
    ).select_related("household")
    return get_record_for(request, queryset, what=what, pk=pk)


def _form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names where the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field == "disbursed_on":
            field = "on"
        form.add_error(field if field in form.fields else None, errors)


def _median_days(pairs) -> int | None:
    days = [(end - start).days for start, end in pairs if start and end]
    return round(statistics.median(days)) if days else None


@require_GET
@role_required(*ALL_ROLES)
def startloan_pipeline(request):
    households = _households_for(request.user)
    applications = StartLoanApplication.objects.filter(household__in=households)
    counts = dict(applications.order_by().values_list("status").annotate(n=Count("pk")))
    dates = list(
        applications.filter(decided_on__isnull=False).values_list("received_on", "decided_on", "disbursed_on")
    )
    today = date.today()
    open_applications = (
        applications.filter(status__in=service.OPEN_STATUSES)
        .select_related("household")
        .order_by("received_on", "pk")[:200]
    )
    context = {
        "counts": [(status, label, counts.get(status, 0)) for status, label in Status.choices],
        "median_to_decision": _median_days((r, d) for r, d, _p in dates),
        "median_to_purchase": _median_days((d, p) for _r, d, p in dates),
        "deadlines": service.startloan_deadlines(households=households, today=today),
        "applications": open_applications,
        "today": today,
        "whole_municipality": service.may_decide(request.user),
    }
    return render(request, "cases/startloans/pipeline.html", context)


@require_GET
@role_required(*ALL_ROLES)
def startloan_detail(request, pk):
    application = _application_for(request, pk, "startloan")
    changes = application.status_changes.select_related("by")
    today = date.today()
    context = {
        "application": application,
        "household": application.household,
        "changes": changes,
        "checklist": service.documents_checklist(application),
        "missing": service.documents_missing(application),
        "next_steps": [(s, Status(s).label) for s in service.allowed_next(application, request.user)],
        "loan_above_price": service.loan_above_price(application),
        "editable": application.status in service.OPEN_STATUSES,
        "ended_tenancy": application.ended_tenancies.first()
        if application.status == Status.DISBURSED
        else None,
        "deadlines": service.application_deadlines(application, today=today),
        "documents": list(application.documents.all()),
        "document_query": f"?startloan={application.pk}",
        "today": today,
    }
    return render(request, "cases/startloans/detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*service.PREPARE)
@create_once
def startloan_create(request, household_pk):
    household = get_record_for(
        request, Household.objects.visible_to(request.user), what="startloan_form", pk=household_pk
    )
    # No date filled in for the user: an untouched form must not register an application.
    form = StartLoanForm(request.POST or None, initial={"purpose": "purchase"})
    if request.method == "POST" and form.is_valid():
        try:
            application = service.startloan_create(
                household=household,
                by=request.user,
                confirm_loan_above_price=form.cleaned_data["confirm_loan_above_price"],
                **form.service_fields(),
            )
        except ValidationError as error:
            form.asks_confirmation = "confirm_loan_above_price" in getattr(error, "error_dict", {})
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The start-up loan application is registered."))
            return redirect("cases:startloan_detail", application.pk)
    return render(
        request, "cases/startloans/form.html", {"form": form, "household": household, "application": None}
    )


@require_http_methods(["GET", "POST"])
@role_required(*service.PREPARE)
def startloan_update(request, pk):
    application = _application_for(request, pk, "startloan_form")
    if application.status not in service.OPEN_STATUSES:
        messages.error(request, _("A closed application cannot be changed."))
        return redirect("cases:startloan_detail", application.pk)
    initial = {field: getattr(application, field) for field in service.EDITABLE_FIELDS}
    form = StartLoanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.startloan_update(
                application=application,
                by=request.user,
                confirm_loan_above_price=form.cleaned_data["confirm_loan_above_price"],
                **form.service_fields(),
            )
        except ValidationError as error:
            form.asks_confirmation = "confirm_loan_above_price" in getattr(error, "error_dict", {})
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The application is saved."))
            return redirect("cases:startloan_detail", application.pk)
    context = {"form": form, "household": application.household, "application": application}
    return render(request, "cases/startloans/form.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*ALL_ROLES)
@create_once
def startloan_transition(request, pk, to_status):
    if to_status not in Status.values:
        raise Http404
    application = _application_for(request, pk, "startloan_status_form")
    roles = service.PIPELINE[application.status].get(to_status)
    if to_status in service.DECISION_STATUSES and not service.may_decide(request.user):
        raise PermissionDenied  # decisions are recorded by tenancy officers and managers only
    if roles is None or not request.user.has_role(*roles):
        refusal = _("A start-up loan application cannot go from «%(from)s» to «%(to)s».") % {
            "from": application.get_status_display(),
            "to": Status(to_status).label,
        }
        context = {"application": application, "household": application.household, "refusal": refusal}
        return render(request, "cases/startloans/refused.html", context, status=409)
    form = TransitionForm(
        request.POST or None, to_status=to_status, application=application, initial={"on": date.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.startloan_transition(
                application=application,
                to_status=to_status,
                by=request.user,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                **form.details(),
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(
                request, _("The application is now: %(status)s.") % {"status": Status(to_status).label}
            )
            return redirect("cases:startloan_detail", application.pk)
    context = {
        "form": form,
        "application": application,
        "household": application.household,
        "to_label": Status(to_status).label,
        "is_decision": to_status in service.DECISION_STATUSES,
    }
    return render(request, "cases/startloans/transition.html", context)
