"""Forms for start-up loan applications: the application's facts, and one form per status change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boveileder.validators import validate_no_control_characters
from cases.models import StartLoanApplication
from cases.services.startloans import DOCUMENTS, MAX_AMOUNT

Status = StartLoanApplication.Status
DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def amount_field(label, help_text=""):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        help_text=help_text,
        error_messages={
            "min_value": _("An amount cannot be negative."),
            "max_value": _("This amount is too large."),
            "invalid": _("Write the amount in whole kroner, digits only."),
        },
    )


class StartLoanForm(forms.Form):
    startskudd_ref = forms.CharField(
        label=_("Case number in Startskudd"),
        max_length=40,
        required=False,
        validators=[validate_no_control_characters],
    )
    received_on = forms.DateField(label=_("Received on"), **DATE_WIDGET)
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=StartLoanApplication.Purpose.choices, widget=forms.RadioSelect
    )
    loan_amount_nok = amount_field(_("Loan applied for (kr)"))
    grant_amount_nok = amount_field(_("Grant applied for (kr)"))
    purchase_price_nok = amount_field(_("Purchase price (kr)"), _("Once a home is found."))
    confirm_loan_above_price = forms.BooleanField(
        label=_("Yes, the loan is meant to be above the purchase price"), required=False
    )
    income_after_tax_nok = amount_field(_("Yearly income after tax (kr)"))
    debts_nok = amount_field(_("Debts (kr)"))
    equity_nok = amount_field(_("Equity (kr)"))
    documents_received = forms.MultipleChoiceField(
        label=_("Documents received"),
        choices=[(d.key, d.label) for d in DOCUMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, asks_confirmation=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The confirmation is only offered once the service has questioned the amounts.
        self.asks_confirmation = asks_confirmation

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirm_loan_above_price")
        return data


class TransitionForm(forms.Form):
    """The date and note of a status change, plus the details the target status needs."""

    on = forms.DateField(label=_("Date"), **DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    DATE_LABELS = {
        Status.IN_REVIEW: _("In review from"),
        Status.APPROVED: _("Decided on (in Startskudd)"),
        Status.REJECTED: _("Decided on (in Startskudd)"),
        Status.APPEALED: _("Appeal received on"),
        Status.DISBURSED: _("Paid out on"),
        Status.WITHDRAWN: _("Withdrawn on"),
    }

    def __init__(self, *args, to_status, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_status = to_status
        self.fields["on"].label = self.DATE_LABELS[to_status]
        if to_status == Status.APPROVED:
            self.fields["approval_kind"] = forms.ChoiceField(
                label=_("Approved as"),
                choices=StartLoanApplication.ApprovalKind.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["certificate_valid_until"] = forms.DateField(
                label=_("Financing certificate valid until"), required=False, **DATE_WIDGET
            )
            self.fields["loan_amount_nok"] = amount_field(
                _("Loan approved (kr)"), _("Leave as it is if the amount applied for was approved.")
            )
            self.fields["grant_amount_nok"] = amount_field(_("Grant approved (kr)"))
            self.initial.setdefault("loan_amount_nok", application.loan_amount_nok)
            self.initial.setdefault("grant_amount_nok", application.grant_amount_nok)
        elif to_status == Status.REJECTED:
            self.fields["rejection_reason"] = forms.CharField(
                label=_("Reason for the rejection"), widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
        elif to_status == Status.DISBURSED:
            self.fields["purchase_price_nok"] = amount_field(_("Purchase price (kr)"))
            self.fields["purchased_address"] = forms.CharField(
                label=_("Address of the home bought"), max_length=200, required=False
            )
            self.initial.setdefault("purchase_price_nok", application.purchase_price_nok)
            self.initial.setdefault("purchased_address", application.purchased_address)
        self.order_fields(["on", *[f for f in self.fields if f not in ("on", "note")], "note"])

    def details(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("on", "note")}
        if self.to_status == Status.DISBURSED:
            data["disbursed_on"] = self.cleaned_data["on"]
        return data
