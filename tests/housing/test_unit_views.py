"""Units and tenancies pages: personas, list search and keyset pages, forms that keep what was typed."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import TimelineEvent
from housing.models import RentalUnit, Tenancy
from tests.factories import HouseholdFactory, RentalUnitFactory, TenancyFactory


@pytest.fixture
def unit(municipality):
    return RentalUnitFactory(municipality=municipality, address="Storgata 1", reference="U-1")


@pytest.fixture
def tenancy(unit, household):
    return TenancyFactory(unit=unit, household=household, start_date=date(2022, 1, 1))


@pytest.fixture
def other_tenancy(other_municipality):
    return TenancyFactory(household__municipality=other_municipality)


def urls_for(unit, tenancy):
    return {
        "unit_list": (reverse("housing:unit_list"), "GET"),
        "unit_create": (reverse("housing:unit_create"), "GET"),
        "unit_detail": (reverse("housing:unit_detail", args=[unit.pk]), "GET"),
        "unit_edit": (reverse("housing:unit_edit", args=[unit.pk]), "GET"),
        "move_in": (reverse("housing:tenancy_move_in", args=[unit.pk]), "GET"),
        "renew": (reverse("housing:tenancy_renew", args=[tenancy.pk]), "GET"),
        "move_out": (reverse("housing:tenancy_move_out", args=[tenancy.pk]), "GET"),
    }


# --- personas --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "manager"])
def test_officers_and_managers_reach_every_page(request, client_for, unit, tenancy, role):
    client = client_for(request.getfixturevalue(role))
    for name, (url, _) in urls_for(unit, tenancy).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.django_db
def test_a_counsellor_gets_403(client_for, counsellor, unit, tenancy):
    client = client_for(counsellor)
    for name, (url, _) in urls_for(unit, tenancy).items():
        assert client.get(url).status_code == 403, name


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, unit, tenancy):
    for name, (url, _) in urls_for(unit, tenancy).items():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


@pytest.mark.django_db
def test_another_municipalitys_unit_and_tenancy_are_404(client_for, officer, other_tenancy):
    client = client_for(officer)
    for name, (url, _) in urls_for(other_tenancy.unit, other_tenancy).items():
        if name in ("unit_list", "unit_create"):
            continue
        assert client.get(url).status_code == 404, name
        if name != "unit_detail":
            assert client.post(url, {}).status_code == 404, name


@pytest.mark.django_db
def test_wrong_methods_are_405(client_for, officer, unit, tenancy):
    client = client_for(officer)
    assert client.post(reverse("housing:unit_list")).status_code == 405
    assert client.post(reverse("housing:unit_detail", args=[unit.pk])).status_code == 405
    for name in ("unit_create", "unit_edit", "move_in", "renew", "move_out"):
        assert client.delete(urls_for(unit, tenancy)[name][0]).status_code == 405, name


# --- the list --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_state_and_filters(client_for, officer, municipality, tenancy):
    vacant = RentalUnitFactory(municipality=municipality, address="Kirkegata 9", kobo_id="KOBO-77")
    client = client_for(officer)
    body = client.get(reverse("housing:unit_list")).content.decode()
    assert "Storgata 1" in body and "Kirkegata 9" in body and "Utleid" in body and "Ledig" in body
    let_only = client.get(reverse("housing:unit_list"), {"state": "let"}).content.decode()
    assert "Storgata 1" in let_only and "Kirkegata 9" not in let_only
    vacant_only = client.get(reverse("housing:unit_list"), {"state": "vacant"}).content.decode()
    assert "Kirkegata 9" in vacant_only and "Storgata 1" not in vacant_only
    by_kobo = client.get(reverse("housing:unit_list"), {"q": "kobo-77"}).content.decode()
    assert vacant.address in by_kobo and "Storgata 1" not in by_kobo
    by_street = client.get(reverse("housing:unit_list"), {"q": "storgata"}).content.decode()
    assert "Storgata 1" in by_street and "Kirkegata 9" not in by_street


@pytest.mark.django_db
def test_the_list_pages_by_keyset_and_never_shows_another_municipality(
    client_for, officer, municipality, other_municipality
):
    for n in range(55):
        RentalUnitFactory(municipality=municipality, address=f"Gate {n:02d}")
    RentalUnitFactory(municipality=municipality, address="Gate 49")  # a twin address across the page edge
    RentalUnitFactory(municipality=other_municipality, address="Gate 00 Molde")
    client = client_for(officer)
    first = client.get(reverse("housing:unit_list"))
    addresses = [u.address for u in first.context["units"]]
    assert len(addresses) == 50 and addresses[0] == "Gate 00" and "Gate 00 Molde" not in addresses
    assert "Neste side" in first.content.decode()
    second = client.get(reverse("housing:unit_list") + "?" + first.context["next_query"])
    rest = [u.address for u in second.context["units"]]
    assert len(rest) == 6 and second.context["next_query"] is None
    assert sorted(addresses + rest) == sorted([f"Gate {n:02d}" for n in range(55)] + ["Gate 49"])


@pytest.mark.django_db
def test_the_list_query_count_does_not_grow(client_for, officer, municipality, django_assert_num_queries):
    client = client_for(officer)
    RentalUnitFactory(municipality=municipality)
    client.get(reverse("housing:unit_list"))
    with django_assert_num_queries(3) as one:
        client.get(reverse("housing:unit_list"))
    for _ in range(20):
        TenancyFactory(household__municipality=municipality)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("housing:unit_list"))
    assert len(response.context["units"]) == 21


@pytest.mark.django_db
def test_the_unit_page_query_count_does_not_grow(
    client_for, officer, unit, municipality, django_assert_num_queries
):
    from housing.services.tenancies import tenancy_end, tenancy_renew

    client = client_for(officer)
    url = reverse("housing:unit_detail", args=[unit.pk])
    first = TenancyFactory(unit=unit, household__municipality=municipality, start_date=date(2010, 1, 1))
    tenancy_end(tenancy=first, on=date(2010, 6, 1), reason="other")
    client.get(url)
    with django_assert_num_queries(7) as one:
        client.get(url)
    for year in range(2011, 2020):
        t = TenancyFactory(
            unit=unit,
            household__municipality=municipality,
            start_date=date(year, 1, 1),
            contract_end_date=None,
        )
        tenancy_renew(tenancy=t, new_end_date=date(year, 6, 1), renewed_on=date(year, 2, 1))
        tenancy_end(tenancy=t, on=date(year, 7, 1), reason="bought")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Fornyelser") == 9


# --- the forms -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registering_and_editing_a_unit(client_for, officer, municipality):
    client = client_for(officer)
    data = {
        "reference": "B-12",
        "address": "Havnegata 3",
        "postcode": "6002",
        "city": "Ålesund",
        "rooms": "3",
        "area_m2": "64.5",
        "monthly_rent_nok": "9800",
        "kobo_id": "K-123",
        "bruksenhetsnummer": "H0101",
        "in_use": "on",
    }
    response = client.post(reverse("housing:unit_create"), data)
    unit = RentalUnit.objects.get(reference="B-12")
    assert response.status_code == 302 and response.url == reverse("housing:unit_detail", args=[unit.pk])
    assert (unit.municipality, unit.kobo_id, unit.bruksenhetsnummer, str(unit.area_m2)) == (
        municipality,
        "K-123",
        "H0101",
        "64.5",
    )
    client.post(reverse("housing:unit_edit", args=[unit.pk]), {**data, "monthly_rent_nok": "10100"})
    unit.refresh_from_db()
    assert unit.monthly_rent_nok == 10100


@pytest.mark.django_db
def test_bad_unit_input_is_explained_and_kept(client_for, officer, unit):
    response = client_for(officer).post(
        reverse("housing:unit_create"),
        {"reference": "U-1", "address": "", "postcode": "60a1", "rooms": "tre", "kobo_id": "K-9"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "En annen bolig har allerede denne referansen." in body
    assert "Et postnummer har fire sifre." in body
    assert "Feltet er påkrevet." in body
    assert 'value="tre"' in body and 'value="K-9"' in body and 'value="60a1"' in body
    assert RentalUnit.objects.count() == 1


@pytest.mark.django_db
def test_a_move_in_makes_the_unit_let_and_goes_on_the_timeline(client_for, officer, unit, household):
    response = client_for(officer).post(
        reverse("housing:tenancy_move_in", args=[unit.pk]),
        {"household": household.pk, "start_date": "2026-01-15", "contract_end_date": ""},
    )
    assert response.status_code == 302
    tenancy = Tenancy.objects.get(unit=unit)
    assert (tenancy.household, tenancy.start_date, tenancy.contract_end_date) == (
        household,
        date(2026, 1, 15),
        None,
    )
    assert TimelineEvent.objects.filter(household=household, kind="tenancy_started").exists()
    body = client_for(officer).get(reverse("housing:unit_detail", args=[unit.pk])).content.decode()
    assert "Registrer utflytting" in body and "Registrer innflytting" not in body


@pytest.mark.django_db
def test_a_move_in_into_a_let_unit_or_for_an_unknown_household_is_explained(
    client_for, officer, tenancy, other_municipality
):
    foreign = HouseholdFactory(municipality=other_municipality)
    url = reverse("housing:tenancy_move_in", args=[tenancy.unit.pk])
    body = (
        client_for(officer)
        .post(url, {"household": foreign.pk, "household_q": "Molde", "start_date": "2026-01-15"})
        .content.decode()
    )
    assert "Velg en åpen husstand i kommunen din fra listen." in body
    assert 'value="Molde"' in body and 'value="2026-01-15"' in body
    assert foreign.reference not in body
    body = client_for(officer).post(url, {"start_date": "2026-01-15"}).content.decode()
    assert "Søk etter husstanden og velg den i listen." in body
    local = HouseholdFactory(municipality=tenancy.municipality)
    body = (
        client_for(officer)
        .post(
            url,
            {"household": local.pk, "start_date": "2026-01-15", "contract_end_date": "2025-01-01"},
        )
        .content.decode()
    )
    assert "Kontrakten kan ikke utløpe før innflyttingsdatoen." in body
    body = client_for(officer).post(url, {"household": local.pk, "start_date": "2026-01-15"}).content.decode()
    assert "Boligen er leid ut til en annen husstand i denne perioden." in body
    assert 'value="2026-01-15"' in body
    assert Tenancy.objects.filter(unit=tenancy.unit).count() == 1


@pytest.mark.django_db
def test_a_renewal_is_kept_and_a_backwards_one_is_explained(client_for, officer, tenancy):
    url = reverse("housing:tenancy_renew", args=[tenancy.pk])
    old_end = tenancy.contract_end_date
    body = (
        client_for(officer)
        .post(url, {"new_end_date": (old_end - timedelta(days=1)).isoformat()})
        .content.decode()
    )
    assert "Den nye utløpsdatoen må være etter den nåværende." in body
    new_end = old_end + timedelta(days=3 * 365)
    response = client_for(officer).post(url, {"new_end_date": new_end.isoformat(), "note": "Ny periode"})
    assert response.status_code == 302
    renewal = tenancy.renewals.get()
    assert (renewal.previous_end_date, renewal.new_end_date, renewal.by, renewal.note) == (
        old_end,
        new_end,
        officer,
        "Ny periode",
    )


@pytest.mark.django_db
def test_a_move_out_frees_the_unit_with_its_reason(client_for, officer, tenancy):
    url = reverse("housing:tenancy_move_out", args=[tenancy.pk])
    body = (
        client_for(officer)
        .post(url, {"moved_out_on": "2021-01-01", "move_out_reason": "bought"})
        .content.decode()
    )
    assert "Utflyttingsdatoen kan ikke være før innflyttingsdatoen." in body
    body = (
        client_for(officer)
        .post(url, {"moved_out_on": "2026-02-01", "move_out_reason": "evicted"})
        .content.decode()
    )
    assert "Velg et gyldig valg" in body
    response = client_for(officer).post(
        url, {"moved_out_on": "2026-02-01", "move_out_reason": "private_rental", "note": "Fant leilighet"}
    )
    assert response.status_code == 302
    tenancy.refresh_from_db()
    assert (tenancy.moved_out_on, tenancy.move_out_reason, tenancy.move_out_note) == (
        date(2026, 2, 1),
        "private_rental",
        "Fant leilighet",
    )
    body = client_for(officer).get(reverse("housing:unit_detail", args=[tenancy.unit_id])).content.decode()
    assert "Registrer innflytting" in body and "Flyttet til privat leie" in body
    body = (
        client_for(officer)
        .post(url, {"moved_out_on": "2026-03-01", "move_out_reason": "bought"})
        .content.decode()
    )
    assert "Dette leieforholdet er allerede avsluttet." in body
