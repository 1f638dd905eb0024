"""Partner agencies of the municipality: everyone reads the list, managers add and edit; a name is
unique in the municipality with a clear Norwegian message; the list's query count is pinned."""

import pytest
from django.urls import reverse

from cases.models import PartnerAgency
from cases.services.agencies import agency_create, agency_update
from tests.factories import PartnerAgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

DUPLICATE = "Kommunen har allerede en samarbeidspartner med dette navnet."


@pytest.fixture
def agency(municipality):
    return PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund", contact="55 55 33 33")


# --- persona checks ------------------------------------------------------------------------------


def test_every_role_reads_the_list_of_its_own_municipality(
    client_for, counsellor, officer, manager, agency, other_municipality
):
    PartnerAgencyFactory(municipality=other_municipality, name="NAV Molde")
    for user in (counsellor, officer, manager):
        html = client_for(user).get(reverse("cases:agency_list")).content.decode()
        assert "NAV Ålesund" in html and "NAV Molde" not in html
        assert ("Legg til samarbeidspartner" in html) == user.is_manager
        assert (reverse("cases:agency_edit", args=[agency.pk]) in html) == user.is_manager


def test_the_list_is_closed_to_anonymous_and_staff_without_a_role_and_to_post(
    client, client_for, municipality, counsellor
):
    url = reverse("cases:agency_list")
    assert client.get(url).url.startswith(reverse("login"))
    assert client_for(UserFactory(municipality=municipality)).get(url).status_code == 403
    assert client_for(counsellor).post(url).status_code == 405


@pytest.mark.parametrize("name", ["cases:agency_add", "cases:agency_edit"])
def test_only_managers_add_and_edit(client, client_for, counsellor, officer, manager, agency, name):
    url = reverse(name, args=[agency.pk] if name.endswith("edit") else [])
    assert client.get(url).url.startswith(reverse("login"))
    assert client_for(counsellor).get(url).status_code == 403
    assert client_for(officer).post(url, {"name": "x", "kind": "nav"}).status_code == 403
    assert client_for(manager).get(url).status_code == 200
    assert client_for(manager).delete(url).status_code == 405
    assert PartnerAgency.objects.count() == 1


def test_another_municipalitys_manager_gets_404_for_the_agency(client_for, other_manager, agency):
    url = reverse("cases:agency_edit", args=[agency.pk])
    assert client_for(other_manager).get(url).status_code == 404
    assert client_for(other_manager).post(url, {"name": "Kapret", "kind": "bank"}).status_code == 404
    agency.refresh_from_db()
    assert agency.name == "NAV Ålesund"


# --- adding and editing --------------------------------------------------------------------------


def test_a_manager_adds_an_agency(client_for, manager, municipality):
    response = client_for(manager).post(
        reverse("cases:agency_add"),
        {"name": " Flyktningkontoret ", "kind": "refugee_office", "contact": "Per"},
    )
    assert response.status_code == 302 and response.url == reverse("cases:agency_list")
    agency = PartnerAgency.objects.get()
    assert (agency.name, agency.kind, agency.contact, agency.municipality) == (
        "Flyktningkontoret",
        "refugee_office",
        "Per",
        municipality,
    )


def test_a_duplicate_name_is_refused_and_the_form_keeps_what_was_typed(client_for, manager, agency):
    response = client_for(manager).post(
        reverse("cases:agency_add"), {"name": "nav ålesund", "kind": "bank", "contact": "Kari i skranken"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and DUPLICATE in html
    assert 'value="nav ålesund"' in html and 'value="Kari i skranken"' in html
    assert '<option value="bank" selected>' in html
    assert PartnerAgency.objects.count() == 1


def test_renaming_to_another_agencys_name_is_refused(client_for, manager, agency, municipality):
    bank = PartnerAgencyFactory(municipality=municipality, name="Sparebanken", kind="bank")
    response = client_for(manager).post(
        reverse("cases:agency_edit", args=[bank.pk]), {"name": "NAV Ålesund", "kind": "bank", "contact": "x"}
    )
    assert response.status_code == 200 and DUPLICATE in response.content.decode()
    bank.refresh_from_db()
    assert (bank.name, bank.contact) == ("Sparebanken", "")


def test_a_manager_edits_an_agency(client_for, manager, agency):
    response = client_for(manager).post(
        reverse("cases:agency_edit", args=[agency.pk]),
        {"name": "NAV Ålesund sentrum", "kind": "nav", "contact": "55 55 33 34"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.name, agency.contact) == ("NAV Ålesund sentrum", "55 55 33 34")


def test_the_same_name_in_another_municipality_is_fine(manager, agency, other_municipality):
    other = agency_create(municipality=other_municipality, by=manager, name="NAV Ålesund", kind="nav")
    assert other.pk != agency.pk


def test_an_agency_keeps_its_own_name_when_other_fields_change(manager, agency):
    agency_update(agency=agency, by=manager, name="NAV Ålesund", kind="nav", contact="ny")
    agency.refresh_from_db()
    assert agency.contact == "ny"


def test_an_empty_name_or_unknown_kind_gets_a_message_not_a_500(client_for, manager):
    response = client_for(manager).post(reverse("cases:agency_add"), {"name": "", "kind": "mystery"})
    assert response.status_code == 200
    assert "Feltet er påkrevet." in response.content.decode()
    assert not PartnerAgency.objects.exists()


# --- query count ---------------------------------------------------------------------------------

# session, user with its municipality (the page header), agencies; the session saved
AGENCY_LIST_QUERIES = 3


def test_the_list_query_count_is_pinned_and_does_not_grow(
    client_for, manager, municipality, django_assert_num_queries
):
    client = client_for(manager)
    url = reverse("cases:agency_list")
    PartnerAgencyFactory(municipality=municipality)
    client.get(url)  # warm the session
    with django_assert_num_queries(AGENCY_LIST_QUERIES):
        assert client.get(url).status_code == 200
    PartnerAgencyFactory.create_batch(19, municipality=municipality)
    with django_assert_num_queries(AGENCY_LIST_QUERIES):
        response = client.get(url)
    assert response.content.decode().count(reverse("cases:agency_list")) >= 1
    assert len(response.context["agencies"]) == 20
