"""After a change to the records behind the figures, a worker computes the managers' dashboard again
in the background, so their next visit reads it from the cache (PostgreSQL, Redis and a real worker)."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from boveileder.changes import generation
from reports import dashboard
from reports.periods import Quarter
from tests.factories import FollowUpFactory, HouseholdFactory, ManagerFactory, MunicipalityFactory

pytestmark = pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs a broker and a worker")


def _computed(manager, periods, seconds=60):
    """The cached figures once they were computed from the municipality's records as they are now."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = cache.get(dashboard._key(manager, periods))
        if found is not None and found["generation"] == generation(manager.municipality_id):
            return found
        time.sleep(0.2)
    return None


def test_a_change_is_computed_in_the_background_before_the_next_visit(
    celery_worker_process, client, django_assert_num_queries
):
    municipality = MunicipalityFactory(slug="alesund", name="Ålesund")
    manager = ManagerFactory(municipality=municipality)
    today = timezone.localdate()
    periods = dashboard.dashboard_periods(Quarter.containing(today))
    household = HouseholdFactory(municipality=municipality)
    FollowUpFactory(household=household, date=today, minutes=30)  # committed: the worker is told

    found = _computed(manager, periods)
    assert found is not None and found["figures"]["value"]["followups"] == 1

    client.force_login(manager)
    with django_assert_num_queries(4):  # as a visit from the cache (test_views pins it)
        response = client.get(reverse("reports:dashboard"))
    assert response.context["rows"][0]["value"] == "1"
