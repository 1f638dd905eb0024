"""Logging a follow-up in one short form, and correcting one's own entries."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from boveileder.access import get_for_user, role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from cases.access import get_record_for, record_viewed
from cases.forms.followups import FollowUpForm
from cases.models import FollowUp, Household
from cases.services.followups import followup_correct, followup_log


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR)
@create_once
def followup_new(request, pk):
    household = get_record_for(
        request, Household.objects.visible_to(request.user), what="followup_form", pk=pk
    )
    form = FollowUpForm(request.POST or None, municipality=household.municipality_id)
    if request.method == "POST" and form.is_valid():
        try:
            followup_log(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The follow-up is logged."))
            return redirect("cases:household_detail", household.pk)
    return render(request, "cases/followup_form.html", {"household": household, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR)
def followup_edit(request, pk):
    """Correct one's own follow-up; the earlier versions are listed below the form."""
    followup = get_for_user(
        request.user,
        FollowUp.objects.select_related("household").filter(
            household__in=Household.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    if followup.by_id != request.user.pk:
        raise PermissionDenied
    record_viewed(request, household=followup.household_id, what="followup")
    form = FollowUpForm(
        request.POST or None,
        initial=FollowUpForm.initial_from(followup),
        municipality=followup.household.municipality_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            followup_correct(followup=followup, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The follow-up is corrected; the earlier version is kept."))
            return redirect("cases:household_detail", followup.household_id)
    versions = followup.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "cases/followup_form.html",
        {"household": followup.household, "form": form, "followup": followup, "versions": versions},
    )
