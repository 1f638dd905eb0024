"""Visits logged offline: the phone's queue sends each with an id made on the device (the
form token); the server stores it once however often it is replayed, answers a replay with the
stored visit, keeps a visit on a case closed or moved meanwhile (and says so), and keeps aside, for
the manager, a visit whose counsellor lost access. The form the phone keeps holds no household's data."""

import json
import uuid
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import FollowUp, HeldFollowUp, TimelineEvent
from tests.factories import CounsellorFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def visit(token, **overrides):
    data = {"date": TODAY.isoformat(), "kind": "home_visit", "minutes": "40"}
    return {**data, "note": "Snakket om budsjettet.", "form_token": str(token), **overrides}


def sync(client, household, data):
    return client.post(reverse("cases:followup_sync", args=[household.pk]), data)


def test_a_visit_replayed_three_times_is_stored_once_and_each_replay_gets_the_stored_visit(
    client_for, counsellor, household
):
    client = client_for(counsellor)
    token = uuid.uuid4()
    answers = [sync(client, household, visit(token)) for _ in range(4)]
    followup = FollowUp.objects.get(household=household)
    landing = reverse("cases:followup_sent", args=[followup.pk])
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, landing)] * 4
    assert TimelineEvent.objects.filter(household=household, kind="followup").count() == 1
    sent = client.get(landing).json()
    assert sent == {
        "followup": followup.pk,
        "reference": household.reference,
        "date": str(TODAY),
        "notices": [],
    }
    # A replay leaves no «already sent» message waiting for the counsellor's next page.
    assert "allerede sendt" not in client.get(reverse("cases:caseload")).content.decode()


def test_two_visits_made_on_the_device_are_two_visits(client_for, counsellor, household):
    client = client_for(counsellor)
    sync(client, household, visit(uuid.uuid4()))
    sync(client, household, visit(uuid.uuid4()))
    assert FollowUp.objects.filter(household=household).count() == 2


def test_a_refused_visit_says_why_in_norwegian_and_its_id_can_be_sent_again(
    client_for, counsellor, household
):
    client = client_for(counsellor)
    token = uuid.uuid4()
    refused = sync(client, household, visit(token, minutes="-5"))
    assert refused.status_code == 400
    assert refused.json() == {"errors": {"minutes": ["Minutter kan ikke være negativt."]}}
    assert sync(client, household, visit(token)).status_code == 302
    assert FollowUp.objects.filter(household=household).count() == 1


def test_a_case_closed_meanwhile_keeps_the_visit_and_says_so(client_for, counsellor, household):
    household.closed_on, household.close_reason = TODAY, "goal_reached"
    household.save()
    client = client_for(counsellor)
    answer = sync(client, household, visit(uuid.uuid4()))
    assert answer.status_code == 302
    assert FollowUp.objects.filter(household=household).count() == 1
    assert client.get(answer["Location"]).json()["notices"] == [
        "Saken ble avsluttet mens du var uten nett. Besøket er lagret på saken."
    ]


def test_a_household_moved_to_a_colleague_keeps_the_visit_and_says_so(
    client_for, municipality, counsellor, household
):
    household.counsellor = CounsellorFactory(municipality=municipality)
    household.save()
    client = client_for(counsellor)
    answer = sync(client, household, visit(uuid.uuid4()))
    assert FollowUp.objects.filter(household=household, by=counsellor).count() == 1
    assert client.get(answer["Location"]).json()["notices"] == [
        "Husstanden følges nå opp av en annen boveileder. Besøket er lagret på husstanden."
    ]


def test_lost_access_keeps_the_visit_aside_for_the_manager_and_shows_nothing_of_the_household(
    client_for, municipality, counsellor, household
):
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    household.counsellor = CounsellorFactory(municipality=municipality)
    household.restricted = True
    household.save()
    client = client_for(counsellor)
    token = uuid.uuid4()
    answers = [sync(client, household, visit(token)) for _ in range(2)]
    held = HeldFollowUp.objects.get()
    assert (held.household, held.by, held.note) == (household, counsellor, "Snakket om budsjettet.")
    assert not FollowUp.objects.exists()
    assert answers[0]["Location"] == answers[1]["Location"] == reverse("cases:followup_held", args=[held.pk])
    body = client.get(answers[0]["Location"]).content.decode()
    assert json.loads(body)["notices"] == [
        "Du har ikke lenger tilgang til denne husstanden. Besøket er tatt vare på for lederen din."
    ]
    assert household.reference not in body and "Amina" not in body


def test_a_visit_for_another_municipality_is_not_found(client_for, other_counsellor, household):
    answer = sync(client_for(other_counsellor), household, visit(uuid.uuid4()))
    assert answer.status_code == 404
    assert not FollowUp.objects.exists() and not HeldFollowUp.objects.exists()


def test_the_queue_sends_with_a_fresh_csrf_token_and_without_one_is_refused(counsellor, household):
    client = Client(enforce_csrf_checks=True)
    client.force_login(counsellor)
    assert sync(client, household, visit(uuid.uuid4())).status_code == 403
    who = client.get(reverse("cases:followup_offline_token")).json()
    assert who["user"] == counsellor.pk
    answer = client.post(
        reverse("cases:followup_sync", args=[household.pk]), visit(uuid.uuid4()), HTTP_X_CSRFTOKEN=who["csrf"]
    )
    assert answer.status_code == 302


def test_an_expired_session_sends_the_queue_to_sign_in_and_stores_nothing(client, household):
    answer = client.get(reverse("cases:followup_offline_token"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
    assert sync(client, household, visit(uuid.uuid4())).status_code == 302
    assert not FollowUp.objects.exists()


def test_the_form_the_phone_keeps_holds_no_household_and_no_name(client_for, municipality, household):
    PersonFactory(household=household, first_name="Amina", last_name="Hassan", national_id="12096342568")
    counsellor = household.counsellor
    counsellor.first_name, counsellor.last_name = "Kari", "Nordmann"
    counsellor.save()
    html = client_for(counsellor).get(reverse("cases:followup_offline")).content.decode()
    assert "Registrer besøk" in html and 'name="minutes"' in html
    for secret in ("Amina", "Hassan", "12096342568", household.reference, "Kari", "Nordmann"):
        assert secret not in html


def test_the_service_worker_and_manifest_are_served_from_the_root_under_a_strict_csp(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]
    body = worker.content.decode()
    assert "importScripts(" in body and "/static/vendor/workbox/workbox-background-sync.prod.js" in body
    assert "https://" not in body and "http://" not in body  # nothing from a CDN
    csp = worker["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp and "script-src 'self'" in csp
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert json.loads(manifest.content)["start_url"] == "/"


def test_the_manager_reads_a_visit_kept_aside_and_puts_it_on_the_timeline(
    client_for, municipality, counsellor, manager, household
):
    household.counsellor = CounsellorFactory(municipality=municipality)
    household.restricted = True
    household.save()
    sync(client_for(counsellor), household, visit(uuid.uuid4()))
    held = HeldFollowUp.objects.get()
    assert client_for(counsellor).get(reverse("cases:held_list")).status_code == 403

    client = client_for(manager)
    listing = client.get(reverse("cases:held_list")).content.decode()
    assert household.reference in listing and "Snakket om budsjettet." not in listing
    page = client.get(reverse("cases:held_detail", args=[held.pk])).content.decode()
    assert "Snakket om budsjettet." in page
    answer = client.post(reverse("cases:held_detail", args=[held.pk]))
    assert answer["Location"] == reverse("cases:household_detail", args=[household.pk])
    followup = FollowUp.objects.get(household=household)
    assert (followup.by, followup.note, followup.minutes) == (counsellor, "Snakket om budsjettet.", 40)
    assert not HeldFollowUp.objects.exists()
    assert TimelineEvent.objects.filter(household=household, kind="followup").count() == 1


def test_the_offline_form_and_a_sync_cost_the_same_queries_whatever_the_data(
    client_for, municipality, counsellor, household, django_assert_num_queries
):
    from tests.factories import HouseholdFactory, PartnerAgencyFactory

    client = client_for(counsellor)
    client.get(reverse("cases:followup_offline"))  # the session's first touch
    sync(client, household, visit(uuid.uuid4()))  # and the first visit's one-off lookups
    counts = []
    for _round in range(2):
        PartnerAgencyFactory(municipality=municipality)
        HouseholdFactory(municipality=municipality, counsellor=counsellor)
        with django_assert_num_queries(4) as form_queries:
            client.get(reverse("cases:followup_offline"))
        with django_assert_num_queries(21) as sync_queries:
            sync(client, household, visit(uuid.uuid4()))
        counts.append((len(form_queries), len(sync_queries)))
    assert counts[0] == counts[1]


def test_the_phone_script_gets_its_words_in_norwegian_without_an_inline_script(client_for, counsellor):
    html = client_for(counsellor).get(reverse("cases:caseload")).content.decode()
    assert 'id="offline-strings" hidden data-words="' in html
    assert "Logg ut likevel" in html and "besøk venter på å bli sendt." in html
