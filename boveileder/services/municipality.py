"""The municipality's own details, kept by its managers."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction

from boveileder.models import Municipality

logger = logging.getLogger(__name__)

CONTACT_FIELDS = ("service_unit", "postal_address", "postcode", "post_town", "phone", "email")


@transaction.atomic
def municipality_contact_set(*, municipality: Municipality, by, **fields) -> Municipality:
    """A manager sets where the municipality's letters come from and can be answered (fvl. § 27)."""
    if not (by.is_manager and by.municipality_id == municipality.pk):
        raise PermissionDenied
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown municipality fields: {sorted(unknown)}")
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    for name, value in fields.items():
        setattr(municipality, name, value.strip())
    municipality.full_clean(validate_unique=False)
    municipality.save(update_fields=list(fields))
    logger.info("user %s changed the contact details of municipality %s", by.pk, municipality.pk)
    return municipality
