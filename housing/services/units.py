"""Registering and editing rental units."""

from django.db import transaction

from boveileder.constraints import said_on_field
from housing.models import RentalUnit

UNIT_FIELDS = (
    "reference",
    "address",
    "postcode",
    "city",
    "rooms",
    "area_m2",
    "monthly_rent_nok",
    "kobo_id",
    "bruksenhetsnummer",
    "in_use",
)


@transaction.atomic
def unit_create(*, municipality, by=None, **fields) -> RentalUnit:
    """Register a rental unit of `municipality`."""
    unit = RentalUnit(municipality=municipality, **{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    unit.full_clean()
    with said_on_field(RentalUnit):  # the same reference saved a moment ago
        unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: RentalUnit, by=None, **fields) -> RentalUnit:
    """Change a unit's address, size, rent or its ids in Kobo and the matrikkel."""
    for name, value in fields.items():
        if name in UNIT_FIELDS:
            setattr(unit, name, value)
    unit.full_clean()
    with said_on_field(RentalUnit):
        unit.save()
    return unit
