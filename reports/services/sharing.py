"""A municipality's choice, per funder, whether its figures leave it."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import FigureSharing, Funder

log = logging.getLogger(__name__)


@transaction.atomic
def figure_sharing_set(*, municipality, funder: str, shared: bool, by) -> FigureSharing:
    """Share the municipality's figures with `funder`, or stop sharing them; the change and who made
    it are kept in the history. Setting what is already set changes nothing."""
    if funder not in Funder.values:
        raise ValidationError({"funder": _("Choose a funder.")})
    sharing = (
        FigureSharing.objects.select_for_update().filter(municipality=municipality, funder=funder).first()
    )
    if sharing is None:
        sharing = FigureSharing(municipality=municipality, funder=funder)
    elif sharing.shared == shared:
        return sharing
    sharing.shared = shared
    sharing.changed_by = by
    sharing._history_user = by
    sharing.save()
    log.info(
        "figure sharing: municipality %s, %s, shared=%s, by user %s", municipality.pk, funder, shared, by.pk
    )
    return sharing
