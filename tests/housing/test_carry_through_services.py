"""The nightly job for moves registered ahead, against the real services: PostgreSQL (where the
tenancies' no-overlap EXCLUDE constraint lives), Redis, a Celery worker and beat's schedule."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from boveileder.celery import app
from cases.models import TimelineEvent
from housing.models import LongTenureFlag
from housing.services.tenancies import tenancy_end, tenancy_start
from tests.factories import HouseholdFactory, LongTenureFlagFactory, MunicipalityFactory, TenancyFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TASK = "housing.tenancies_carry_through_nightly"


def test_beat_schedules_the_carry_through_every_night_before_the_flags():
    from celery.schedules import crontab

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == TASK]
    assert len(entries) == 1 and entries[0]["schedule"] == crontab(hour=2, minute=15)
    app.loader.import_default_modules()
    assert TASK in app.tasks


def test_a_worker_carries_a_planned_move_out_and_the_next_move_in_through_on_their_day(celery_worker_process):
    municipality = MunicipalityFactory(slug="alesund", name="Ålesund")
    today = timezone.localdate()
    day = today + timedelta(days=31)
    leaving = TenancyFactory(household__municipality=municipality, start_date=today - timedelta(days=2000))
    flag = LongTenureFlagFactory(tenancy=leaving, raised_on=today - timedelta(days=3))
    tenancy_end(tenancy=leaving, on=day, reason="private_rental")
    # PostgreSQL's EXCLUDE constraint takes the next household from the move-out day, not a day before.
    coming = tenancy_start(
        unit=leaving.unit, household=HouseholdFactory(municipality=municipality), start_date=day
    )

    assert (
        app.send_task(TASK, kwargs={"as_of": (day - timedelta(days=1)).isoformat()}, ignore_result=False).get(
            timeout=60
        )
        == 0
    )
    flag.refresh_from_db()
    assert flag.resolved_on is None

    assert app.send_task(TASK, kwargs={"as_of": day.isoformat()}, ignore_result=False).get(timeout=60) == 2
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_on) == (LongTenureFlag.Status.RESOLVED, day)
    done = TimelineEvent.objects.filter(kind__in=["tenancy_ended", "tenancy_started", "flag_resolved"])
    assert sorted((e.household_id, e.kind, e.occurred_on) for e in done) == sorted(
        [
            (leaving.household_id, "tenancy_ended", day),
            (leaving.household_id, "flag_resolved", day),
            (coming.household_id, "tenancy_started", day),
        ]
    )
    assert app.send_task(TASK, kwargs={"as_of": day.isoformat()}, ignore_result=False).get(timeout=60) == 0
    assert done.count() == 3
