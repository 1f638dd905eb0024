"""Reads for the pages of cases that dispatch fills in: the decision page's section, the caseload's
tasks for letters SvarUt could not deliver."""

from datetime import date

from django.utils.translation import gettext as _

from cases.deadlines import Deadline
from cases.models import Decision, DecisionLetter
from dispatch.forms import LetterPostForm
from dispatch.models import Shipment, SvarUtAccount
from dispatch.statuses import STATUS_LABELS


def decision_section(request, decision: Decision) -> dict | None:
    """The letters' way to the household, on an approved decision's page (three queries)."""
    if decision is None or decision.status != Decision.Status.APPROVED:
        return None
    letters = list(
        DecisionLetter.objects.filter(decision=decision, status=DecisionLetter.Status.DONE)
        .select_related("shipment__posted_by")
        .order_by("created_at")
    )
    if not letters:
        return None
    uses_svarut = SvarUtAccount.objects.filter(
        municipality_id=decision.household.municipality_id, enabled=True
    ).exists()
    shipments = {
        s.letter_id: s for s in Shipment.objects.filter(letter__in=letters).prefetch_related("statuses")
    }
    rows = []
    for letter in letters:
        shipment = shipments.get(letter.pk)
        history = (
            [(STATUS_LABELS.get(s.status, s.status), s.at) for s in shipment.statuses.all()]
            if shipment
            else []
        )
        may_post = (shipment is None and not uses_svarut) or (
            shipment is not None and shipment.state == Shipment.State.FAILED
        )
        rows.append(
            {
                "letter": letter,
                "shipment": shipment,
                "history": history,
                "status_label": STATUS_LABELS.get(shipment.svarut_status, "") if shipment else "",
                "post_form": LetterPostForm(prefix=f"post-{letter.pk}") if may_post else None,
            }
        )
    return {"dispatch_rows": rows, "uses_svarut": uses_svarut}


def undelivered_deadlines(user, households, today: date) -> list[Deadline]:
    """A letter SvarUt could not deliver is a task: print it and post it."""
    failed = Shipment.objects.filter(
        letter__decision__household__in=households, state=Shipment.State.FAILED
    ).select_related("letter__decision__household")
    return [
        Deadline(
            due=shipment.failed_on or today,
            household_id=shipment.letter.decision.household_id,
            household_reference=shipment.letter.decision.household.reference,
            text=_("Decision letter not delivered: print it and send it by post"),
            view="cases:decision_detail",
            pk=shipment.letter.decision_id,
            kind="letter_not_delivered",
        )
        for shipment in failed
    ]
