"""The municipality's contact details, as the sender of decision letters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boveileder.models import Municipality, validate_postcode
from boveileder.services.municipality import CONTACT_FIELDS


class MunicipalityContactForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = list(CONTACT_FIELDS)
        widgets = {
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {"postal_address": _("Street address or post box, for example «Postboks 1521».")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each letter needs them to be posted and answered; the unit falls back to the service's name.
        for name in ("postal_address", "postcode", "post_town"):
            self.fields[name].required = True

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        validate_postcode(postcode)
        return postcode

    def _post_clean(self):
        """The service writes and validates the model: the form only checks the input."""
