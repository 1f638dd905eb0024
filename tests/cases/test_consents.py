"""Consent (samtykke): recorded and withdrawn with history; the household page says what may be
shared with whom today; consents about to lapse show up on the caseload."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cases.deadlines import deadlines_for
from cases.models import Consent, Household, TimelineEvent
from tests.factories import ConsentFactory, PartnerAgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_record_and_withdraw_a_consent(client_for, municipality, counsellor, household):
    nav = PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund")
    person = PersonFactory(household=household)
    client = client_for(counsellor)
    response = client.post(
        reverse("cases:consent_add", args=[household.pk]),
        {
            "agency": nav.pk,
            "person": person.pk,
            "purpose": "Opplysninger om økonomi",
            "given_on": TODAY.isoformat(),
            "valid_until": (TODAY + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.agency, consent.person, consent.recorded_by) == (nav, person, counsellor)
    detail = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    shared = detail[detail.index("Kan deles i dag") : detail.index('id="agencies-heading"')]
    assert "NAV Ålesund" in shared

    response = client.post(
        reverse("cases:consent_withdraw", args=[consent.pk]), {"withdrawn_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    assert [c.withdrawn_on for c in consent.history.order_by("history_date")] == [None, TODAY]
    detail = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    shared = detail[detail.index("Kan deles i dag") : detail.index("Utløpt eller trukket tilbake")]
    assert "NAV Ålesund" not in shared and "Ingenting kan deles" in shared
    kinds = set(TimelineEvent.objects.filter(household=household).values_list("kind", flat=True))
    assert {"consent_recorded", "consent_withdrawn"} <= kinds


def test_a_consent_cannot_end_before_it_was_given(client_for, municipality, counsellor, household):
    nav = PartnerAgencyFactory(municipality=municipality)
    response = client_for(counsellor).post(
        reverse("cases:consent_add", args=[household.pk]),
        {
            "agency": nav.pk,
            "purpose": "Økonomi",
            "given_on": TODAY.isoformat(),
            "valid_until": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    html = response.content.decode()
    assert "Et samtykke kan ikke utløpe før det ble gitt." in html and 'value="Økonomi"' in html
    assert not Consent.objects.exists()


def test_lapsing_consents_are_deadlines(municipality, counsellor, household):
    soon = ConsentFactory(household=household, valid_until=TODAY + timedelta(days=20))
    ConsentFactory(household=household, valid_until=TODAY + timedelta(days=60))
    ConsentFactory(household=household, valid_until=TODAY + timedelta(days=5), withdrawn_on=TODAY)
    ConsentFactory(household=household, valid_until=None)
    found = [
        d
        for d in deadlines_for(counsellor, Household.objects.filter(pk=household.pk), TODAY)
        if "Samtykke" in d.text or "Consent" in d.text
    ]
    assert [(d.due, d.household_id) for d in found] == [(soon.valid_until, household.pk)]


@pytest.mark.parametrize("name", ["cases:consent_add", "cases:consent_withdraw"])
def test_persona_checks(request, client_for, household, other_counsellor, name):
    consent = ConsentFactory(household=household)
    url = reverse(name, args=[household.pk if name == "cases:consent_add" else consent.pk])
    assert Client().get(url).status_code == 302
    assert client_for(request.getfixturevalue("counsellor")).get(url).status_code == 200
    assert client_for(request.getfixturevalue("manager")).get(url).status_code == 200
    assert client_for(request.getfixturevalue("officer")).get(url).status_code == 403
    assert client_for(other_counsellor).get(url).status_code == 404
    assert client_for(request.getfixturevalue("counsellor")).put(url).status_code == 405
