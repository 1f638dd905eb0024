"""The calendar feed: a staff member subscribes to their next steps and deadlines at a
secret address they can renew; the feed parses with a calendar library, names the household's
reference and the kind of step only, follows the next step, and an old address stops working."""

import re
from datetime import date, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CalendarFeed
from cases.services.calendar import calendar_feed_renew
from cases.services.followups import followup_correct, followup_log
from tests.factories import ConsentFactory, PartnerAgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _feed(client, token):
    return client.get(reverse("cases:calendar_feed", args=[token]))


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return [
        (str(event.get("summary")), event.decoded("dtstart"), str(event.get("url")))
        for event in calendar.walk("VEVENT")
    ]


@pytest.fixture
def step(counsellor, household):
    PersonFactory(household=household, first_name="Amina", last_name="Nilsen", with_national_id=True)
    return followup_log(
        household=household,
        by=counsellor,
        date=timezone.localdate(),
        kind="home_visit",
        minutes=30,
        note="Amina Nilsen gruer seg til møtet",
        next_step="Ring Amina Nilsen om husleia",
        next_step_due=timezone.localdate() + timedelta(days=3),
    )


def test_the_subscribe_page_shows_a_new_address_once_and_the_feed_opens_there_without_login(
    client, client_for, counsellor, household, step
):
    page = client_for(counsellor)
    url = reverse("cases:calendar_subscription")
    assert "Lag kalenderadressen min" in page.get(url).content.decode()
    response = page.post(url)
    assert response.status_code == 302
    html = page.get(url).content.decode()
    [address] = re.findall(r'value="(http://testserver/cases/calendar/[^"]+/feed\.ics)"', html)
    assert "Lag en ny adresse" in page.get(url).content.decode()
    assert address not in page.get(url).content.decode()  # shown once
    token = address.split("/")[-2]
    assert token not in CalendarFeed.objects.get(user=counsellor).token_hash  # kept hashed

    client.logout()
    events = _events(client.get(address.removeprefix("http://testserver")))
    assert events == [
        (
            f"{household.reference}: Neste steg",
            timezone.localdate() + timedelta(days=3),
            f"http://testserver/cases/households/{household.pk}/",
        )
    ]


def test_the_feed_names_no_person_nor_a_free_text_note(client, counsellor, household, step):
    agency = PartnerAgencyFactory(municipality=household.municipality, name="Amina Nilsens advokat")
    ConsentFactory(household=household, agency=agency, valid_until=timezone.localdate() + timedelta(days=10))
    body = _feed(client, calendar_feed_renew(user=counsellor)).content.decode()
    summaries = {
        summary for summary, _due, _url in _events(_feed(client, calendar_feed_renew(user=counsellor)))
    }
    assert summaries == {f"{household.reference}: Neste steg", f"{household.reference}: Samtykke går ut"}
    person = household.members.get()
    for secret in ("Amina", "Nilsen", "husleia", person.national_id):
        assert secret not in body


def test_the_feed_follows_the_next_step(client, counsellor, household, step):
    token = calendar_feed_renew(user=counsellor)
    first = _events(_feed(client, token))
    later = timezone.localdate() + timedelta(days=9)
    followup_correct(followup=step, by=counsellor, next_step_due=later)
    [(summary, due, _url)] = _events(_feed(client, token))
    assert [(summary, due)] != [(s, d) for s, d, _u in first]
    assert due == later


def test_a_renewed_address_stops_the_old_one(client, counsellor, household, step):
    old = calendar_feed_renew(user=counsellor)
    assert _feed(client, old).status_code == 200
    new = calendar_feed_renew(user=counsellor)
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert CalendarFeed.objects.filter(user=counsellor).count() == 1


def test_a_guessed_token_or_a_deactivated_user_gets_404(client, counsellor, household, step):
    assert _feed(client, "x").status_code == 404
    assert _feed(client, "a" * 43).status_code == 404
    token = calendar_feed_renew(user=counsellor)
    counsellor.is_active = False
    counsellor.save()
    assert _feed(client, token).status_code == 404


def test_the_feed_reads_the_caseloads_deadlines_in_a_constant_number_of_queries(
    client, counsellor, municipality, django_assert_num_queries
):
    from tests.factories import HouseholdFactory

    token = calendar_feed_renew(user=counsellor)

    def add(n):
        for _ in range(n):
            household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
            followup_log(
                household=household,
                by=counsellor,
                date=date.today(),
                kind="phone",
                next_step="Ring",
                next_step_due=date.today(),
            )

    add(1)
    _feed(client, token)
    with django_assert_num_queries(FEED_QUERIES):
        assert len(_events(_feed(client, token))) == 1
    add(20)
    with django_assert_num_queries(FEED_QUERIES):
        assert len(_events(_feed(client, token))) == 21


# The token's feed and its user, then one query per deadline source (decisions: two; follow-ups;
# consents; start-up loans; letters not delivered, registered by dispatch).
FEED_QUERIES = 7
