"""Cases' composed reads: who may be the same person, who may approve a decision, what a decision
letter says, and the appeal deadline they count from.

A read that filters one model, and that others chain, is a queryset method on its manager
(`Household.objects.visible_to(user)`, `Household.objects.counselled_by(user)`); a read that composes
several models or answers one page or document lives here. Services may call these; these never call
services (see docs/architecture.md, «Reads and writes»)."""

from datetime import date, timedelta

from django.db.models import Q

from boveileder.dates import date_shift
from boveileder.models import User
from boveileder.national_id import normalise
from cases.models import Decision, Person

# Forvaltningsloven § 29: three weeks from when the notice reached the party. We count from the day
# the letter was delivered where the sending channel reports it (docs/svarut.md), else from the
# approval date, the earliest the letter can reach anyone, so the deadline shown is never too late.
APPEAL_WEEKS = 3


def appeal_deadline(decision: Decision) -> date | None:
    """The last day to appeal: three weeks after the letter was delivered, or after the decision was
    made where no delivery date is known."""
    if decision.approved_on is None:
        return None
    start = max(decision.approved_on, decision.delivered_on or decision.approved_on)
    return date_shift(start, timedelta(weeks=APPEAL_WEEKS))


def approver_choices(decision: Decision):
    """Staff who may approve the decision and can open its household: active, of its municipality,
    a manager or a counsellor a manager authorised, never its drafter; a restricted (sperret)
    household's decision only a manager or the household's own counsellor."""
    household = decision.household
    staff = (
        User.objects.staff_of(household.municipality_id)
        .filter(is_active=True)
        .filter(Q(is_manager=True) | Q(is_counsellor=True, can_approve_decisions=True))
    )
    if household.restricted:
        staff = staff.filter(Q(is_manager=True) | Q(pk=household.counsellor_id))
    return staff.exclude(pk=decision.drafted_by_id).order_by("first_name", "last_name", "username")


def letter_context(decision: Decision) -> dict:
    """What the letter says: forvaltningsloven §§ 24–25 and 27. To the person's name at the
    household's postal address (no birth date, no ID); from the municipality's unit and address, with
    the drafter as contact person and the municipality's phone and e-mail."""
    household = decision.household
    return {
        "decision": decision,
        "household": household,
        "municipality": household.municipality,
        "person": decision.person,
        "contact_person": decision.drafted_by,
        "appeal_deadline": appeal_deadline(decision),
        "appeal_weeks": APPEAL_WEEKS,
        "pdf_language": "nb",
    }


def person_possible_duplicates(*, municipality, national_id="", first_name="", last_name="", birth_date=None):
    """Persons of the municipality who may be the same: same national ID, or same name and birth date."""
    match = Q(pk__in=[])
    national_id = normalise(national_id)
    if national_id:
        match |= Q(national_id=national_id)
    if first_name and last_name and birth_date:
        match |= Q(
            first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip(), birth_date=birth_date
        )
    return Person.objects.filter(municipality=municipality).filter(match).select_related("household")
