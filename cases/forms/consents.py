"""Recording and withdrawing a consent (samtykke)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boveileder import dates
from cases.models import PartnerAgency, Person

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Partner agency"), queryset=PartnerAgency.objects.none())
    person = forms.ModelChoiceField(label=_("Given by"), queryset=Person.objects.none(), required=False)
    purpose = forms.CharField(label=_("What may be shared, and why"), max_length=300)
    given_on = forms.DateField(label=_("Given on"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = PartnerAgency.objects.for_municipality(household.municipality_id)
        self.fields["person"].queryset = household.members.members()
        self.initial.setdefault("given_on", timezone.localdate())

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if problem := dates.happened_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean_valid_until(self):
        value = self.cleaned_data.get("valid_until")
        if problem := dates.ahead_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        cleaned = super().clean()
        given, until = cleaned.get("given_on"), cleaned.get("valid_until")
        if given and until and until < given:
            self.add_error("valid_until", _("A consent cannot end before it was given."))
        return cleaned


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("withdrawn_on", timezone.localdate())

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value
