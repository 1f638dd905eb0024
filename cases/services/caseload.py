"""Moving a counsellor's caseload to another counsellor, say when the first one leaves."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from boveileder.models import User
from cases.models import Household
from cases.services.timeline import timeline_record

logger = logging.getLogger(__name__)


def caseload_open(user):
    """The open households a staff member follows as counsellor."""
    return Household.objects.filter(municipality_id=user.municipality_id, counsellor=user).open()


def caseload_transfer(*, from_user, to_user, by) -> int:
    """Move all open households of `from_user` to `to_user` in one transaction, with a timeline event
    on each; returns how many moved. Closed households keep the counsellor they had."""
    municipality_id = by.municipality_id
    if (
        not (by.is_active and by.is_manager and municipality_id)
        or from_user.municipality_id != municipality_id
    ):
        raise PermissionDenied
    if to_user.pk == from_user.pk:
        raise ValidationError(
            {"to_user": _("Choose another counsellor than the one who has the households.")}
        )
    today = timezone.localdate()
    with transaction.atomic():
        # As the database has it now, and locked: not a counsellor deactivated a moment ago.
        to_user = (
            User.objects.select_for_update()
            .staff_of(municipality_id)
            .filter(pk=to_user.pk, is_active=True, is_counsellor=True)
            .first()
        )
        if to_user is None:
            raise ValidationError({"to_user": _("Choose an active counsellor of your municipality.")})
        summary = _("Counsellor changed from %(old)s to %(new)s") % {"old": from_user, "new": to_user}
        households = list(caseload_open(from_user).select_for_update().order_by("pk"))
        for household in households:
            household.counsellor = to_user
        bulk_update_with_history(households, Household, ["counsellor"], default_user=by)
        for household in households:
            timeline_record(
                household=household, kind="counsellor_changed", summary=summary, on=today, actor=by
            )
    logger.info(
        "user %s moved %s households from staff %s to staff %s",
        by.pk,
        len(households),
        from_user.pk,
        to_user.pk,
    )
    return len(households)
