"""What every form of every app shares: how a select's empty choice reads, and where a service's
refusal lands on a page of one or more forms."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext as _

# The label Django gives the empty choice of a select (model fields, ModelChoiceField, django-filter).
DJANGO_BLANK = "---------"


class FormRenderer(DjangoTemplates):
    """The project's form renderer (FORM_RENDERER): a select's empty choice reads «Velg …»."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if isinstance(widget, dict) and "optgroups" in widget:
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option["value"] in ("", None) and str(option["label"]) == DJANGO_BLANK:
                        option["label"] = _("Choose …")
        return super().render(template_name, context, request)


def add_form_errors(form, error: ValidationError, *more_forms, renamed: dict | None = None) -> None:
    """Put a service's ValidationError on the form that has the field it names (the first of `form`
    and `more_forms` that has it; `renamed` maps a model field to the form's name for it), and what
    names no field on `form`, above its fields. The one way every view says a service's refusal."""
    forms, renamed = (form, *more_forms), renamed or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        field = renamed.get(field, field)
        target = next((f for f in forms if field in f.fields), None)
        if target is None or field == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            target.add_error(field, errors)
