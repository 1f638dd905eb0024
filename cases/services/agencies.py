"""The municipality's partner agencies (NAV, the refugee office, banks, ...): add and edit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boveileder.constraints import said_on_field
from cases.models import PartnerAgency

AGENCY_FIELDS = ("name", "kind", "contact")


def _duplicate_name_error() -> ValidationError:
    return ValidationError({"name": _("The municipality already has a partner agency with this name.")})


def _check_name_free(*, municipality_id, name: str, exclude_pk=None) -> None:
    # Compared in Python: SQLite's case-insensitive match knows only ASCII (Å and å would differ).
    # A municipality has a few dozen agencies at most.
    names = PartnerAgency.objects.filter(municipality_id=municipality_id).exclude(pk=exclude_pk)
    if any(other.casefold() == name.casefold() for other in names.values_list("name", flat=True)):
        raise _duplicate_name_error()


def _save(agency: PartnerAgency, **kwargs) -> None:
    agency.full_clean(validate_unique=False, validate_constraints=False)
    with said_on_field(PartnerAgency):  # the same name saved by someone else a moment ago
        agency.save(**kwargs)


@transaction.atomic
def agency_create(*, municipality, by, name: str, kind: str, contact: str = "") -> PartnerAgency:
    """Add a partner agency; its name is unique in the municipality (case does not make it another)."""
    name = name.strip()
    _check_name_free(municipality_id=municipality.pk, name=name)
    agency = PartnerAgency(municipality=municipality, name=name, kind=kind, contact=contact.strip())
    _save(agency)
    return agency


@transaction.atomic
def agency_update(*, agency: PartnerAgency, by, **changes) -> PartnerAgency:
    """Change a partner agency's name, kind or contact."""
    unknown = set(changes) - set(AGENCY_FIELDS)
    if unknown:
        raise TypeError(f"agency_update got unknown fields: {sorted(unknown)}")
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    changed = [name for name in AGENCY_FIELDS if name in changes and getattr(agency, name) != changes[name]]
    if not changed:
        return agency
    if "name" in changed:
        _check_name_free(municipality_id=agency.municipality_id, name=changes["name"], exclude_pk=agency.pk)
    for name in changed:
        setattr(agency, name, changes[name])
    _save(agency, update_fields=changed)
    return agency
