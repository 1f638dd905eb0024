"""The journal's entries: made when a letter is posted and when an appeal is registered, numbered per
municipality and year, in one case per decision, once per letter and appeal."""

from datetime import date

import pytest

from cases.models import DecisionLetter
from cases.services import decisions as services
from cases.signals import letter_dispatched
from journal.models import JournalEntry
from tests.factories import MunicipalityFactory
from tests.journal.world import approved_decision, letter_posted

pytestmark = pytest.mark.django_db


def test_a_posted_letter_is_journaled_as_outgoing_to_its_addressee():
    municipality = MunicipalityFactory()
    decision = approved_decision(municipality, first_name="Amina", last_name="Hassan", on=date(2026, 2, 2))

    letter_posted(decision, date(2026, 2, 3))

    entry = JournalEntry.objects.get()
    assert entry.direction == "U"
    assert (entry.year, entry.number, entry.reference) == (2026, 1, "2026/000001")
    assert entry.journal_date == date(2026, 2, 3) and entry.document_date == date(2026, 2, 2)
    assert entry.correspondent == "Amina Hassan"
    assert entry.letter == decision.letters.get() and entry.channel == "post"
    assert entry.case.decision == decision and entry.case_document == "2026/1-1"
    assert "Hassan" not in entry.title and "Amina" not in entry.title
    assert "vedtak" in entry.title.lower()


def test_an_appeal_is_journaled_as_incoming_in_the_decisions_case():
    municipality = MunicipalityFactory()
    decision = approved_decision(municipality, on=date(2026, 2, 2))
    letter_posted(decision, date(2026, 2, 3))

    services.appeal_register(decision=decision, received_on=date(2026, 2, 16), by=decision.approved_by)

    appeal_entry = JournalEntry.objects.get(direction="I")
    assert appeal_entry.appeal == decision.appeals.get()
    assert appeal_entry.journal_date == date(2026, 2, 16)
    assert appeal_entry.number == 2 and appeal_entry.case_document == "2026/1-2"
    assert "02.02.2026" in appeal_entry.title and "Hassan" not in appeal_entry.title


def test_numbers_run_per_municipality_and_start_again_each_year():
    north, south = MunicipalityFactory(), MunicipalityFactory()
    letters = [
        (north, date(2025, 12, 30)),
        (south, date(2025, 12, 31)),
        (north, date(2025, 12, 31)),
        (north, date(2026, 1, 2)),
        (south, date(2026, 1, 3)),
    ]
    for municipality, on in letters:
        letter_posted(approved_decision(municipality, on=on), on)

    numbers = sorted(
        JournalEntry.objects.values_list("municipality__slug", "year", "number", "case__year", "case__number")
    )
    assert numbers == sorted(
        [
            (north.slug, 2025, 1, 2025, 1),
            (north.slug, 2025, 2, 2025, 2),
            (north.slug, 2026, 1, 2026, 1),
            (south.slug, 2025, 1, 2025, 1),
            (south.slug, 2026, 1, 2026, 1),
        ]
    )


def test_a_letter_sent_twice_is_journaled_once():
    """SvarUt accepting it and then staff posting it by hand: one entry, the first."""
    decision = approved_decision(MunicipalityFactory(), on=date(2026, 2, 2))
    letter = decision.letters.get()
    letter_dispatched.send(sender=DecisionLetter, letter=letter, on=date(2026, 2, 2), channel="svarut")

    letter_posted(decision, date(2026, 2, 20))

    entry = JournalEntry.objects.get()
    assert (entry.channel, entry.journal_date) == ("svarut", date(2026, 2, 2))
