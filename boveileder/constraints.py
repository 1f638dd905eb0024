"""Unique constraints said in the user's language, on the field they guard (issue 14 bug 3).

A model lists its constraints' messages once, in `constraint_messages` (constraint name → field and
message; field None for a rule of the whole record). `ConstraintMessages` puts them on that field
when a service validates (`full_clean`), and `said_on_field` does the same when the database refuses
a write that raced past the check (issue 15: two registrations with one reference at the same time),
so neither gives a 500."""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, router, transaction


class ConstraintMessages:
    """Model mixin: the violation of a constraint in `constraint_messages` is its message on its field."""

    constraint_messages: dict = {}

    def validate_constraints(self, exclude=None):
        errors = {}
        using = router.db_for_write(type(self), instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    said = self.constraint_messages.get(constraint.name)
                    if said is not None:
                        field, message = said
                        errors.setdefault(field or NON_FIELD_ERRORS, []).append(
                            ValidationError(message, code="unique")
                        )
                    elif getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _columns(model, constraint) -> set[str]:
    return {model._meta.get_field(name).column for name in constraint.fields}


def refusal(model, error: IntegrityError) -> ValidationError | None:
    """The field message for the constraint the database named (PostgreSQL) or whose columns it named
    (SQLite), if the model says one."""
    said = getattr(model, "constraint_messages", {})
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    text = str(error)
    for constraint in model._meta.constraints:
        if constraint.name not in said:
            continue
        hit = name == constraint.name
        if not hit and name is None and "UNIQUE constraint failed:" in text:
            failed = {part.strip().split(".")[-1] for part in text.split(":", 1)[1].split(",")}
            table = model._meta.db_table
            hit = f"{table}." in text and failed == _columns(model, constraint)
        if hit:
            field, message = said[constraint.name]
            return ValidationError({field or NON_FIELD_ERRORS: ValidationError(message, code="unique")})
    return None


@contextmanager
def said_on_field(model: type[models.Model]):
    """Writes of `model` in a savepoint: a constraint the database enforces is said on its field."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        said = refusal(model, error)
        if said is None:
            raise
        raise said from error
