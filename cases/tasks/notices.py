"""The reminder e-mails of the morning, and the notices sent at once."""

from celery import shared_task

from boveileder.models import User
from cases.models import Decision


@shared_task(name="cases.reminders_send_daily")
def reminders_send_daily() -> int:
    """Beat, every morning: each staff member's reminder (weekly ones on Mondays); safe to run twice."""
    from cases.services.notices import reminders_send

    return reminders_send()


@shared_task(name="cases.decision_submitted_notify")
def decision_submitted_notify(decision_id: int) -> bool:
    """Tell the approver a decision waits for them; queued after the submission is committed."""
    from cases.services.notices import decision_submitted_notify as notify

    decision = Decision.objects.select_related("approver", "household").filter(pk=decision_id).first()
    return decision is not None and notify(decision=decision)


@shared_task(name="cases.handover_notify")
def handover_notify(to_user_id: int, household_ids: list[int]) -> bool:
    """Tell the receiving counsellor which households were handed over to them."""
    from cases.services.notices import handover_notify as notify

    to_user = User.objects.filter(pk=to_user_id, is_active=True).first()
    return to_user is not None and notify(to_user=to_user, household_ids=household_ids)
