"""Search by name, reference or address (a national ID only by POST, never in a URL), and the
manager's access log (innsynslogg)."""

import logging
import random
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from boveileder.national_id import synthetic
from cases.models import RecordView
from tests.factories import HouseholdFactory, PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db


def search(client, text):
    response = client.post(reverse("cases:search"), {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<h2") :] if "<h2" in html else ""


def test_search_by_name_reference_and_address(client_for, municipality, counsellor, other_municipality):
    household = HouseholdFactory(municipality=municipality, reference="H-777")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    tenancy = TenancyFactory(household=household, unit__address="Storgata 12")
    other = HouseholdFactory(municipality=municipality, reference="H-888")
    theirs = HouseholdFactory(municipality=other_municipality, reference="H-999")
    PersonFactory(household=theirs, first_name="Amina", last_name="Hassan")
    client = client_for(counsellor)
    for text in ("amina hassan", "H-777", "storgata", "Hassan Storgata"):
        results = search(client, text)
        assert "H-777" in results, text
        assert "H-888" not in results and "H-999" not in results, text
    assert tenancy.unit.address in search(client, "amina")
    assert "Ingen husstander passer." in search(client, "Nordmann")
    assert other


def test_national_id_search_goes_by_post_and_is_not_logged(client_for, municipality, counsellor, caplog):
    national_id = synthetic(date(1984, 3, 2), random.Random(1))
    household = HouseholdFactory(municipality=municipality, reference="H-555")
    PersonFactory(household=household, national_id=national_id)
    client = client_for(counsellor)
    with caplog.at_level(logging.DEBUG):
        results = search(client, national_id)
    assert "H-555" in results
    assert national_id not in caplog.text
    # A GET with the number in the URL does not search.
    response = client.get(reverse("cases:search"), {"q": national_id})
    assert "H-555" not in response.content.decode()
    assert 'method="post"' in response.content.decode()


def test_restricted_households_are_not_found_by_colleagues(client_for, municipality, counsellor):
    HouseholdFactory(municipality=municipality, reference="H-SECRET", restricted=True)
    assert "H-SECRET" not in search(client_for(counsellor), "H-SECRET")


def test_the_manager_sees_who_looked_and_when(client_for, municipality, counsellor, manager, household):
    person = PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    client_for(counsellor).get(reverse("cases:household_detail", args=[household.pk]))
    client_for(counsellor).get(reverse("cases:person_detail", args=[person.pk]))
    client = client_for(manager)
    detail = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    url = reverse("cases:household_access_log", args=[household.pk])
    assert url in detail  # reachable from the household page
    html = client.get(url).content.decode()
    assert counsellor.username in html
    assert "Husstandssiden" in html and "Person: Amina Hassan" in html
    view = RecordView.objects.filter(user=counsellor, person__isnull=True).get()
    assert view.viewed_at.astimezone().strftime("%d.%m.%Y") in html
    # Looking at the log is not itself a view of the household's record.
    assert RecordView.objects.filter(user=manager).count() == 1


def test_the_access_log_pages_by_key(client_for, manager, counsellor, household, monkeypatch):
    for _ in range(5):
        RecordView.objects.create(user=counsellor, household=household, what="household")
    monkeypatch.setattr("cases.views.access_log.PAGE_SIZE", 2)
    client = client_for(manager)
    first = client.get(reverse("cases:household_access_log", args=[household.pk])).content.decode()
    ids = list(RecordView.objects.order_by("-id").values_list("id", flat=True))
    assert f"?before={ids[1]}" in first
    last = client.get(
        reverse("cases:household_access_log", args=[household.pk]), {"before": ids[3]}
    ).content.decode()
    assert ">Eldre</a>" not in last


def test_counsellors_and_officers_cannot_read_the_access_log(
    client_for, counsellor, officer, other_manager, household
):
    url = reverse("cases:household_access_log", args=[household.pk])
    assert Client().get(url).status_code == 302
    assert client_for(counsellor).get(url).status_code == 403
    assert client_for(officer).get(url).status_code == 403
    assert client_for(other_manager).get(url).status_code == 404


def test_search_persona_checks(client_for, counsellor, officer, manager):
    url = reverse("cases:search")
    assert Client().get(url).status_code == 302
    for user in (counsellor, officer, manager):
        assert client_for(user).get(url).status_code == 200
    assert client_for(counsellor).put(url).status_code == 405
