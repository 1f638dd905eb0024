"""Journal numbers on PostgreSQL with real concurrent writers: letters posted at the same moment, each
in its own thread and database connection, get different numbers with no gap; a rolled-back entry
gives its number back."""

import threading
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Appeal, Decision, DecisionLetter
from cases.services import decisions as services
from journal.models import JournalCounter, JournalEntry
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ON = date(2026, 3, 2)


def _approved_letter(municipality, manager):
    """An approved decision and its made letter, written directly (no letter task queued)."""
    household = HouseholdFactory(municipality=municipality)
    decision = Decision.objects.create(
        household=household,
        person=PersonFactory(household=household),
        drafted_by=household.counsellor,
        approved_by=manager,
        approved_on=ON,
        status=Decision.Status.APPROVED,
        main_content="Oppfølging.",
        period_from=ON,
    )
    letter = DecisionLetter(decision=decision, status=DecisionLetter.Status.DONE, rendered_at=timezone.now())
    letter.pdf.save("brev.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    letter.save()
    return letter


def at_once(calls):
    """Run each of `calls` in its own thread and connection, released together; their errors."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_eight_letters_posted_at_once_get_eight_numbers_without_a_gap():
    municipality = MunicipalityFactory()
    manager = ManagerFactory(municipality=municipality)
    letters = [_approved_letter(municipality, manager) for _ in range(8)]

    errors = at_once(
        [
            lambda letter=letter: services.letter_archive(
                letter=letter, archived_on=ON, archive_ref="manuelt", by=manager
            )
            for letter in letters
        ]
    )

    assert errors == []
    numbers = sorted(JournalEntry.objects.filter(municipality=municipality).values_list("number", flat=True))
    assert numbers == list(range(1, 9))
    cases = sorted(JournalEntry.objects.values_list("case__number", flat=True))
    assert cases == list(range(1, 9))
    assert JournalCounter.objects.get(municipality=municipality, year=2026, series="entry").last == 8


def test_a_letter_and_its_appeal_at_once_share_one_case():
    municipality = MunicipalityFactory()
    manager = ManagerFactory(municipality=municipality)
    letter = _approved_letter(municipality, manager)
    decision = letter.decision
    counsellor = CounsellorFactory(municipality=municipality)

    errors = at_once(
        [
            lambda: services.letter_archive(letter=letter, archived_on=ON, archive_ref="manuelt", by=manager),
            lambda: services.appeal_register(decision=decision, received_on=date(2026, 3, 9), by=counsellor),
        ]
    )

    assert errors == []
    entries = JournalEntry.objects.order_by("number")
    assert {entry.case_id for entry in entries} == {decision.journal_case.pk}
    assert sorted(entry.document_number for entry in entries) == [1, 2]
    assert Appeal.objects.count() == 1


def test_an_entry_rolled_back_gives_its_number_back():
    municipality = MunicipalityFactory()
    manager = ManagerFactory(municipality=municipality)
    first, second = _approved_letter(municipality, manager), _approved_letter(municipality, manager)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.letter_archive(letter=first, archived_on=ON, archive_ref="manuelt", by=manager)
        raise RuntimeError("the request failed after the letter was journaled")
    services.letter_archive(letter=second, archived_on=ON, archive_ref="manuelt", by=manager)

    assert list(JournalEntry.objects.values_list("letter", "number")) == [(second.pk, 1)]
