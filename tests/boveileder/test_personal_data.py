"""Personal data kept in bounds: the national ID never reaches a log line, a history diff, a
timeline summary or a PDF; a restricted household opens only to managers and its own counsellor.
(The access walk, tests/boveileder/test_access_walk.py, proves no URL or link holds a national ID.)"""

import io
import logging
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Household, Person, TimelineEvent
from tests.factories import (
    CounsellorFactory,
    FollowUpFactory,
    HouseholdFactory,
    OfficerFactory,
    PersonFactory,
)
from tests.services import pdftotext

NATIONAL_ID = "12096342568"  # valid under both check-digit rules


@pytest.fixture
def console():
    """What the project's console log handler writes, caught from its own stream."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console" or h.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


# --- logs -----------------------------------------------------------------------------------------


def test_a_national_id_logged_by_our_code_is_redacted(console):
    logging.getLogger("cases.search").warning("Search for %s gave no match", NATIONAL_ID)
    line = console.getvalue()
    assert "Search for [fnr] gave no match" in line
    assert NATIONAL_ID not in line


def test_a_national_id_in_an_exceptions_traceback_is_redacted(console):
    try:
        raise ValueError(f"no person with national ID {NATIONAL_ID}")
    except ValueError:
        logging.getLogger("cases").exception("Lookup failed")
    logged = console.getvalue()
    assert "Lookup failed" in logged and "Traceback" in logged
    assert "no person with national ID [fnr]" in logged
    assert NATIONAL_ID not in logged


def test_an_eleven_digit_number_that_is_no_national_id_is_kept(console):
    logging.getLogger("cases").info("Invoice %s", "12345678901")
    assert "12345678901" in console.getvalue()


@pytest.mark.django_db
def test_a_national_id_in_a_requested_address_never_reaches_djangos_request_log(
    client_for, counsellor, console
):
    response = client_for(counsellor).get(f"/cases/persons/{NATIONAL_ID}/")
    assert response.status_code == 404
    line = console.getvalue()
    assert "Not Found" in line and "[fnr]" in line
    assert NATIONAL_ID not in line


# --- history diffs --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_persons_history_never_keeps_the_national_id(household):
    person = PersonFactory(household=household, national_id=NATIONAL_ID, phone="11111111")
    person.national_id = "31129956715"
    person.phone = "22222222"
    person.save()

    historical = Person.history.model
    assert "national_id" not in {f.name for f in historical._meta.get_fields()}
    with connection.cursor() as cursor:
        columns = [
            c.name for c in connection.introspection.get_table_description(cursor, historical._meta.db_table)
        ]
    assert "national_id" not in columns
    newest, oldest = person.history.order_by("-history_date")[:2]
    changed = {change.field for change in newest.diff_against(oldest).changes}
    assert changed == {"phone"}
    rows = repr(list(historical.objects.filter(id=person.pk).values()))
    assert NATIONAL_ID not in rows and "31129956715" not in rows


@pytest.mark.django_db
def test_timeline_summaries_never_hold_the_national_id(household, counsellor):
    from cases.services.households import person_add

    person_add(
        household=household,
        by=counsellor,
        first_name="Amina",
        last_name="Nilsen",
        birth_date=date(1963, 9, 12),
        national_id=NATIONAL_ID,
    )
    summaries = [f"{event.text} {event.params}" for event in TimelineEvent.objects.all()]
    assert summaries and not any(NATIONAL_ID in s for s in summaries)


# --- PDFs -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_letter_names_the_person_but_never_prints_the_national_id(household, counsellor, manager):
    from cases.models import DecisionLetter
    from cases.services.decisions import decision_approve, decision_draft, decision_submit, letter_render

    person = PersonFactory(
        household=household,
        first_name="Amina",
        last_name="Nilsen",
        birth_date=date(1963, 9, 12),
        national_id=NATIONAL_ID,
    )
    decision = decision_draft(
        household=household,
        person=person,
        by=counsellor,
        assessment="Familien ønsker å eie egen bolig.",
        main_content="Oppfølging to ganger i måneden og hjelp med søknad om startlån.",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 12, 31),
        participation="Familien deltok i samtalen.",
        legal_basis="Boligsosial lov § 6",
        reasons="Familien trenger hjelp til å komme videre.",
    )
    decision_submit(decision=decision, by=counsellor)
    decision_approve(decision=decision, by=manager)
    letter = DecisionLetter.objects.filter(decision=decision).first() or DecisionLetter.objects.create(
        decision=decision
    )
    letter = letter_render(letter=letter)
    with letter.pdf.open("rb") as handle:
        text = pdftotext(handle.read())
    assert "Amina Nilsen" in text
    assert NATIONAL_ID not in text.replace(" ", "")
    assert NATIONAL_ID not in letter.pdf.name


@pytest.mark.django_db
def test_a_funder_report_holds_no_name_and_no_national_id(municipality, manager):
    from reports.services.funder_reports import (
        funder_report_bytes,
        funder_report_render,
        funder_report_request,
    )

    household = HouseholdFactory(municipality=municipality)
    PersonFactory(household=household, first_name="Amina", last_name="Nilsen", national_id=NATIONAL_ID)
    FollowUpFactory(household=household, date=date(2025, 2, 10), note="Amina Nilsen har gjeld")
    report = funder_report_request(
        municipality=municipality,
        funder="statsforvalteren",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 3, 31),
        by=manager,
    )
    report = funder_report_render(report_id=report.pk)  # what the Celery task does
    text = pdftotext(funder_report_bytes(report))
    assert "Statsforvalteren" in text
    assert NATIONAL_ID not in text.replace(" ", "") and "Nilsen" not in text
    assert NATIONAL_ID not in report.pdf.name


# --- records restriction (sperring) ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_restricts_a_household_and_lifts_it_again(client_for, manager, household):
    client = client_for(manager)
    url = reverse("cases:household_privacy", args=[household.pk])
    response = client.post(url, {"restricted": "1"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.restricted
    assert household.events.filter(kind="restricted", actor=manager).exists()
    assert "Husstanden er sperret" in client.get(url).content.decode()
    client.post(url, {"restricted": "0"})
    household.refresh_from_db()
    assert not household.restricted


@pytest.mark.django_db
def test_a_restricted_household_opens_only_to_managers_and_its_own_counsellor(
    client_for, municipality, manager, counsellor, household
):
    member = PersonFactory(household=household)
    household.restricted = True
    household.save()
    colleague = CounsellorFactory(municipality=municipality)
    officer = OfficerFactory(municipality=municipality)
    pages = [
        reverse("cases:household_detail", args=[household.pk]),
        reverse("cases:person_detail", args=[member.pk]),
    ]
    for user in (colleague, officer):
        for page in pages:
            assert client_for(user).get(page).status_code == 404, (user, page)
    for user in (manager, counsellor):
        for page in pages:
            assert client_for(user).get(page).status_code == 200, (user, page)


@pytest.mark.django_db
def test_a_restricted_household_is_missing_from_a_colleagues_lists(client_for, municipality, household):
    household.restricted = True
    household.save()
    colleague = CounsellorFactory(municipality=municipality)
    assert Household.objects.visible_to(colleague).filter(pk=household.pk).count() == 0
    page = client_for(colleague).get(reverse("cases:team")).content.decode()
    assert household.reference not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["counsellor", "officer"])
def test_only_managers_restrict(request, client_for, household, role):
    client = client_for(request.getfixturevalue(role))
    url = reverse("cases:household_privacy", args=[household.pk])
    assert client.post(url, {"restricted": "1"}).status_code == 403
    household.refresh_from_db()
    assert not household.restricted


@pytest.mark.django_db
def test_bad_restriction_input_changes_nothing(client_for, manager, household):
    response = client_for(manager).post(
        reverse("cases:household_privacy", args=[household.pk]), {"restricted": "x"}
    )
    assert response.status_code == 200
    assert "Velg om husstanden skal være sperret" in response.content.decode()
    household.refresh_from_db()
    assert not household.restricted


@pytest.mark.django_db
def test_the_privacy_page_refuses_other_methods_and_other_municipalities(
    client_for, manager, other_manager, household
):
    url = reverse("cases:household_privacy", args=[household.pk])
    assert client_for(manager).delete(url).status_code == 405
    assert client_for(other_manager).post(url, {"restricted": "1"}).status_code == 404
    household.refresh_from_db()
    assert not household.restricted
