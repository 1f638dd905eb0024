"""Validators shared by the apps' model fields, so every way in (forms, the spreadsheet import, the
admin) keeps the same rule."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from boveileder.params import has_control_characters


def validate_no_control_characters(value: str) -> None:
    """A reference or case number is one line of visible text: no line breaks, tabs or NUL bytes
    (it ends up in file names, headers and spreadsheets)."""
    if value and has_control_characters(value):
        raise ValidationError(
            _("Use letters, digits and punctuation only: no line breaks, tabs or other control characters."),
            code="control_characters",
        )
