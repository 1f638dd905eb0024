"""A household with a long story: the page reads one page of its timeline, in the same number of
queries as an empty household's page, whatever the timeline holds."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.services.followups import followup_log
from cases.views.households import TIMELINE_PAGE_SIZE
from tests.cases.test_household_page import HOUSEHOLD_QUERIES
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_a_long_timeline_is_paged_and_costs_no_more_queries_than_none(
    client_for, municipality, counsellor, django_assert_num_queries
):
    client = client_for(counsellor)
    empty = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    long = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    for i in range(TIMELINE_PAGE_SIZE + 50):
        followup_log(
            household=long,
            by=counsellor,
            date=date.today() - timedelta(days=i),
            kind="phone",
            minutes=10,
            topics=[],
            note=f"samtale {i}",
        )
    for household in (empty, long):
        url = reverse("cases:household_detail", args=[household.pk])
        client.get(url)
        with django_assert_num_queries(HOUSEHOLD_QUERIES):
            html = client.get(url).content.decode()
    shown = set(re.findall(r'href="/cases/followups/(\d+)/', html))
    assert len(shown) == TIMELINE_PAGE_SIZE
    assert "samtale 0" in html and f"samtale {TIMELINE_PAGE_SIZE}" not in html
    assert "?before_event=" in html
