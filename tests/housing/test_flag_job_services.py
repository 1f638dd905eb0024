"""The nightly job against the real services: PostgreSQL, Redis, a Celery worker and beat's schedule."""

from datetime import date

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from boveileder.celery import app
from housing.models import LongTenureFlag
from tests.factories import LongTenureFlagFactory, MunicipalityFactory
from tests.housing.flag_edges import AS_OF, EXPECTED, make_edges, tenancy
from tests.services import CeleryWorker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
TASK = "housing.flags_raise_nightly"


def test_beat_schedules_the_job_every_night():
    from celery.schedules import crontab
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == TASK]
    assert len(entries) == 1
    assert entries[0]["schedule"] == crontab(hour=2, minute=30)
    app.loader.import_default_modules()
    assert TASK in app.tasks
    DatabaseScheduler(app=app)  # what `celery beat` does at start: the settings' entries go to the database
    stored = PeriodicTask.objects.get(task=TASK)
    assert stored.enabled and (stored.crontab.hour, stored.crontab.minute) == ("2", "30")


def test_a_worker_run_raises_exactly_the_due_flags_and_a_second_run_none(celery_worker_process):
    municipality = MunicipalityFactory(slug="alesund", name="Ålesund")
    other = MunicipalityFactory(slug="molde", name="Molde")
    edges = make_edges(municipality)
    LongTenureFlagFactory(tenancy=edges["already_flagged"], raised_on=date(2025, 1, 1))
    molde = tenancy(other, date(2015, 1, 1))

    assert (
        app.send_task(TASK, kwargs={"as_of": AS_OF.isoformat()}, ignore_result=False).get(timeout=60)
        == len(EXPECTED) + 1
    )
    flagged = {f.tenancy_id: f for f in LongTenureFlag.objects.unresolved()}
    assert {name for name, t in edges.items() if t.pk in flagged} == set(EXPECTED) | {"already_flagged"}
    assert {name: flagged[edges[name].pk].reasons for name in EXPECTED} == EXPECTED
    assert flagged[molde.pk].municipality == other
    assert all(flagged[edges[name].pk].raised_on == AS_OF for name in EXPECTED)

    assert app.send_task(TASK, kwargs={"as_of": AS_OF.isoformat()}, ignore_result=False).get(timeout=60) == 0
    assert LongTenureFlag.objects.count() == len(EXPECTED) + 2


def test_two_concurrent_runs_leave_one_flag_per_tenancy(tmp_path):
    municipality = MunicipalityFactory(slug="alesund", name="Ålesund")
    due = [tenancy(municipality, date(2018, 1, 1)) for _ in range(40)]
    app.control.purge()
    worker = CeleryWorker(tmp_path, concurrency=2).start()
    try:
        wait_for(lambda: app.control.ping(destination=[worker.name], timeout=1), timeout=30)
        runs = [
            app.send_task(TASK, kwargs={"as_of": AS_OF.isoformat()}, ignore_result=False) for _ in range(2)
        ]
        raised = sorted(run.get(timeout=60) for run in runs)
    finally:
        worker.stop()
    assert sum(raised) == len(due)  # each flag counted once, by the run that inserted it
    assert LongTenureFlag.objects.count() == len(due)
    assert set(LongTenureFlag.objects.values_list("tenancy_id", flat=True)) == {t.pk for t in due}


def test_the_database_itself_refuses_a_second_unresolved_flag():
    t = tenancy(MunicipalityFactory(slug="alesund", name="Ålesund"), date(2018, 1, 1))
    LongTenureFlagFactory(tenancy=t)
    with pytest.raises(IntegrityError), transaction.atomic():
        LongTenureFlag.objects.create(municipality=t.municipality, tenancy=t, raised_on=AS_OF)
    # The job's insert relies on it: ON CONFLICT DO NOTHING leaves the open flag alone.
    LongTenureFlag.objects.bulk_create(
        [LongTenureFlag(municipality=t.municipality, tenancy=t, raised_on=AS_OF)], ignore_conflicts=True
    )
    assert LongTenureFlag.objects.filter(tenancy=t).count() == 1
