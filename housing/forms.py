"""Forms of the housing pages: every message in the user's language, everything typed kept."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boveileder import dates
from boveileder.models import Municipality, User
from cases.models import Household
from housing.models import LongTenureFlag, MoveOutReason, RentalUnit
from housing.services.units import UNIT_FIELDS


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def plausible(value):
    """A date in the range `boveileder.dates` allows ahead (the spreadsheet import applies the same)."""
    if problem := dates.ahead_problem(value):
        raise forms.ValidationError(problem)
    return value


class UnitFilterForm(forms.Form):
    STATE_CHOICES = [("", _("All")), ("vacant", _("Vacant")), ("let", _("Let"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"),
        choices=STATE_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    after = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class UnitForm(forms.ModelForm):
    class Meta:
        model = RentalUnit
        fields = list(UNIT_FIELDS)
        help_texts = {
            "kobo_id": _("The unit's id in Kobo, if the municipality uses it."),
            "bruksenhetsnummer": _("From the matrikkel, e.g. H0101."),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        taken = RentalUnit.objects.for_municipality(self.municipality).filter(reference=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another unit already has this reference."))
        return reference

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not (postcode.isascii() and postcode.isdigit() and len(postcode) == 4):
            raise forms.ValidationError(_("A postcode has four digits."))
        return postcode


class MoveInForm(forms.Form):
    """The household is searched by name, reference or address and picked from the list (the page
    renders only the matches, never every household of the municipality)."""

    household_q = forms.CharField(
        label=_("Find the household"),
        required=False,
        max_length=100,
        help_text=_("A member's name, the household's reference or an address."),
    )
    household = forms.ModelChoiceField(
        label=_("Household moving in"),
        queryset=Household.objects.none(),
        error_messages={
            "required": _("Search for the household and choose it in the list."),
            "invalid_choice": _("Choose an open household of your municipality from the list."),
        },
    )
    start_date = forms.DateField(label=_("Moved in on"), widget=date_input())
    contract_end_date = forms.DateField(
        label=_("Contract ends on"),
        widget=date_input(),
        required=False,
        help_text=_("Leave empty for a lease without an end date."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["household"].queryset = Household.objects.visible_to(user).open()

    def clean_start_date(self):
        return plausible(self.cleaned_data["start_date"])

    def clean_contract_end_date(self):
        return plausible(self.cleaned_data.get("contract_end_date"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("contract_end_date")
        if start and end and end < start:
            self.add_error("contract_end_date", _("The contract cannot end before the move-in date."))
        return data


class RenewForm(forms.Form):
    new_end_date = forms.DateField(label=_("New contract end date"), widget=date_input())
    note = forms.CharField(label=pgettext_lazy("housing", "Note"), max_length=300, required=False)

    def clean_new_end_date(self):
        return plausible(self.cleaned_data["new_end_date"])


class MoveOutForm(forms.Form):
    moved_out_on = forms.DateField(label=_("Moved out on"), widget=date_input())
    move_out_reason = forms.ChoiceField(
        label=_("Reason for moving out"), choices=MoveOutReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=pgettext_lazy("housing", "Note"), max_length=300, required=False)

    def clean_moved_out_on(self):
        return plausible(self.cleaned_data["moved_out_on"])


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["tenure_threshold_years", "expiry_window_months"]
        help_texts = {
            "tenure_threshold_years": _(
                "A household that has lived this long in its unit is flagged for a conversation."
            ),
            "expiry_window_months": _("A contract ending within this many months is flagged."),
        }

    def clean_tenure_threshold_years(self):
        value = self.cleaned_data["tenure_threshold_years"]
        if not 1 <= value <= 20:
            raise forms.ValidationError(_("Give a number of years from 1 to 20."))
        return value

    def clean_expiry_window_months(self):
        value = self.cleaned_data["expiry_window_months"]
        if not 0 <= value <= 36:
            raise forms.ValidationError(_("Give a number of months from 0 to 36."))
        return value


class FlagDecisionForm(forms.Form):
    Decision = LongTenureFlag.Decision

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    referred_to = forms.ModelChoiceField(
        label=pgettext_lazy("housing", "Counsellor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("When referring: the counsellor who will talk with the household."),
    )
    sleep_until = forms.DateField(
        label=_("Look again on"),
        widget=date_input(),
        required=False,
        help_text=_("When it is not realistic now: the date to look at it again."),
    )
    new_end_date = forms.DateField(
        label=_("New contract end date"),
        widget=date_input(),
        required=False,
        help_text=_("When the contract was renewed."),
    )
    note = forms.CharField(
        label=pgettext_lazy("housing", "Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("What was said or agreed; why it is not realistic now."),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_to"].queryset = User.objects.staff_of(municipality).filter(
            is_counsellor=True, is_active=True
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.Decision.CONTRACT_RENEWED and not data.get("new_end_date"):
            self.add_error("new_end_date", _("Give the new contract end date."))
        return data


class FlagHistoryFilterForm(forms.Form):
    """Filters of the queue's «Handled» tab: how the flag ended, when, and which household or unit."""

    OUTCOME_CHOICES = [
        ("", _("All outcomes")),
        ("resolved", _("Resolved")),
        ("contract_renewed", _("Contract renewed")),
        ("moved_out", _("The household moved out")),
    ]

    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES, required=False)
    resolved_from = forms.DateField(label=_("Resolved from"), widget=date_input(), required=False)
    resolved_to = forms.DateField(label=_("Resolved to"), widget=date_input(), required=False)
    q = forms.CharField(
        label=_("Household or address"),
        required=False,
        max_length=100,
        help_text=_("A household's reference or a unit's address."),
    )
