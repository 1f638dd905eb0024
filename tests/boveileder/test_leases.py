"""Leases on background jobs (boveileder.leases), without a worker: a delivery finding the lease held
does nothing, one finding it run out takes the job over; recovery queues a job left running without a
lease again, or after JOB_MAX_ATTEMPTS runs marks it failed with «Prøv igjen»; every recovery runs each
minute. The real worker killed in the middle: tests/boveileder/test_job_recovery.py."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from boveileder import leases
from exchange import jobs
from reports.models import FunderReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks():
    from boveileder.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def _export_left_running(manager) -> str:
    """An export as a worker that died left it: running, its lease run out."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        job_id = jobs.export_job_create(user=manager, file_format="xlsx", national_ids=False)
    job = cache.get(f"exchange-export:{job_id}")
    cache.set(f"exchange-export:{job_id}", {**job, "state": jobs.State.RUNNING, "running": True})
    return job_id


def _state(job_id, manager) -> str:
    return jobs.export_job_get(job_id, manager)["state"]


def test_a_delivery_finding_the_lease_held_does_nothing_and_one_finding_it_run_out_takes_over(manager):
    job_id = _export_left_running(manager)
    name = f"exchange-export:{job_id}"
    token = leases.lease_take(name)  # a live run holds it
    jobs.export_job_run(job_id)
    assert _state(job_id, manager) == jobs.State.RUNNING
    leases.lease_release(name, token)  # the lease ran out: its worker died
    jobs.export_job_run(job_id)
    assert _state(job_id, manager) == jobs.State.DONE
    assert not leases.lease_held(name)


def test_recovery_queues_a_job_that_lost_its_worker_and_leaves_a_live_one_alone(manager):
    job_id = _export_left_running(manager)
    name = f"exchange-export:{job_id}"
    token = leases.lease_take(name)
    assert jobs.jobs_recover() == {"requeued": 0, "failed": 0}  # alive: its lease is held
    leases.lease_release(name, token)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert jobs.jobs_recover() == {"requeued": 1, "failed": 0}
    assert _state(job_id, manager) == jobs.State.DONE


def test_after_the_last_attempt_the_job_fails_and_try_again_runs_it(client_for, manager, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    job_id = _export_left_running(manager)
    leases.lease_release(f"exchange-export:{job_id}", leases.lease_take(f"exchange-export:{job_id}"))
    assert jobs.jobs_recover() == {"requeued": 0, "failed": 1}
    client = client_for(manager)
    page = client.get(reverse("exchange:export_job", args=[job_id])).content.decode()
    assert "Eksporten stoppet" in page and "Prøv igjen" in page and "hx-trigger" not in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("exchange:export_retry", args=[job_id]))
    assert response.status_code == 302
    assert _state(job_id, manager) == jobs.State.DONE


def test_an_import_that_lost_its_worker_too_often_offers_try_again_and_keeps_its_file(
    client_for, manager, counsellor, settings
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.exchange.exchange_helpers import xlsx

    settings.JOB_MAX_ATTEMPTS = 1
    client = client_for(manager)  # the file names the counsellor «kari»
    with TestCase.captureOnCommitCallbacks(execute=True):
        job_id = jobs.import_job_create(
            user=manager, upload=ContentFile(xlsx(), name="i.xlsx"), suffix=".xlsx", language="nb"
        )
    key = f"exchange-import:{job_id}"
    assert cache.get(key)["state"] == jobs.State.READY
    cache.set(key, {**cache.get(key), "state": jobs.State.RUNNING, "running": True})
    leases.lease_release(key, leases.lease_take(key))  # one run, and its worker died
    assert jobs.jobs_recover() == {"requeued": 0, "failed": 1}
    job = cache.get(key)
    assert default_storage.exists(job["path"])
    page = client.get(reverse("exchange:import_job", args=[job_id])).content.decode()
    assert "Importen feilet" in page and "Prøv igjen" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("exchange:import_retry", args=[job_id]))
    assert cache.get(key)["state"] == jobs.State.DONE


def test_a_report_left_rendering_is_queued_again_then_failed_with_try_again(
    client_for, municipality, manager, settings
):
    from reports.services.funder_reports import funder_reports_recover

    report = FunderReport.objects.create(
        municipality=municipality,
        funder="husbanken",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 3, 31),
        requested_by=manager,
        status=FunderReport.Status.RENDERING,
    )
    name = f"funder-report:{report.pk}"
    leases.lease_release(name, leases.lease_take(name))  # one render, and its worker died
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        assert funder_reports_recover() == {"requeued": 1, "failed": 0}
    assert len(queued) == 1
    report.refresh_from_db()
    assert report.status == FunderReport.Status.QUEUED

    FunderReport.objects.filter(pk=report.pk).update(status=FunderReport.Status.RENDERING)
    leases.lease_release(name, leases.lease_take(name))  # the second render died too
    assert funder_reports_recover() == {"requeued": 0, "failed": 1}
    client = client_for(manager)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Feilet" in page and "Prøv igjen" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reports:report_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == FunderReport.Status.DONE


def test_recovery_runs_every_minute_and_a_lease_is_a_minute():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert tasks["exchange.recover"] <= 60
    assert tasks["reports.tasks.funder_reports_recover"] <= 60
    assert settings.JOB_LEASE_SECONDS <= 60 and settings.JOB_MAX_ATTEMPTS >= 1
    # A task the broker delivers again (after its visibility timeout) finds the dead run's lease run out.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.JOB_LEASE_SECONDS
    from boveileder.celery import app

    app.loader.import_default_modules()
    assert {"exchange.recover", "reports.tasks.funder_reports_recover"} <= set(app.tasks)


def test_a_report_whose_message_was_lost_is_queued_again_after_the_bound_then_failed(
    client_for, municipality, manager, settings
):
    """Redis was down as the request committed (or lost the message): the report stays «queued» with
    no worker on it. Within the bound it is left alone (a worker may be busy); past it, queued again,
    each time counted, and after JOB_MAX_ATTEMPTS failed for the manager to try again."""
    from datetime import timedelta

    from django.utils import timezone

    from reports.services.funder_reports import funder_report_request, funder_reports_recover

    settings.JOB_MAX_ATTEMPTS = 2
    with TestCase.captureOnCommitCallbacks(execute=False):  # its message never reaches a worker
        report = funder_report_request(
            municipality=municipality,
            funder="husbanken",
            period_from=date(2025, 1, 1),
            period_to=date(2025, 3, 31),
            by=manager,
        )
    assert funder_reports_recover() == {"requeued": 0, "failed": 0}  # queued just now

    def lost():
        since = timezone.now() - timedelta(seconds=settings.JOB_QUEUED_SECONDS + 1)
        FunderReport.objects.filter(pk=report.pk).update(queued_at=since)

    for _attempt in range(settings.JOB_MAX_ATTEMPTS):
        lost()
        with TestCase.captureOnCommitCallbacks(execute=False) as queued:
            assert funder_reports_recover() == {"requeued": 1, "failed": 0}
        assert len(queued) == 1  # ... and lost again
        assert funder_reports_recover() == {"requeued": 0, "failed": 0}  # queued again just now
    lost()
    assert funder_reports_recover() == {"requeued": 0, "failed": 1}
    client = client_for(manager)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert "Feilet" in page and "Prøv igjen" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reports:report_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == FunderReport.Status.DONE


def test_a_queued_report_with_a_live_run_is_left_alone(municipality, manager, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reports.services.funder_reports import funder_reports_recover

    report = FunderReport.objects.create(
        municipality=municipality,
        funder="husbanken",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 3, 31),
        requested_by=manager,
        queued_at=timezone.now() - timedelta(seconds=settings.JOB_QUEUED_SECONDS + 1),
    )
    token = leases.lease_take(f"funder-report:{report.pk}")
    assert funder_reports_recover() == {"requeued": 0, "failed": 0}
    leases.lease_release(f"funder-report:{report.pk}", token)
