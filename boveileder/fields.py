"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

from boveileder.params import int_param


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, but a value that is no id (40 digits, a superscript ²) is
    an invalid choice before it reaches the database: SQLite cannot bind an integer that large, and
    Django's check lets it through to the `__in` query (a 500)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if int_param(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
