"""A job whose worker dies is resumed, or shown as failed with «Prøv igjen», within a minute or two;
never left «running» for hours. Proven with a real worker on PostgreSQL and Redis: the job is held in
the middle (tests/boveileder/fault_hooks/hold.py), its process is SIGKILLed, and the recovery task
(beat's, every minute; sent here as beat would) finds the lease run out. The lease is 2 seconds here
(JOB_LEASE_SECONDS), 60 in production.

Without leases the redelivered import did nothing (its 4-hour lock was still there), and a report
waited for the broker's visibility timeout (20 minutes): these tests then time out."""

import os
import signal
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from boveileder.celery import app
from cases.models import DecisionLetter, Household
from cases.services import decisions
from exchange import jobs
from reports.models import FunderReport
from tests.boveileder.test_celery_faults import _data, _request_report, _status
from tests.exchange.exchange_helpers import xlsx
from tests.factories import PersonFactory
from tests.services import CeleryWorker, wait_for

HOOKS = Path(__file__).resolve().parent / "fault_hooks"
BOUND = 90  # seconds: a 60-second lease and a beat every minute, in production


def _worker(tmp_path, *, hold=False, concurrency=2, **env) -> CeleryWorker:
    extra = {"JOB_LEASE_SECONDS": "2", **env}
    if hold:
        extra["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOKS), os.environ.get("PYTHONPATH")]))
        extra["BOVEILEDER_TEST_HOLD_DIR"] = str(tmp_path)
    return CeleryWorker(tmp_path, concurrency=concurrency, extra_env=extra)


def _held(tmp_path, job: str) -> int:
    """Wait until the job is held in the middle; the id of the process running it."""
    pid_file = tmp_path / f"{job}.pid"
    wait_for(pid_file.exists, timeout=60, message=f"the {job} to be held")
    return int(pid_file.read_text())


def _recover_until(task: str, predicate, message: str):
    """Send the recovery task as beat does (here every 2 seconds, not every minute) until `predicate`."""

    def tick():
        app.send_task(task)
        return predicate()

    return wait_for(tick, timeout=BOUND, interval=2, message=message)


def _forget_unacknowledged():
    """A worker killed whole leaves its message unacknowledged in Redis for the visibility timeout:
    clear it, so it is not delivered again in a later test."""
    with app.connection_for_write() as connection:
        connection.default_channel.client.delete("unacked", "unacked_index")


def _upload(client) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("exchange:import_upload"), {"file": SimpleUploadedFile("i.xlsx", xlsx())})
    return response.url.rstrip("/").rsplit("/", 1)[1]


def _job(job_id, municipality_id) -> dict:
    return jobs.job_get(job_id, municipality_id)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_process_is_killed_is_resumed_and_imports_once(
    tmp_path, client, manager, counsellor
):
    app.control.purge()
    client.force_login(manager)
    worker = _worker(tmp_path, hold=True).start()
    try:
        job_id = _upload(client)
        wait_for(lambda: _job(job_id, manager.municipality_id)["state"] == jobs.State.READY, timeout=60)
        (tmp_path / "import.hold").touch()
        client.post(reverse("exchange:import_confirm", args=[job_id]))
        pid = _held(tmp_path, "import")  # every row written, the transaction still open
        assert _job(job_id, manager.municipality_id)["state"] == jobs.State.RUNNING

        os.kill(pid, signal.SIGKILL)  # the pool process running the import, as the OOM killer would
        (tmp_path / "import.hold").unlink()

        _recover_until(
            "exchange.recover",
            lambda: _job(job_id, manager.municipality_id)["state"] == jobs.State.DONE,
            "the import to be resumed and done",
        )
    finally:
        worker.stop()
    job = _job(job_id, manager.municipality_id)
    assert job["counts"]["households"]["created"] == 2
    assert Household.objects.filter(municipality=manager.municipality).count() == 2  # once, all of it
    assert "Importen er ferdig" in client.get(reverse("exchange:import_job", args=[job_id])).content.decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_died_is_shown_failed_and_try_again_writes_it(
    tmp_path, client, manager, household
):
    app.control.purge()
    client.force_login(manager)
    # One run allowed: a worker dying in it fails the job, for the manager to try again.
    held = _worker(tmp_path, hold=True, JOB_MAX_ATTEMPTS="1").start()
    try:
        (tmp_path / "export.hold").touch()
        url = client.post(reverse("exchange:export"), {"format": "xlsx"}).url
        export_id = url.rstrip("/").rsplit("/", 1)[1]
        _held(tmp_path, "export")
        held.kill(signal.SIGKILL)  # the whole worker, as a host restart would
    finally:
        held.stop()
    (tmp_path / "export.hold").unlink()
    assert jobs.export_job_get(export_id, manager)["state"] == jobs.State.RUNNING

    fresh = _worker(tmp_path, JOB_MAX_ATTEMPTS="1").start()
    try:
        _recover_until(
            "exchange.recover",
            lambda: jobs.export_job_get(export_id, manager)["state"] == jobs.State.FAILED,
            "the export to be shown failed",
        )
        page = client.get(url).content.decode()
        assert "Eksporten stoppet" in page and "Prøv igjen" in page
        assert reverse("exchange:export_retry", args=[export_id]) in page

        client.post(reverse("exchange:export_retry", args=[export_id]))
        wait_for(lambda: jobs.export_job_get(export_id, manager)["state"] == jobs.State.DONE, timeout=60)
    finally:
        fresh.stop()
        _forget_unacknowledged()
    assert "Eksporten er klar" in client.get(url).content.decode()
    response = client.get(url + "file/")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_worker_died_is_rendered_by_the_next_within_the_bound_not_the_visibility_timeout(
    tmp_path,
):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] >= 15 * 60
    app.control.purge()
    municipality, manager = _data()
    held = _worker(tmp_path, hold=True).start()
    try:
        (tmp_path / "report.hold").touch()
        report = _request_report(municipality, manager)
        _held(tmp_path, "report")
        # A live render keeps its lease beyond its length (the heartbeat): recovery leaves it alone.
        time.sleep(5)  # two and a half leases
        assert (
            app.send_task("reports.tasks.funder_reports_recover", ignore_result=False).get(timeout=30)[
                "requeued"
            ]
            == 0
        )
        assert _status(report) == FunderReport.Status.RENDERING
        held.kill(signal.SIGKILL)
    finally:
        held.stop()
    (tmp_path / "report.hold").unlink()
    report.refresh_from_db()
    assert report.status == FunderReport.Status.RENDERING

    # The broker would deliver the task again only after its visibility timeout (20 minutes).
    fresh = _worker(tmp_path).start()
    try:
        _recover_until(
            "reports.tasks.funder_reports_recover",
            lambda: FunderReport.objects.get(pk=report.pk).status == FunderReport.Status.DONE,
            "the report to be rendered",
        )
    finally:
        fresh.stop()
        _forget_unacknowledged()
    report.refresh_from_db()
    assert report.sha256 and report.figures["figures"]["households_assisted"] == 3
    assert report.period_from == date(2025, 1, 1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_letter_whose_worker_died_is_made_by_the_next_within_the_bound_not_the_visibility_timeout(
    tmp_path, client, household, counsellor, manager
):
    app.control.purge()
    household.postal_address, household.postcode, household.post_town = "Storgata 1", "6002", "Ålesund"
    household.save()
    sender = household.municipality
    sender.postal_address, sender.postcode, sender.post_town = "Postboks 1", "6025", "Ålesund"
    sender.save()
    decision = decisions.decision_draft(
        household=household,
        person=PersonFactory(household=household),
        by=counsellor,
        outcome="refused",
        reasons="Husstanden har et trygt sted å bo.",
    )
    decisions.decision_submit(decision=decision, by=counsellor)
    held = _worker(tmp_path, hold=True).start()
    try:
        (tmp_path / "letter.hold").touch()
        decisions.decision_approve(decision=decision, by=manager)  # commits: queues the letter
        _held(tmp_path, "letter")
        letter = decision.letters.get()
        assert DecisionLetter.objects.get(pk=letter.pk).status == DecisionLetter.Status.RENDERING
        held.kill(signal.SIGKILL)  # the whole worker, as a host restart would
    finally:
        held.stop()
    (tmp_path / "letter.hold").unlink()

    # The broker would deliver the task again only after its visibility timeout (20 minutes).
    fresh = _worker(tmp_path).start()
    try:
        _recover_until(
            "cases.decision_letters_recover",
            lambda: DecisionLetter.objects.get(pk=letter.pk).status == DecisionLetter.Status.DONE,
            "the letter to be made",
        )
    finally:
        fresh.stop()
        _forget_unacknowledged()
    letter.refresh_from_db()
    assert letter.sha256 and letter.rendered_at and not letter.error
    client.force_login(counsellor)
    page = client.get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()
    assert "Last ned brevet (PDF)" in page
