"""Validators shared by the apps' model fields, so every way in (forms, the spreadsheet import, the
admin) keeps the same rule."""

from django.core.exceptions import ValidationError

from boveileder.text import control_problem


def validate_no_control_characters(value: str) -> None:
    """A reference or case number is one line of visible text: no line breaks, tabs or NUL bytes
    (it ends up in file names, headers and spreadsheets)."""
    if value and (problem := control_problem(value)):
        raise ValidationError(problem, code="control_characters")
