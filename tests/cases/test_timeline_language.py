"""A household's timeline reads in the reader's language whatever language its writers used."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import FollowUp, Household, TimelineEvent
from cases.services.followups import followup_log
from cases.services.households import household_close
from housing.models import MoveOutReason
from housing.services.tenancies import tenancy_end, tenancy_start
from tests.cases.test_household_page import HOUSEHOLD_QUERIES
from tests.factories import RentalUnitFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()

NORWEGIAN = ["Hjemmebesøk, 20 min", "Flyttet inn i Storgata 1", "Flyttet ut av Storgata 1: Kjøpte egen bolig"]
ENGLISH = ["Home visit, 20 min", "Moved in to Storgata 1", "Moved out of Storgata 1: Bought own home"]


def _write_story(household, counsellor, officer, language):
    """A visit, a move-in and a move-out, each written by a colleague working in `language`."""
    unit = RentalUnitFactory(municipality=household.municipality, address="Storgata 1")
    with translation.override(language):
        followup_log(
            household=household,
            by=counsellor,
            date=TODAY,
            kind=FollowUp.Kind.HOME_VISIT,
            minutes=20,
            note="Snakket om budsjett",
        )
        tenancy = tenancy_start(
            unit=unit, household=household, start_date=TODAY - timedelta(days=900), by=officer
        )
        tenancy_end(tenancy=tenancy, on=TODAY - timedelta(days=10), reason=MoveOutReason.BOUGHT, by=officer)
        household_close(
            household=household, by=counsellor, on=TODAY, reason=Household.CloseReason.GOAL_REACHED
        )


def _timeline(client, household, django_assert_num_queries, language=None):
    if language:
        client.cookies["django_language"] = language
    with django_assert_num_queries(HOUSEHOLD_QUERIES):
        response = client.get(reverse("cases:household_detail", args=[household.pk]))
    html = response.content.decode()
    return html[html.index('id="timeline-heading"') :]


def test_english_writers_read_in_norwegian(
    client_for, household, counsellor, officer, django_assert_num_queries
):
    _write_story(household, counsellor, officer, "en")
    timeline = _timeline(client_for(counsellor), household, django_assert_num_queries)
    for text in NORWEGIAN + ["Saken avsluttet: Målet nådd"]:
        assert text in timeline
    for text in ENGLISH:
        assert text not in timeline


def test_norwegian_writers_read_in_english(
    client_for, household, counsellor, officer, django_assert_num_queries
):
    _write_story(household, counsellor, officer, "nb")
    timeline = _timeline(client_for(counsellor), household, django_assert_num_queries, language="en")
    for text in ENGLISH + ["Case closed: Goal reached"]:
        assert text in timeline
    for text in NORWEGIAN:
        assert text not in timeline


def test_events_keep_data_not_sentences(household, counsellor, officer):
    _write_story(household, counsellor, officer, "en")
    moved_out = TimelineEvent.objects.get(household=household, kind="tenancy_ended")
    assert moved_out.params == {"address": "Storgata 1", "reason": "bought"}
    visit = TimelineEvent.objects.get(household=household, kind="followup")
    assert visit.params == {"kind": "home_visit", "minutes": 20}


def test_a_legacy_note_reads_as_written_in_either_language(
    client_for, household, counsellor, django_assert_num_queries
):
    TimelineEvent.objects.create(
        household=household, kind="legacy_note", params={"text": "Besøk hos NAV med Kari"}, occurred_on=TODAY
    )
    for language in ("nb", "en"):
        assert "Besøk hos NAV med Kari" in _timeline(
            client_for(counsellor), household, django_assert_num_queries, language
        )


def test_the_innsyn_export_words_the_timeline_for_its_reader(household, counsellor, officer):
    from cases.services.privacy import person_innsyn_export
    from tests.factories import PersonFactory

    person = PersonFactory(household=household)
    _write_story(household, counsellor, officer, "nb")
    with translation.override("en"):
        export = person_innsyn_export(person=person, by=counsellor)
    texts = [row["text"] for row in export["records_about_the_household"]["timeline events"]]
    assert "Moved in to Storgata 1" in texts and "Home visit, 20 min" in texts
