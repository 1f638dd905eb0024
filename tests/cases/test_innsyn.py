"""Innsyn: a manager downloads everything held about one person, including who looked at it."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import RecordView
from housing.models import MoveOutReason
from tests.factories import (
    ConsentFactory,
    FollowUpFactory,
    LongTenureFlagFactory,
    PersonFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(household):
    return PersonFactory(household=household, first_name="Amina", last_name="Nilsen", with_national_id=True)


@pytest.fixture
def sibling(household):
    return PersonFactory(household=household, first_name="Yusuf", last_name="Nilsen", with_national_id=True)


def _export(client, person):
    response = client.get(reverse("cases:person_innsyn", args=[person.pk]))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_export_holds_the_persons_record_their_households_records_and_who_looked(
    client_for, manager, counsellor, household, person, sibling
):
    FollowUpFactory(household=household, note="Snakket om budsjett", next_step="Møte i banken")
    ConsentFactory(household=household, person=person, purpose="Økonomi til NAV")
    tenancy = TenancyFactory(
        household=household,
        start_date=date.today() - timedelta(days=1200),
        moved_out_on=date.today() - timedelta(days=5),
        move_out_reason=MoveOutReason.BOUGHT,
    )
    LongTenureFlagFactory(tenancy=tenancy, raised_on=date.today() - timedelta(days=30))
    client_for(counsellor).get(reverse("cases:household_detail", args=[household.pk]))
    person.phone = "99887766"
    person.save()

    response, export = _export(client_for(manager), person)
    text = json.dumps(export, ensure_ascii=False)

    assert person.national_id in json.dumps(export["person"])  # the person's own record, in full
    assert "Snakket om budsjett" in text and "Møte i banken" in text
    assert "Økonomi til NAV" in text
    assert tenancy.unit.address in text  # the housing app's rows, found without importing it
    assert "99887766" in text and len(export["person_history"]) == 2
    who = [(row["who"], row["what"]) for row in export["who_looked"]]
    assert (str(counsellor), "household") in who
    # Another member's national ID is theirs: never in this person's export.
    assert sibling.national_id not in text
    assert "Yusuf Nilsen" in text
    # The file name never holds the national ID; the export itself is logged.
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and person.national_id not in disposition
    assert RecordView.objects.filter(user=manager, person=person, what="innsyn export").exists()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", ["counsellor", "officer"])
def test_only_managers_export(request, client_for, person, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("cases:person_innsyn", args=[person.pk])).status_code == 403


def test_another_municipality_gets_404(client_for, other_manager, person):
    assert client_for(other_manager).get(reverse("cases:person_innsyn", args=[person.pk])).status_code == 404


def test_anonymous_goes_to_login_and_post_is_refused(client, client_for, manager, person):
    url = reverse("cases:person_innsyn", args=[person.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(manager).post(url).status_code == 405


def test_the_privacy_page_links_each_member_to_their_export(client_for, manager, household, person, sibling):
    page = client_for(manager).get(reverse("cases:household_privacy", args=[household.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for member in (person, sibling):
        assert reverse("cases:person_innsyn", args=[member.pk]) in html
        assert member.national_id not in html
    assert "Innsyn" in html or "innsyn" in html


def test_the_export_queries_do_not_grow_with_the_follow_ups(
    client_for, manager, household, person, django_assert_max_num_queries
):
    client = client_for(manager)
    FollowUpFactory(household=household)
    with django_assert_max_num_queries(80) as few:
        _export(client, person)
    for _ in range(20):
        FollowUpFactory(household=household)
    with django_assert_max_num_queries(len(few.captured_queries)):
        _export(client, person)
