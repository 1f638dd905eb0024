"""Moving a counsellor's caseload to another counsellor, say when the first one leaves: all of it, or
the households a manager picks (handing over in bulk)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from boveileder.models import User
from boveileder.queueing import queue_after_commit
from cases.models import Household
from cases.services.timeline import timeline_event, timeline_record_many
from cases.timeline import TimelineKind

logger = logging.getLogger(__name__)


def caseload_transfer(*, from_user, to_user, by, household_ids=None) -> int:
    """Move the open households of `from_user` (all, or those of `household_ids`) to `to_user` in one
    transaction, with a timeline event on each, one line in the audit log, and the new counsellor told
    by e-mail after commit; returns how many moved. Closed households keep the counsellor they had.
    A constant number of queries however many move."""
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
        chosen = Household.objects.counselled_by(from_user)
        if household_ids is not None:
            chosen = chosen.filter(pk__in=list(household_ids))
        households = list(chosen.select_for_update().order_by("pk"))
        for household in households:
            household.counsellor = to_user
        bulk_update_with_history(households, Household, ["counsellor"], default_user=by)
        changed = {"old": str(from_user), "new": str(to_user)}
        timeline_record_many(
            timeline_event(
                household=household, kind=TimelineKind.COUNSELLOR_CHANGED, params=changed, on=today, by=by
            )
            for household in households
        )
        moved_ids = [household.pk for household in households]
        if moved_ids:
            _queue_handover_notice(to_user.pk, moved_ids)
    # The audit log: one line for the whole hand-over, ids only.
    logger.info(
        "user %s moved %s households from staff %s to staff %s: %s",
        by.pk,
        len(households),
        from_user.pk,
        to_user.pk,
        ",".join(map(str, moved_ids)),
    )
    return len(households)


def _queue_handover_notice(to_user_id: int, household_ids: list[int]) -> None:
    """The receiving counsellor is told by e-mail once the hand-over is committed."""
    from cases.tasks.notices import handover_notify

    queue_after_commit(handover_notify, to_user_id, household_ids)
