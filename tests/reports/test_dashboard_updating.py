"""Right after a change, the managers' view of this quarter shows the figures from before it, marked as
being updated, while the background computes them again: a visit then costs what a visit from the cache
costs. Other views, and that one once the change is older than the limit, are computed on the spot.
(PostgreSQL and Redis, as deployed: without a broker the figures are always computed on the spot.)"""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from boveileder import changes
from reports.dashboard import STALE_AT_MOST_SECONDS, dashboard_refresh
from tests.factories import FollowUpFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs a broker: a background to wait for"),
]


def followups(response):
    return {row["key"]: row["value"] for row in response.context["rows"]}["followups"]


def test_after_a_change_the_figures_from_before_show_marked_as_updating_until_the_background_is_done(
    client_for, manager, municipality, household, django_assert_num_queries
):
    client = client_for(manager)
    before = followups(client.get(reverse("reports:dashboard")))
    FollowUpFactory(household=household, date=timezone.localdate(), minutes=30)

    with django_assert_num_queries(4):  # as a visit from the cache: nothing computed
        response = client.get(reverse("reports:dashboard"))
    assert response.context["updating"] and followups(response) == before
    html = response.content.decode()
    assert "Tallene beregnes på nytt etter en endring" in html
    assert 'hx-trigger="load delay:2s"' in html  # the page asks again, and shows them once ready

    assert dashboard_refresh(municipality.pk)  # what the worker does
    response = client.get(reverse("reports:dashboard"))
    assert not response.context["updating"] and int(followups(response)) == int(before) + 1
    assert "beregnes på nytt" not in response.content.decode()


def test_a_change_older_than_the_limit_is_computed_on_the_spot(client_for, manager, municipality, household):
    client = client_for(manager)
    before = followups(client.get(reverse("reports:dashboard")))
    FollowUpFactory(household=household, date=timezone.localdate(), minutes=30)
    long_ago = int(time.time()) - STALE_AT_MOST_SECONDS - 1  # the background never came
    cache.set(changes._key(municipality.pk), f"{long_ago}-a-change-nobody-computed", 60)

    response = client.get(reverse("reports:dashboard"))
    assert not response.context["updating"] and int(followups(response)) == int(before) + 1


def test_a_period_the_background_does_not_compute_is_computed_on_the_spot(
    client_for, manager, municipality, household
):
    client = client_for(manager)
    year = {"year": str(timezone.localdate().year)}
    before = followups(client.get(reverse("reports:dashboard"), year))
    FollowUpFactory(household=household, date=timezone.localdate(), minutes=30)

    response = client.get(reverse("reports:dashboard"), year)
    assert not response.context["updating"] and int(followups(response)) == int(before) + 1
