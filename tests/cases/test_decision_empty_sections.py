"""An empty text section of a decision reads «–» on its page and in its letter, never a blank under
its heading (`default` has to see the empty text before `linebreaks` wraps it in a paragraph)."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases import selectors
from cases.services import decisions as services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def approved(household, counsellor, manager, django_capture_on_commit_callbacks):
    household.postal_address, household.postcode, household.post_town = "Storgata 1", "6002", "Ålesund"
    household.save()
    sender = household.municipality
    sender.postal_address, sender.postcode, sender.post_town = "Postboks 1", "6025", "Ålesund"
    sender.save()
    person = PersonFactory(household=household)
    decision = services.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        outcome="refused",
        reasons="Husstanden har et trygt sted å bo.",
        assessment="",
        participation="",
    )
    services.decision_submit(decision=decision, by=counsellor)
    with django_capture_on_commit_callbacks(execute=False):
        return services.decision_approve(decision=decision, by=manager, on=TODAY - timedelta(days=1))


def _section(html: str, heading: str) -> str:
    """The text between `heading` and the next heading, tags and spaces squeezed out."""
    after = html.split(heading, 1)[1]
    body = re.split(r"<h[1-6]", after.split("</h", 1)[1].split(">", 1)[1], maxsplit=1)[0]
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", body))


def test_empty_sections_on_the_decision_page_read_a_dash(client_for, approved, counsellor):
    html = client_for(counsellor).get(reverse("cases:decision_detail", args=[approved.pk])).content.decode()
    assert _section(html, "Vurdering av situasjonen") == "–"
    assert _section(html, "Hovedinnholdet i bistanden") == "–"
    assert _section(html, "Hvordan husstanden medvirket") == "–"
    assert "Husstanden har et trygt sted å bo." in html


def test_an_empty_assessment_in_the_letter_reads_a_dash(approved):
    with translation.override("nb"):
        html = render_to_string("cases/decisions/letter_pdf.html", selectors.letter_context(approved))
    assert _section(html, "De faktiske forholdene") == "–"
