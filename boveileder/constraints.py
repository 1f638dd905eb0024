"""Unique constraints said in the user's language, on the field they guard.

A model lists its constraints' messages once, in `constraint_messages` (constraint name → field and
message; field None for a rule of the whole record). `ConstraintMessages` puts them on that field
when a service validates (`full_clean`), and `said_on_field` does the same when the database refuses
a write that raced past the check (two registrations with one reference at the same time),
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


def _failed_columns(text: str) -> set[str] | None:
    """The columns SQLite names in «UNIQUE constraint failed: table.a, table.b»."""
    if "UNIQUE constraint failed:" not in text:
        return None
    return {part.strip().split(".")[-1] for part in text.split(":", 1)[1].split(",")}


def refusal(model, error: IntegrityError) -> ValidationError | None:
    """The field message for the unique constraint the database named (PostgreSQL) or whose columns
    it named (SQLite): a constraint the model says a message for, or a field's own `unique=True`."""
    said = getattr(model, "constraint_messages", {})
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if name is None and "UNIQUE constraint failed: index '" in str(error):
        name = str(error).split("index '", 1)[1].rstrip("'")  # SQLite names an expression's index
    columns = _failed_columns(str(error)) if name is None else None
    table = model._meta.db_table
    for constraint in model._meta.constraints:
        if constraint.name in said and (
            name == constraint.name or (columns is not None and columns == _columns(model, constraint))
        ):
            field, message = said[constraint.name]
            return ValidationError({field or NON_FIELD_ERRORS: ValidationError(message, code="unique")})
    for field in model._meta.fields:
        if not field.unique or field.primary_key:
            continue
        if (name is not None and name.startswith(f"{table}_{field.column}_")) or columns == {field.column}:
            return ValidationError({field.name: model().unique_error_message(model, (field.name,))})
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
