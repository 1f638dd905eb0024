"""Odd input that once gave a server error, each reproduced from outside: unicode
digits where an id or a page cursor is read by hand, a NUL byte in a cursor, a signed-in user sent
back to the login page, a household reference with a line break in the innsyn file name, a decision
that runs to 31.12.9999, and the two management commands given the last date there is."""

import re
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import Decision, Household
from cases.services.timeline import timeline_record
from housing.models import RentalUnit
from tests.factories import CounsellorFactory, HouseholdFactory, PersonFactory
from tests.factories import StartLoanApplicationFactory as StartLoanFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


# --- ids and cursors read by hand (one parsing helper: boveileder.params) -------------------------


@pytest.mark.parametrize("value", ["²", "①", "¹²", "\x00", "9" * 40, "-1"])
def test_an_odd_timeline_cursor_shows_the_newest_events(client_for, counsellor, household, value):
    timeline_record(household=household, kind="followup", summary="Hjemmebesøk", on=TODAY, actor=counsellor)
    response = client_for(counsellor).get(
        reverse("cases:household_detail", args=[household.pk]), {"before_event": value}
    )
    assert response.status_code == 200
    assert response.context["events"]


@pytest.mark.parametrize("value", ["²", "③", "\x00", "9" * 40])
def test_an_odd_access_log_cursor_shows_the_first_page(client_for, manager, household, value):
    response = client_for(manager).get(
        reverse("cases:household_access_log", args=[household.pk]), {"before": value}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "x" * 500, "\r\n"])
def test_an_odd_team_cursor_shows_the_first_page(client_for, counsellor, household, value):
    """A NUL byte reached PostgreSQL, which refuses it in a text value (a 500 there)."""
    response = client_for(counsellor).get(reverse("cases:team"), {"after": value})
    assert response.status_code == 200
    assert household in response.context["households"]


@pytest.mark.parametrize("value", ["²", "①", "9" * 40])
def test_authorising_an_odd_staff_id_finds_nobody(client_for, manager, municipality, value):
    CounsellorFactory(municipality=municipality)
    response = client_for(manager).post(reverse("cases:decision_approvers"), {"staff": value, "allowed": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "①", "9" * 40])
def test_linking_an_odd_person_id_asks_again(client_for, counsellor, household, municipality, value):
    existing = PersonFactory(
        household=HouseholdFactory(municipality=municipality, counsellor=counsellor),
        first_name="Amina",
        last_name="Nilsen",
        birth_date=date(1990, 5, 17),
    )
    response = client_for(counsellor).post(
        reverse("cases:person_add", args=[household.pk]),
        {
            "first_name": "Amina",
            "last_name": "Nilsen",
            "birth_date": "17.05.1990",
            "household_role": "applicant",
            "link_person": value,
        },
    )
    assert response.status_code == 200
    assert existing in response.context["duplicates"].visible  # the choice is shown again
    assert not household.members.exists()


# --- the login page ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/login/", "/login/?next=/login/"])
def test_a_signed_in_user_sent_back_to_the_login_page_lands_on_the_start_page(client_for, counsellor, target):
    response = client_for(counsellor).get(reverse("login"), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_signed_in_user_with_a_next_page_still_goes_there(client_for, counsellor):
    response = client_for(counsellor).get(reverse("login"), {"next": reverse("cases:team")})
    assert response.url == reverse("cases:team")


# --- references: no control characters, and file names built by Django ---------------------------


def test_the_innsyn_file_name_survives_a_reference_with_a_line_break_and_a_quote(
    client_for, manager, household
):
    """A reference stored before the rule (an old import) still downloads, with one file name."""
    Household.objects.filter(pk=household.pk).update(reference="H-1\"\r\n; filename*=utf-8''evil.exe")
    person = PersonFactory(household=household)
    response = client_for(manager).get(reverse("cases:person_innsyn", args=[person.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert header.startswith("attachment; ")
    assert len(re.findall(r"filename\*?=", header)) == 1  # no second, injected file name


@pytest.mark.parametrize("reference", ["H-1\r\nX", "H\t2", "H\x1b4", "H\x7f5"])
def test_a_household_reference_with_control_characters_is_refused_with_a_message(
    client_for, counsellor, reference
):
    response = client_for(counsellor).post(
        reverse("cases:household_register"),
        {
            "reference": reference,
            "counsellor": counsellor.pk,
            "enrolled_on": f"{TODAY:%d.%m.%Y}",
            "member-first_name": "Amina",
            "member-last_name": "Nilsen",
            "member-birth_date": "17.05.1990",
            "member-household_role": "applicant",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Teksten har et kontrolltegn" in html
    assert "Amina" in html  # what was typed is kept
    assert not Household.objects.exists()


def test_a_unit_reference_with_a_line_break_is_refused(client_for, officer):
    response = client_for(officer).post(
        reverse("housing:unit_create"),
        {"reference": "B-1\nB-2", "address": "Nygata 1", "postcode": "6004", "rooms": "2", "in_use": "on"},
    )
    assert response.status_code == 200
    assert "kontrolltegn" in response.content.decode()
    assert not RentalUnit.objects.exists()


# --- the last date there is ---------------------------------------------------------------------


def test_renewing_a_decision_that_runs_to_the_last_date_there_is(client_for, counsellor, manager, household):
    person = PersonFactory(household=household)
    decision = Decision.objects.create(
        household=household,
        person=person,
        status=Decision.Status.APPROVED,
        drafted_by=counsellor,
        approved_by=manager,
        approved_on=TODAY - timedelta(days=3),
        main_content="Oppfølging",
        period_from=TODAY,
        period_to=date.max,
    )
    response = client_for(counsellor).post(reverse("cases:decision_renew", args=[decision.pk]))
    assert response.status_code == 302
    new = Decision.objects.get(replaces=decision)
    assert new.period_from == date.max


def test_flag_long_tenure_refuses_a_day_in_the_future_with_a_clear_message():
    with pytest.raises(CommandError, match="--as-of"):
        call_command("flag_long_tenure", "--as-of", "9999-12-31")


def test_funder_report_refuses_a_quarter_of_year_zero_with_a_clear_message(municipality):
    with pytest.raises(CommandError, match="not a quarter"):
        call_command("funder_report", "--funder", "husbanken", "--quarter", "0000Q1", "--format", "json")


def test_funder_report_refuses_a_quarter_not_begun_with_a_clear_message(municipality):
    with pytest.raises(CommandError, match="9999Q4"):
        call_command("funder_report", "--funder", "husbanken", "--quarter", "9999Q4", "--format", "json")
    with pytest.raises(CommandError, match="9999-12-31"):
        call_command(
            "funder_report",
            "--funder",
            "husbanken",
            "--from",
            "9999-01-01",
            "--to",
            "9999-12-31",
            "--format",
            "json",
        )


@pytest.mark.parametrize("edge", [date.max, date.min])
def test_a_start_up_loan_dated_at_an_edge_of_the_calendar_leaves_every_page_working(
    client_for, counsellor, officer, household, edge
):
    """Received (or decided, or its certificate valid until) 31.12.9999 or 01.01.0001, as an import
    could leave it: the counsellor's landing page, the pipeline and the application still open."""
    waiting = StartLoanFactory(household=household, received_on=edge)
    rejected = StartLoanFactory(household=household, received_on=edge, status="rejected", decided_on=edge)
    approved = StartLoanFactory(
        household=household,
        received_on=edge,
        status="approved",
        decided_on=edge,
        approval_kind="certificate",
        certificate_valid_until=edge,
    )
    for user, url in [
        (counsellor, reverse("cases:caseload")),
        (counsellor, reverse("cases:startloan_pipeline")),
        (officer, reverse("cases:startloan_pipeline")),
        *[
            (counsellor, reverse("cases:startloan_detail", args=[a.pk]))
            for a in (waiting, rejected, approved)
        ],
        (counsellor, reverse("cases:household_detail", args=[household.pk])),
    ]:
        assert client_for(user).get(url).status_code == 200, url


@pytest.mark.parametrize("postcode", ["⁶⁰⁰⁴", "６００４", "٦٠٠٤"])
def test_a_postcode_in_other_digits_than_0_to_9_is_refused(client_for, officer, postcode):
    """str.isdigit() says yes to superscripts and full-width digits; a Norwegian postcode is 0–9."""
    response = client_for(officer).post(
        reverse("housing:unit_create"),
        {"reference": "B-1", "address": "Nygata 1", "postcode": postcode, "rooms": "2", "in_use": "on"},
    )
    assert response.status_code == 200
    assert "Et postnummer har fire sifre" in response.content.decode()
    assert not RentalUnit.objects.exists()


def test_a_person_born_on_the_last_date_there_is_is_a_child():
    """The eighteenth birthday of someone born 31.12.9999 is past the calendar: a child, no error."""
    from cases.models import Person

    assert Person(birth_date=date.max).is_child_on(TODAY)
    assert Person(birth_date=date(2008, 2, 29)).is_child_on(date(2026, 2, 28))
    assert not Person(birth_date=date(2008, 2, 29)).is_child_on(date(2026, 3, 1))
