"""Purchase done: from a disbursed start-up loan, the move-out from the municipal unit in one step.

It lives in `housing` because `cases` never imports `housing`; the application page links here by
URL name."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from boveileder.access import ALL_ROLES, role_required
from boveileder.forms import add_form_errors
from cases.access import get_record_for
from cases.models import Household, StartLoanApplication
from housing.models import MoveOutReason, Tenancy
from housing.services.tenancies import tenancy_end


class PurchaseMoveOutForm(forms.Form):
    tenancy = forms.ModelChoiceField(
        label=gettext_lazy("The municipal unit the household moves out of"),
        queryset=Tenancy.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    moved_out_on = forms.DateField(
        label=gettext_lazy("Moved out on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args, tenancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenancy"].queryset = tenancies
        self.fields["tenancy"].label_from_instance = lambda t: t.unit.address


@require_http_methods(["GET", "POST"])
@role_required(*ALL_ROLES)
def startloan_purchase(request, pk):
    applications = StartLoanApplication.objects.filter(
        household__in=Household.objects.visible_to(request.user)
    ).select_related("household")
    application = get_record_for(request, applications, what="startloan_purchase", pk=pk)
    tenancies = (
        Tenancy.objects.for_municipality(request.user.municipality_id)
        .active()
        .filter(household_id=application.household_id)
        .select_related("unit")
    )
    refusal = ""
    if application.status != StartLoanApplication.Status.DISBURSED:
        refusal = _("The move-out can be registered once the start-up loan has been paid out.")
    elif application.ended_tenancies.exists():
        refusal = _("The move-out after this purchase is already registered.")
    elif not tenancies:
        refusal = _("The household has no running tenancy in a municipal unit.")
    context = {"application": application, "household": application.household, "refusal": refusal}
    if refusal:
        return render(
            request, "housing/purchase.html", context, status=409 if request.method == "POST" else 200
        )
    form = PurchaseMoveOutForm(
        request.POST or None,
        tenancies=tenancies,
        initial={"tenancy": tenancies[0].pk, "moved_out_on": application.disbursed_on or date.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            tenancy_end(
                tenancy=form.cleaned_data["tenancy"],
                on=form.cleaned_data["moved_out_on"],
                reason=MoveOutReason.BOUGHT,
                by=request.user,
                note=form.cleaned_data["note"],
                startloan=application,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The move-out is registered: the household bought its own home."))
            return redirect("cases:household_detail", application.household_id)
    context["form"] = form
    return render(request, "housing/purchase.html", context)
