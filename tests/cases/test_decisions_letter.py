"""The decision letter, rendered by a real Celery worker after the approval commits: pdftotext finds
the decision, the appeal deadline and route, the right of access, the postal address, and never the
birth date or the national ID."""

from datetime import date

import pytest

from cases.models import DecisionLetter
from cases.services import decisions as services
from tests.factories import PersonFactory
from tests.services import pdftotext, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_renders_the_letter_once_with_the_appeal_route_and_no_national_id(
    celery_worker_process, household, counsellor, manager
):
    person = PersonFactory(
        household=household,
        first_name="Amina",
        last_name="Hassan",
        birth_date=date(1988, 4, 9),
        with_national_id=True,
    )
    household.postal_address, household.postcode, household.post_town = "Storgata 12 B", "6002", "Ålesund"
    household.save()
    decision = services.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        assessment="Familien bor trangt og ønsker å eie egen bolig.",
        main_content="Oppfølgingsbesøk to ganger i måneden og hjelp til å søke startlån.",
        period_from=date(2026, 3, 2),
        period_to=date(2027, 3, 1),
        participation="Amina var med i samtalen og ønsker hjelpen.",
        reasons="Husstanden er vanskeligstilt på boligmarkedet.",
    )
    services.decision_submit(decision=decision, by=counsellor)
    services.decision_approve(decision=decision, by=manager, on=date(2026, 3, 2))  # commits: queues the task

    letter = wait_for(
        lambda: DecisionLetter.objects.filter(decision=decision).exclude(rendered_at=None, error="").first(),
        timeout=90,
        message="the worker to render the letter",
    )
    assert not letter.error, letter.error
    with letter.pdf.open("rb") as fh:
        data = fh.read()
    text = " ".join(pdftotext(data).split())

    assert "Vedtak om individuelt tilpasset bistand" in text
    assert "Amina Hassan" in text and "Storgata 12 B" in text and "6002 Ålesund" in text
    assert "Født" not in text and "09.04.1988" not in text
    assert "Oppfølgingsbesøk to ganger i måneden" in text
    assert "boligsosiale feltet" in text and "§ 6" in text
    # The deadline (three weeks, forvaltningsloven § 29), its date, and where the appeal goes.
    assert "Klagefristen er tre uker" in text and "forvaltningsloven § 29" in text
    assert "går klagefristen ut 23.03.2026" in text
    assert "Send klagen til Ålesund kommune" in text and "Statsforvalteren" in text
    assert "forvaltningsloven §§ 18 og 19" in text
    # Never the national ID, whole or in part beyond the birth date.
    assert person.national_id not in text.replace(" ", "")
    assert person.national_id[6:] not in text.replace(" ", "")

    # Safe to run twice: the same letter, untouched.
    from cases.tasks.letters import decision_letter_render

    assert decision_letter_render.apply_async([letter.pk], ignore_result=False).get(timeout=60) == "ok"
    again = DecisionLetter.objects.get(pk=letter.pk)
    assert (again.pdf.name, again.sha256, again.rendered_at) == (
        letter.pdf.name,
        letter.sha256,
        letter.rendered_at,
    )
    assert DecisionLetter.objects.filter(decision=decision).count() == 1
