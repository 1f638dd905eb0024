"""Logging a follow-up: one short form, clear Norwegian messages that keep what was typed, the
timeline event, and corrections that keep the earlier version."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cases.models import FollowUp, TimelineEvent
from cases.services.followups import followup_correct, followup_log
from tests.factories import CounsellorFactory, FollowUpFactory, PartnerAgencyFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def form_data(**overrides):
    data = {
        "date": TODAY.isoformat(),
        "kind": "home_visit",
        "minutes": "45",
        "topics": ["economy", "startloan"],
        "note": "Gikk gjennom budsjettet sammen.",
        "next_step": "Ringe banken",
        "next_step_due": (TODAY + timedelta(days=7)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_form_defaults_to_today(client_for, municipality, counsellor, household):
    PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund")
    html = client_for(counsellor).get(reverse("cases:followup_log", args=[household.pk])).content.decode()
    assert f'value="{TODAY.isoformat()}"' in html
    assert "Hjemmebesøk" in html and "Samarbeidspartnere som deltok" in html and "NAV Ålesund" in html


def test_the_form_leaves_out_partner_agencies_when_there_are_none(client_for, counsellor, household):
    html = client_for(counsellor).get(reverse("cases:followup_log", args=[household.pk])).content.decode()
    assert "Samarbeidspartnere som deltok" not in html


def test_logging_a_visit_puts_it_on_the_timeline(client_for, municipality, counsellor, household):
    nav = PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund")
    client = client_for(counsellor)
    response = client.post(
        reverse("cases:followup_log", args=[household.pk]), form_data(partner_agencies=[nav.pk])
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:household_detail", args=[household.pk])
    followup = FollowUp.objects.get(household=household)
    assert (followup.by, followup.minutes, followup.topics) == (counsellor, 45, ["economy", "startloan"])
    assert list(followup.partner_agencies.all()) == [nav]
    event = TimelineEvent.objects.get(household=household, kind="followup")
    assert event.summary == "Hjemmebesøk, 45 min" and event.actor == counsellor and event.subject == followup
    assert "Gikk gjennom" not in event.summary  # the note is not copied into the timeline's text
    html = client.get(response.url).content.decode()
    assert "Oppfølgingen er registrert." in html
    assert "Hjemmebesøk, 45 min" in html


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("minutes", "-5", "Minutter kan ikke være negativt."),
        ("date", (TODAY + timedelta(days=1)).isoformat(), "Datoen kan ikke være fram i tid."),
        (
            "next_step_due",
            (TODAY - timedelta(days=3)).isoformat(),
            "Fristen for neste steg kan ikke være før selve oppfølgingen.",
        ),
        ("minutes", "mange", "Skriv minuttene som et helt tall."),
        ("date", "2026-02-31", "Skriv en gyldig dato."),
    ],
)
def test_bad_input_gets_a_norwegian_message_and_keeps_what_was_typed(
    client_for, counsellor, household, field, value, message
):
    data = form_data(**{field: value})
    response = client_for(counsellor).post(reverse("cases:followup_log", args=[household.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Ringe banken"' in html
    assert "Gikk gjennom budsjettet sammen." in html
    assert re.search(r'<input[^>]*value="startloan"[^>]*checked', html)
    assert f'value="{value}"' in html
    assert not FollowUp.objects.exists()


def test_a_due_date_without_a_next_step_is_refused(client_for, counsellor, household):
    response = client_for(counsellor).post(
        reverse("cases:followup_log", args=[household.pk]), form_data(next_step="")
    )
    assert "Skriv hva neste steg er når du setter en frist." in response.content.decode()


def test_the_service_refuses_bad_input_too(counsellor, household):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        followup_log(household=household, by=counsellor, date=TODAY + timedelta(days=1), kind="phone")
    with pytest.raises(ValidationError):
        followup_log(
            household=household,
            by=counsellor,
            date=TODAY,
            kind="phone",
            next_step="x",
            next_step_due=TODAY - timedelta(days=1),
        )


def test_a_correction_keeps_the_earlier_version(client_for, counsellor, household):
    followup = followup_log(
        household=household, by=counsellor, date=TODAY, kind="phone", minutes=10, note="Først"
    )
    client = client_for(counsellor)
    url = reverse("cases:followup_edit", args=[followup.pk])
    assert 'value="10"' in client.get(url).content.decode()
    response = client.post(
        url, form_data(kind="phone", minutes="25", note="Rettet notat", next_step="", next_step_due="")
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert (followup.minutes, followup.note) == (25, "Rettet notat")
    history = list(followup.history.order_by("history_date"))
    assert [(h.minutes, h.note) for h in history] == [(10, "Først"), (25, "Rettet notat")]
    assert history[-1].history_user == counsellor
    assert TimelineEvent.objects.filter(household=household, kind="followup_corrected").count() == 1
    html = client.get(url).content.decode()
    assert "«Først»" in html  # the earlier version is shown with the form


def test_counsellors_correct_their_own_entries_only(client_for, municipality, counsellor, household):
    followup = followup_log(household=household, by=counsellor, date=TODAY, kind="phone", minutes=10)
    colleague = CounsellorFactory(municipality=municipality)
    url = reverse("cases:followup_edit", args=[followup.pk])
    assert client_for(colleague).get(url).status_code == 403
    assert client_for(colleague).post(url, form_data()).status_code == 403
    with pytest.raises(PermissionDenied):
        followup_correct(followup=followup, by=colleague, minutes=99)
    followup.refresh_from_db()
    assert followup.minutes == 10


def test_the_household_page_offers_correction_only_to_the_author(
    client_for, municipality, counsellor, household
):
    followup = followup_log(household=household, by=counsellor, date=TODAY, kind="phone", minutes=10)
    edit = reverse("cases:followup_edit", args=[followup.pk])
    detail = reverse("cases:household_detail", args=[household.pk])
    assert edit in client_for(counsellor).get(detail).content.decode()
    colleague = CounsellorFactory(municipality=municipality)
    assert edit not in client_for(colleague).get(detail).content.decode()


def test_a_closed_case_takes_no_follow_up(client_for, counsellor, household):
    household.closed_on, household.close_reason = TODAY, "other"
    household.save()
    response = client_for(counsellor).post(reverse("cases:followup_log", args=[household.pk]), form_data())
    assert "Saken er avsluttet" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_persona_checks(client_for, counsellor, officer, manager, other_counsellor, household):
    followup = followup_log(household=household, by=counsellor, date=TODAY, kind="phone")
    for url in (
        reverse("cases:followup_log", args=[household.pk]),
        reverse("cases:followup_edit", args=[followup.pk]),
    ):
        assert Client().get(url).status_code == 302
        assert client_for(counsellor).get(url).status_code == 200
        assert client_for(officer).get(url).status_code == 403
        assert client_for(manager).get(url).status_code == 403
        assert client_for(other_counsellor).get(url).status_code == 404
        assert client_for(counsellor).put(url).status_code == 405


def test_another_municipalitys_agency_cannot_be_chosen(client_for, counsellor, household, other_municipality):
    theirs = PartnerAgencyFactory(municipality=other_municipality)
    response = client_for(counsellor).post(
        reverse("cases:followup_log", args=[household.pk]), form_data(partner_agencies=[theirs.pk])
    )
    assert response.status_code == 200
    assert not FollowUp.objects.exists()


def test_the_service_refuses_unknown_topics_and_other_municipalities_agencies(
    counsellor, household, other_municipality
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        followup_log(household=household, by=counsellor, date=TODAY, kind="phone", topics=["gossip"])
    theirs = PartnerAgencyFactory(municipality=other_municipality)
    with pytest.raises(ValidationError):
        followup_log(household=household, by=counsellor, date=TODAY, kind="phone", partner_agencies=[theirs])
    assert not FollowUp.objects.exists()


def test_a_follow_up_carries_its_household_s_municipality(counsellor, household):
    """Kept on the row for the reports' index, taken from the household on save."""
    followup = followup_log(household=household, by=counsellor, date=TODAY, kind="phone", minutes=10)
    assert followup.municipality_id == household.municipality_id
    assert FollowUp.objects.for_municipality(household.municipality).get() == followup


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_a_follow_up_in_another_municipality_than_its_household(
    counsellor, household, other_municipality
):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the (household, municipality) foreign key is PostgreSQL's")
    followup = FollowUpFactory(household=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=followup.pk).update(municipality=other_municipality)
