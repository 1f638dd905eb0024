"""The forms of the import and export page."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook or zip of CSV files"),
        help_text=_(
            "An .xlsx workbook with the template's sheets, or a .zip of .csv files named after them."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".xlsx", ".zip"):
            raise forms.ValidationError(_("Choose an .xlsx workbook or a .zip of .csv files."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(mb)s MB: split it, or import one sheet at a time.")
                % {"mb": round(settings.IMPORT_MAX_BYTES / 1024 / 1024, 1)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        self.suffix = suffix
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel workbook (.xlsx)")), ("zip", _("CSV files in a zip (.zip)"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    national_ids = forms.BooleanField(
        label=_("Include national ID numbers"),
        required=False,
        help_text=_("Only when the receiver needs them for secure identification."),
    )
