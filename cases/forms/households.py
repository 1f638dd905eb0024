"""Registering and editing households and members, closing and reopening a case, searching."""

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boveileder.models import User, validate_postcode
from boveileder.national_id import normalise, validate_national_id
from cases.models import Household, Person
from cases.services.households import HOUSEHOLD_FIELDS

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


class HouseholdEditForm(forms.ModelForm):
    """Only a manager chooses the counsellor; others see it, but cannot change it."""

    class Meta:
        model = Household
        fields = list(HOUSEHOLD_FIELDS)
        widgets = {"enrolled_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3}), **POSTAL_WIDGETS}
        help_texts = POSTAL_HELP

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.counsellor_id
        staff = User.objects.staff_of(user.municipality_id).filter(is_counsellor=True, is_active=True)
        # The one it has stays a choice, so saving other changes does not take the case from them.
        self.fields["counsellor"].queryset = staff | User.objects.filter(
            pk=current, municipality_id=user.municipality_id
        )
        self.fields["enrolled_on"].required = True
        if not user.is_manager and current is None and user.is_counsellor:
            # An unassigned case: a counsellor may take it, but give it to no one else.
            self.fields["counsellor"].queryset = User.objects.filter(pk=user.pk)
        elif not user.is_manager:
            self.fields["counsellor"].disabled = True
            self.fields["counsellor"].help_text = _("Only a manager can give the case to another counsellor.")

    def clean_enrolled_on(self):
        value = self.cleaned_data["enrolled_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode:
            validate_postcode(postcode)
        return postcode

    def _post_clean(self):
        """The service writes: the form only validates, so the household is not changed before it."""

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class PersonEditForm(PersonForm):
    """A member's particulars. The national ID is never put back into the page: the field starts empty
    (empty keeps the registered number), and a box removes it."""

    remove_national_id = forms.BooleanField(
        label=_("Remove the registered national ID number"), required=False
    )

    def __init__(self, *args, person: Person, **kwargs):
        initial = model_to_dict(person, fields=[f for f in PersonForm.Meta.fields if f != "national_id"])
        # Bound to a stand-in: the service changes the real person, and only if all is well.
        super().__init__(*args, initial=initial, instance=Person(), **kwargs)
        self.person = person
        # Room for the spaces or dots people type (12 09 63 425 68); normalised before it is checked.
        field = self.fields["national_id"] = forms.CharField(
            required=False,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        field.label = _("New national ID number")
        if person.national_id:
            field.help_text = _("Leave empty to keep the registered number.")
        else:
            del self.fields["remove_national_id"]
            field.label = _("National ID number")

    def clean_national_id(self):
        value = super().clean_national_id()
        if value:
            validate_national_id(value)  # both check-digit rules
        return value

    def _post_clean(self):
        """The fields are validated; the service checks the rest (a number free in the municipality)."""

    def clean(self):
        data = super().clean()
        if data.get("remove_national_id") and data.get("national_id"):
            self.add_error(
                "national_id", _("Either write a new number or remove the registered one, not both.")
            )
        return data

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {name: data[name] for name in PersonForm.Meta.fields if name != "national_id"}
        if data.get("remove_national_id"):
            changes["national_id"] = ""
        elif data.get("national_id"):
            changes["national_id"] = data["national_id"]
        return changes
