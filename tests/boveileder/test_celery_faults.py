"""Celery that loses nothing, proven with a real worker and Redis: a worker killed while rendering a
report leaves it to the next worker, which finishes it once; the same task delivered twice makes
one report; tasks queued in a Redis that restarts all run; the flag job run twice at once raises no
duplicates. Redelivery is shortened through the environment so this takes seconds, not 20 minutes."""

import ast
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from boveileder.celery import app
from reports.models import FunderReport
from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
    TenancyFactory,
)
from tests.services import CeleryWorker, wait_for

HOOKS = Path(__file__).resolve().parent / "fault_hooks"
# Redeliver a dead worker's task 3 seconds after delivery, sweeping every second; the dead run's
# lease (boveileder.leases) runs out after 2 seconds, before that, as 60 seconds do before 20 minutes.
FAST_REDELIVERY = {
    "JOB_LEASE_SECONDS": "2",
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}

services = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


# --- the configuration (no services needed) ------------------------------------------------------


def test_tasks_are_acknowledged_late_rejected_on_worker_loss_and_time_limited():
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_soft_time_limit < conf.task_time_limit
    # A task must never outlive its visibility timeout, or a running task would be delivered again.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > conf.task_time_limit


def _queued_outside_on_commit(source: str) -> list[int]:
    """Lines that queue a task (`.delay`, `.apply_async`, `.send_task`) other than inside a lambda or
    a function handed to `transaction.on_commit`."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def is_on_commit(node):
        return (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "on_commit"
        )

    handed_over = {
        arg.id
        for node in ast.walk(tree)
        if is_on_commit(node)
        for arg in node.args
        if isinstance(arg, ast.Name)
    }
    lines = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") in ("delay", "apply_async", "send_task")
        ):
            continue
        scope = parents.get(node)
        while scope is not None:
            if isinstance(scope, ast.Lambda) and is_on_commit(parents.get(scope)):
                break
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) and scope.name in handed_over:
                break
            scope = parents.get(scope)
        if scope is None:
            lines.append(node.lineno)
    return lines


def test_every_task_in_the_apps_is_queued_after_commit():
    """A task queued inside a transaction could run before its rows exist, or for rows rolled back."""
    root = Path(settings.BASE_DIR)
    outside = []
    for app_dir in ("boveileder", "cases", "housing", "reports", "dispatch"):
        for path in (root / app_dir).rglob("*.py"):
            outside += [f"{path.relative_to(root)}:{n}" for n in _queued_outside_on_commit(path.read_text())]
    assert not outside, f"queued outside transaction.on_commit: {outside}"
    # The check itself tells the two apart.
    assert _queued_outside_on_commit("task.delay(1)") == [1]
    assert _queued_outside_on_commit("transaction.on_commit(lambda: task.delay(1))") == []
    assert _queued_outside_on_commit("def send():\n    task.delay(1)\ntransaction.on_commit(send)") == []


def test_redis_keeps_queued_tasks_on_disk_in_the_full_stack():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    assert '"--appendonly", "yes"' in compose


# --- helpers ---------------------------------------------------------------------------------------


def _data():
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    manager = ManagerFactory(municipality=municipality)
    for _ in range(3):
        household = HouseholdFactory(municipality=municipality)
        PersonFactory(household=household, with_national_id=True)
        FollowUpFactory(household=household, date=date(2025, 2, 10), minutes=60)
    return municipality, manager


def _request_report(municipality, manager) -> FunderReport:
    from reports.services.funder_reports import funder_report_request

    with transaction.atomic():
        return funder_report_request(
            municipality=municipality,
            funder="husbanken",
            period_from=date(2025, 1, 1),
            period_to=date(2025, 3, 31),
            by=manager,
        )


def _status(report) -> str:
    return FunderReport.objects.values_list("status", flat=True).get(pk=report.pk)


def _files_of(report) -> list[Path]:
    report.refresh_from_db()
    folder = Path(settings.MEDIA_ROOT) / "reports" / f"{report.requested_at:%Y}"
    return sorted(folder.glob(f"funder-report-{report.pk}-{report.requested_at:%Y%m%d%H%M%S%f}*.pdf"))


def _worker(tmp_path, **env) -> CeleryWorker:
    return CeleryWorker(tmp_path, extra_env={**FAST_REDELIVERY, **env})


# --- faults ----------------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_rendering_a_report_leaves_it_to_the_next_one_which_finishes_it_once(
    tmp_path,
):
    app.control.purge()
    municipality, manager = _data()
    slow = _worker(
        tmp_path,
        PYTHONPATH=os.pathsep.join(filter(None, [str(HOOKS), os.environ.get("PYTHONPATH")])),
        BOVEILEDER_TEST_SLOW_RENDER="60",
    ).start()
    try:
        report = _request_report(municipality, manager)
        wait_for(lambda: _status(report) == FunderReport.Status.RENDERING, timeout=30, message="rendering")
        time.sleep(0.5)
        slow.kill(signal.SIGKILL)  # the whole worker, main process and pool child, as a crash would
    finally:
        slow.stop()
    assert _status(report) == FunderReport.Status.RENDERING
    assert _files_of(report) == []

    fresh = _worker(tmp_path).start()
    try:
        wait_for(lambda: _status(report) == FunderReport.Status.DONE, timeout=90, message="report done")
        time.sleep(4)  # past another visibility timeout: nothing is delivered a third time
    finally:
        fresh.stop()
    report.refresh_from_db()
    files = _files_of(report)
    assert len(files) == 1
    assert report.pdf.name.endswith(files[0].name)
    assert "reports.tasks.funder_report_render" in fresh.log()  # the next worker did it
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == report.sha256
    assert report.figures["figures"]["households_assisted"] == 3


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_render_task_delivered_twice_makes_one_report(tmp_path):
    from reports.tasks import funder_report_render

    app.control.purge()
    municipality, manager = _data()
    report = FunderReport.objects.create(
        municipality=municipality,
        funder="husbanken",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 3, 31),
        requested_by=manager,
    )
    worker = CeleryWorker(tmp_path, concurrency=2).start()
    try:
        results = [funder_report_render.apply_async([report.pk], ignore_result=False) for _ in range(2)]
        for result in results:
            result.get(timeout=90)
    finally:
        worker.stop()
    report.refresh_from_db()
    assert report.status == FunderReport.Status.DONE
    assert FunderReport.objects.count() == 1
    files = _files_of(report)
    assert len(files) == 1 and report.pdf.name.endswith(files[0].name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, never the shared one: restarted at will."""

    def __init__(self, folder: Path, *, appendonly: bool):
        self.folder, self.port, self.appendonly = folder, _free_port(), appendonly
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        options = ["--appendonly", "yes", "--appendfsync", "everysec"] if self.appendonly else []
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
            + ["--save", ""]
            + options,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self.cli("ping") == "PONG", timeout=20, message="redis up")
        return self

    def cli(self, *args) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout.strip()

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # as `docker compose restart` does: SIGTERM
            self.process.wait(timeout=20)


needs_redis_server = pytest.mark.skipif(
    not (shutil.which("redis-server") and shutil.which("redis-cli")), reason="needs redis-server"
)


def _queue_pings(broker_url: str, n: int) -> list[str]:
    from kombu import Connection

    with Connection(broker_url) as connection:
        return [
            app.send_task("boveileder.tasks.ping_database", connection=connection, ignore_result=False).id
            for _ in range(n)
        ]


@pytest.mark.services
@needs_redis_server
@pytest.mark.django_db(transaction=True)
def test_tasks_queued_in_redis_survive_its_restart_and_all_run(tmp_path):
    redis = PrivateRedis(tmp_path, appendonly=True).start()
    try:
        task_ids = _queue_pings(redis.url, 5)
        assert redis.cli("llen", "celery") == "5"
        redis.restart()
        assert redis.cli("llen", "celery") == "5"
        # The worker takes its tasks from the restarted Redis; results go to the usual one.
        worker = CeleryWorker(tmp_path, extra_env={"CELERY_BROKER_URL": redis.url}).start()
        try:
            assert [app.AsyncResult(task_id).get(timeout=60) for task_id in task_ids] == ["ok"] * 5
        finally:
            worker.stop()
    finally:
        redis.stop()


@pytest.mark.services
@needs_redis_server
def test_without_persistence_a_restart_would_lose_them(tmp_path):
    """The control: the append-only file is what keeps them (docker-compose.yml turns it on)."""
    redis = PrivateRedis(tmp_path, appendonly=False).start()
    try:
        _queue_pings(redis.url, 3)
        assert redis.cli("llen", "celery") == "3"
        redis.restart()
        assert redis.cli("llen", "celery") == "0"
    finally:
        redis.stop()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_flag_job_run_twice_at_once_raises_each_flag_once(tmp_path):
    from housing.models import LongTenureFlag

    app.control.purge()
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    as_of = date(2026, 6, 1)
    for n in range(30):
        TenancyFactory(
            household=HouseholdFactory(municipality=municipality),
            start_date=as_of - timedelta(days=4 * 365 + n),
            contract_end_date=as_of + timedelta(days=400),
        )
    worker = CeleryWorker(tmp_path, concurrency=2).start()
    try:
        runs = [
            app.send_task("housing.flags_raise_nightly", args=[as_of.isoformat()], ignore_result=False)
            for _ in range(2)
        ]
        raised = [run.get(timeout=60) for run in runs]
    finally:
        worker.stop()
    assert sorted(raised) == [0, 30]
    flags = LongTenureFlag.objects.filter(municipality=municipality)
    assert flags.count() == 30
    assert flags.values("tenancy").distinct().count() == 30
