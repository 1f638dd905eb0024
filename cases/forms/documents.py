"""Attaching a document to a household, one of its start-up loan applications or decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boveileder.validators import validate_no_control_characters
from cases.services.documents import document_check_file


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
    title = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_("What the document is, e.g. «Signed consent». Blank: the file's name."),
        validators=[validate_no_control_characters],
    )
    startloan = forms.ModelChoiceField(label=_("Start-up loan application"), queryset=None, required=False)
    decision = forms.ModelChoiceField(label=_("Decision"), queryset=None, required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["startloan"].queryset = household.startloans.order_by("-received_on", "-id")
        self.fields["decision"].queryset = household.decisions.order_by("-created_at", "-id")
        for name in ("startloan", "decision"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        document_check_file(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("startloan") and cleaned.get("decision"):
            raise forms.ValidationError(_("Attach the document to an application or a decision, not both."))
        return cleaned
