"""Move-in: the household is found by a member's name, its reference or an address and picked from the
list, as you type or with the search button; only the officer's own open, visible households."""

from datetime import date

import pytest
from django.urls import reverse

from housing.models import Tenancy
from tests.factories import HouseholdFactory, PersonFactory, RentalUnitFactory, TenancyFactory


@pytest.fixture
def unit(municipality):
    return RentalUnitFactory(municipality=municipality, address="Storgata 1", reference="U-1")


@pytest.fixture
def berg(municipality):
    household = HouseholdFactory(municipality=municipality, reference="H-2024-0007")
    PersonFactory(household=household, first_name="Amina", last_name="Berg")
    PersonFactory(household=household, first_name="Omar", last_name="Berg")
    TenancyFactory(household=household, start_date=date(2020, 1, 1), unit__address="Vikavegen 4")
    return household


def choices(client, text, **extra):
    response = client.post(reverse("housing:household_choices"), {"household_q": text, **extra})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_household_is_found_by_a_members_name_and_shows_who_and_where(client_for, officer, berg):
    body = choices(client_for(officer), "amina")
    assert "H-2024-0007" in body and "Amina Berg" in body and "Omar Berg" in body
    assert "Bor i Vikavegen 4" in body
    assert f'value="{berg.pk}"' in body and "1 husstand funnet" in body
    assert "H-2024-0007" in choices(client_for(officer), "2024-0007")
    assert "Ingen åpen husstand passer" in choices(client_for(officer), "Zacharias")


@pytest.mark.django_db
def test_only_open_households_of_the_officers_municipality_that_they_may_see(
    client_for, officer, municipality, other_municipality
):
    for household in (
        HouseholdFactory(municipality=other_municipality, reference="H-MOLDE"),
        HouseholdFactory(
            municipality=municipality, reference="H-CLOSED", closed_on=date(2025, 1, 1), close_reason="other"
        ),
        HouseholdFactory(municipality=municipality, reference="H-SPERRET", restricted=True),
    ):
        PersonFactory(household=household, last_name="Hansen")
    assert "Ingen åpen husstand passer" in choices(client_for(officer), "Hansen")


@pytest.mark.django_db
def test_without_javascript_the_search_button_lists_the_matches_and_keeps_what_was_typed(
    client_for, officer, unit, berg
):
    url = reverse("housing:tenancy_move_in", args=[unit.pk])
    response = client_for(officer).post(
        url, {"household_q": "Berg", "search": "1", "start_date": "2026-03-01"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and f'value="{berg.pk}"' in body and "Amina Berg" in body
    assert 'value="2026-03-01"' in body and "Feltet er påkrevet" not in body
    response = client_for(officer).post(
        url, {"household_q": "Berg", "household": berg.pk, "start_date": "2026-03-01"}
    )
    assert response.status_code == 302
    assert Tenancy.objects.get(unit=unit).household == berg


@pytest.mark.django_db
def test_a_chosen_household_stays_chosen_when_the_form_comes_back(client_for, officer, unit, berg):
    url = reverse("housing:tenancy_move_in", args=[unit.pk])
    body = (
        client_for(officer).post(url, {"household": berg.pk, "start_date": "ikke en dato"}).content.decode()
    )
    assert f'value="{berg.pk}" checked' in body and 'value="ikke en dato"' in body


@pytest.mark.django_db
def test_the_page_no_longer_asks_to_type_a_reference_in_a_wrong_format(client_for, officer, unit):
    body = client_for(officer).get(reverse("housing:tenancy_move_in", args=[unit.pk])).content.decode()
    assert "H-00012" not in body and "Finn husstanden" in body


@pytest.mark.django_db
def test_the_choices_are_posted_only_by_officers_and_managers(client, client_for, counsellor, officer):
    url = reverse("housing:household_choices")
    assert client_for(officer).get(url).status_code == 405
    assert client_for(counsellor).post(url, {"household_q": "x"}).status_code == 403
    client.logout()
    assert client.post(url, {"household_q": "x"}).status_code == 302


@pytest.mark.django_db
def test_the_choices_cost_the_same_queries_however_many_match(
    client_for, officer, municipality, django_assert_num_queries
):
    client = client_for(officer)
    PersonFactory(household__municipality=municipality, last_name="Hansen")
    choices(client, "Hansen")
    with django_assert_num_queries(4) as one:  # session, user, households, members
        choices(client, "Hansen")
    for _ in range(15):
        PersonFactory(household__municipality=municipality, last_name="Hansen")
    with django_assert_num_queries(len(one.captured_queries)):
        body = choices(client, "Hansen", household="99999999999999999999999")
    assert body.count('type="radio"') == 10 and "De første 10 treffene" in body
