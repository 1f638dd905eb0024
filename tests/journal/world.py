"""Decisions with their letters made, for the journal's tests: the real services from draft to
approval, the letter's PDF set in place of a render (the render has its own tests)."""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import DecisionLetter
from cases.services import decisions as services
from tests.factories import CounsellorFactory, HouseholdFactory, ManagerFactory, PersonFactory


def approved_decision(municipality, *, first_name="Amina", last_name="Hassan", on=date(2026, 2, 2)):
    """An approved decision addressed to `first_name last_name`, its letter made."""
    counsellor = CounsellorFactory(municipality=municipality)
    manager = ManagerFactory(municipality=municipality)
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    person = PersonFactory(
        household=household, first_name=first_name, last_name=last_name, with_national_id=True
    )
    decision = services.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        main_content="Oppfølgingsbesøk to ganger i måneden.",
        period_from=on,
        reasons="Husstanden er vanskeligstilt på boligmarkedet.",
    )
    services.decision_submit(decision=decision, by=counsellor)
    services.decision_approve(decision=decision, by=manager, on=on)
    letter = decision.letters.get()
    letter_made(letter)
    decision.refresh_from_db()
    return decision


def letter_made(letter: DecisionLetter, data: bytes = b"%PDF-1.7\n% vedtaksbrev\n") -> DecisionLetter:
    letter.pdf.save(f"vedtak-{letter.decision_id}-{letter.pk}.pdf", ContentFile(data), save=False)
    letter.rendered_at = timezone.now()
    letter.status = DecisionLetter.Status.DONE
    letter.save(update_fields=["pdf", "rendered_at", "status"])
    return letter


def letter_posted(decision, on: date):
    """Staff mark the decision's letter posted and filed (the step that journals it without SvarUt)."""
    letter = decision.letters.get()
    return services.letter_archive(
        letter=letter, archived_on=on, archive_ref="manuelt", by=decision.approved_by
    )
