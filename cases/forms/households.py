"""Registering households and members, closing and reopening a case, searching."""

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boveileder.models import User
from boveileder.national_id import normalise
from cases.models import Household, Person

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Where the household's letters go (decisions): autocomplete helps on a phone.
POSTAL_WIDGETS = {
    "postal_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
    "postcode": forms.TextInput(
        attrs={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": "4"}
    ),
    "post_town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
}
POSTAL_HELP = {"postal_address": _("Where letters to the household go, such as decisions.")}


def _counsellors(municipality_id):
    return User.objects.staff_of(municipality_id).filter(is_counsellor=True, is_active=True)


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "reference",
            "counsellor",
            "enrolled_on",
            "housing_at_start",
            "postal_address",
            "postcode",
            "post_town",
            "notes",
        ]
        widgets = {
            "enrolled_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 2}),
            **POSTAL_WIDGETS,
        }
        help_texts = POSTAL_HELP

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality_id = user.municipality_id
        self.fields["counsellor"].queryset = _counsellors(user.municipality_id)
        if user.is_counsellor:
            self.initial.setdefault("counsellor", user.pk)
        self.initial.setdefault("enrolled_on", timezone.localdate())
        self.fields["enrolled_on"].required = True

    def clean_enrolled_on(self):
        value = self.cleaned_data["enrolled_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "national_id",
            "household_role",
            "phone",
            "email",
            "needs_interpreter",
            "interpreter_language",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "national_id": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for the spaces or dots people type (120963 42568); normalised, then checked as 11 digits.
        national_id = self.fields["national_id"]
        national_id.max_length = 20
        national_id.widget.attrs["maxlength"] = "20"
        national_id.validators = [v for v in national_id.validators if not isinstance(v, MaxLengthValidator)]

    def clean_national_id(self):
        return normalise(self.cleaned_data.get("national_id", ""))

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be after today."))
        return value

    def validate_unique(self):
        """The duplicate check in the view shows a same-ID person as a match to link to instead."""

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DuplicateChoiceForm(forms.Form):
    """After a possible match was shown: link to that person, or confirm it is someone else."""

    link_person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(label=_("This is another person: register them anyway"), required=False)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE_INPUT)
    close_reason = forms.ChoiceField(label=_("Reason for closing"), choices=Household.CloseReason.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closed_on", timezone.localdate())

    def clean_closed_on(self):
        value = self.cleaned_data["closed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class PersonRemoveForm(forms.Form):
    left_on = forms.DateField(label=_("Left the household on"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("left_on", timezone.localdate())

    def clean_left_on(self):
        value = self.cleaned_data["left_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, reference, address or national ID"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )


class CaseloadFilterForm(forms.Form):
    SORTS = {
        "due": ("next_step_due", "reference"),
        "contact": ("last_contact", "reference"),
        "tenure": ("tenancy_start", "reference"),
        "reference": ("reference",),
    }
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All")),
            ("overdue", _("Next step overdue")),
            ("flagged", _("With a long-tenure flag")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Next step due")),
            ("contact", _("Last contact (oldest first)")),
            ("tenure", _("Length of residence (longest first)")),
            ("reference", _("Reference")),
        ],
    )


class TeamFilter(django_filters.FilterSet):
    counsellor = django_filters.ModelChoiceFilter(
        label=_("Counsellor"), queryset=User.objects.none(), empty_label=_("All counsellors")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("Open cases")), ("closed", _("Closed cases"))],
        empty_label=_("All cases"),
        method="filter_status",
    )

    class Meta:
        model = Household
        fields = ["counsellor", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["counsellor"].queryset = _counsellors(user.municipality_id)
        for form_field in self.form.fields.values():
            form_field.widget.attrs["class"] = "form-select form-select-sm"

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_on__isnull=True)
        if value == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset
