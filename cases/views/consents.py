"""Recording and withdrawing consents (samtykke)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from boveileder.access import role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from cases.access import get_record_for
from cases.forms.consents import ConsentForm, ConsentWithdrawForm
from cases.models import Consent, Household
from cases.services.consents import consent_record, consent_withdraw


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def consent_new(request, pk):
    household = get_record_for(
        request, Household.objects.visible_to(request.user), what="consent_form", pk=pk
    )
    form = ConsentForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("cases:household_detail", household.pk)
    return render(request, "cases/consent_form.html", {"household": household, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def consent_withdraw_view(request, pk):
    consent = get_record_for(
        request,
        Consent.objects.select_related("household", "agency").filter(
            household__in=Household.objects.visible_to(request.user)
        ),
        what="consent",
        pk=pk,
    )
    form = ConsentWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(consent=consent, by=request.user, on=form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The consent is withdrawn."))
            return redirect("cases:household_detail", consent.household_id)
    return render(request, "cases/consent_withdraw.html", {"consent": consent, "form": form})
