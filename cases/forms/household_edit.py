"""Editing a household's details and a member's particulars."""

from django import forms
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boveileder.models import User, validate_postcode
from boveileder.national_id import validate_national_id
from cases.forms.households import DATE_INPUT, POSTAL_HELP, POSTAL_WIDGETS, PersonForm
from cases.models import Household, Person
from cases.services.household_edit import HOUSEHOLD_FIELDS


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
