"""Imports and exports from the browser, each a Celery task.

An import: upload, check (a dry run), confirm, import. An export: the workbook is written by the
worker (for the largest municipality it takes over a minute, past any web server's timeout) and
downloaded by the manager who asked for it.

The state of a job lives in the cache (Redis when configured) for a few hours. The uploaded file lives
in the default storage under `imports/<job id>` (never the user's file name) only until the import has
run or been rejected; an export's file under `exports/<job id>` until the job expires. A sweep removes
any file left behind longer than a job lives.

A worker running a job holds its lease (boveileder.leases) and marks the job `running`; a job left
`running` without a lease lost its worker, and `jobs_recover` (beat, every minute) queues it again, or
after JOB_MAX_ATTEMPTS runs marks it failed with a «Try again» for the manager.
"""

import logging
import time
import traceback
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from boveileder.leases import (
    cached_keys,
    lease_attempts,
    lease_attempts_reset,
    lease_held,
    lease_kept,
    lease_take,
)
from boveileder.logging import redact
from boveileder.models import Municipality, User
from boveileder.queueing import queue_after_commit

from .export import export_rows, to_xlsx, to_zip
from .importer import cases_import
from .problems import ImportRejected
from .reader import read_bytes

logger = logging.getLogger(__name__)
JOB_SECONDS = 4 * 3600
MAX_LISTED = 2000  # problems kept for the page; the count is always the full number
FOLDER = "imports"
EXPORT_FOLDER = "exports"
EXPORT_FORMATS = {"xlsx": to_xlsx, "zip": to_zip}


class State:
    CHECKING = "checking"
    READY = "ready"  # checked, waiting for the manager to confirm
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    REJECTED = "rejected"
    FAILED = "failed"


WORKING = (State.CHECKING, State.QUEUED, State.RUNNING)


class Unavailable(Exception):
    """The cache the jobs live in (Redis, which is the workers' broker too) does not answer: a job could
    be neither kept nor run."""


def _key(job_id) -> str:
    return f"exchange-import:{job_id}"


def job_get(job_id, municipality_id) -> dict | None:
    """The job if it belongs to the municipality, else None (the view answers 404)."""
    job = cache.get(_key(job_id))
    if job is None or job["municipality_id"] != municipality_id:
        return None
    return job


def _save(job: dict) -> None:
    cache.set(_key(job["id"]), job, JOB_SECONDS)


def _update(job_id, **changes) -> dict | None:
    job = cache.get(_key(job_id))
    if job is not None:
        job.update(changes)
        _save(job)
    return job


def _drop_file(job: dict) -> None:
    if job.get("path") and default_storage.exists(job["path"]):
        default_storage.delete(job["path"])


def _sweep(folder=FOLDER) -> None:
    """Remove files older than a job lives: abandoned previews, exports nobody fetched."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder}/{name}"
        try:
            age = time.time() - default_storage.get_modified_time(path).timestamp()
        except (FileNotFoundError, OSError):
            continue
        if age > JOB_SECONDS:
            default_storage.delete(path)


def files_sweep() -> None:
    """Remove the uploads and exports older than a job lives (hourly, by beat)."""
    _sweep(FOLDER)
    _sweep(EXPORT_FOLDER)


def import_job_create(*, user: User, upload, suffix: str, language: str) -> str:
    """Keep the uploaded file and queue its check; returns the job id. Raises Unavailable (the file not
    kept) when the cache does not answer."""
    from exchange.tasks import import_check

    job_id = str(uuid.uuid4())
    path = default_storage.save(f"{FOLDER}/{job_id}{suffix}", upload)
    _save(
        {
            "id": job_id,
            "municipality_id": user.municipality_id,
            "user_id": user.pk,
            "language": language,
            "suffix": suffix,
            "path": path,
            "state": State.CHECKING,
            "done": 0,
            "total": 0,
            "problems": [],
            "problem_count": 0,
            "counts": {},
        }
    )
    if cache.get(_key(job_id)) is None:
        default_storage.delete(path)
        raise Unavailable
    queue_after_commit(import_check, job_id)
    return job_id


def import_job_confirm(*, job: dict) -> bool:
    """Queue the import of a checked file; False if the job is not waiting for a confirmation."""
    from exchange.tasks import import_run

    if job["state"] != State.READY:
        return False
    _update(job["id"], state=State.QUEUED, done=0)
    queue_after_commit(import_run, job["id"])
    return True


def _work(job_id: str, *, dry_run: bool) -> None:
    token = lease_take(_key(job_id))
    if token is None:
        return  # a live run has it
    with lease_kept(_key(job_id), token):
        _work_leased(job_id, dry_run=dry_run)


def _work_leased(job_id: str, *, dry_run: bool) -> None:
    job = cache.get(_key(job_id))
    # A job left running has lost its worker (this run holds the lease now): take it over.
    runnable = (State.CHECKING,) if dry_run else (State.QUEUED, State.RUNNING)
    if job is None or job["state"] not in runnable:
        return  # gone, or already done: safe to run twice
    job = _update(job_id, state=State.CHECKING if dry_run else State.RUNNING, running=True)
    with translation.override(job["language"]):
        try:
            if not default_storage.exists(job["path"]):
                raise FileNotFoundError
            with default_storage.open(job["path"], "rb") as f:
                data = f.read()
            municipality = Municipality.objects.get(pk=job["municipality_id"])
            by = User.objects.filter(pk=job["user_id"]).first()
            counts = cases_import(
                municipality=municipality,
                workbook=read_bytes(data, job["suffix"]),
                dry_run=dry_run,
                by=by,
                progress=lambda done, total: _update(job_id, done=done, total=total),
            )
        except ImportRejected as rejected:
            _drop_file(job)
            problems = [p.as_dict() for p in rejected.problems[:MAX_LISTED]]
            _update(
                job_id,
                state=State.REJECTED,
                running=False,
                problems=problems,
                problem_count=len(rejected.problems),
            )
            return
        except Exception:
            # The traceback may quote a cell: national ID numbers are taken out before it is logged.
            logger.error("import job %s failed:\n%s", job_id, redact(traceback.format_exc()))
            _drop_file(job)
            _update(job_id, state=State.FAILED, running=False)
            return
    if dry_run:
        _update(job_id, state=State.READY, running=False, counts=counts)
    else:
        _drop_file(job)
        _update(job_id, state=State.DONE, running=False, counts=counts)


def import_job_check(job_id: str) -> None:
    """Read and check the file as a dry run: the preview with every problem, or the counts."""
    _sweep()
    _work(job_id, dry_run=True)


def import_job_run(job_id: str) -> None:
    """Import the checked file for real, reporting progress; the file is removed afterwards."""
    _work(job_id, dry_run=False)


# --- exports -------------------------------------------------------------------------------------


def _export_key(job_id) -> str:
    return f"exchange-export:{job_id}"


def export_job_create(*, user: User, file_format: str, national_ids: bool) -> str:
    """Queue the export of the user's municipality; returns the job id. Raises Unavailable when the
    cache does not answer."""
    from exchange.tasks import export_run

    job_id = str(uuid.uuid4())
    cache.set(
        _export_key(job_id),
        {
            "id": job_id,
            "municipality_id": user.municipality_id,
            "user_id": user.pk,
            "format": file_format,
            "national_ids": national_ids,
            "filename": f"boveileder-{user.municipality.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}",
            "path": "",
            "state": State.QUEUED,
        },
        JOB_SECONDS,
    )
    if cache.get(_export_key(job_id)) is None:
        raise Unavailable
    queue_after_commit(export_run, job_id)
    return job_id


def export_job_get(job_id, user) -> dict | None:
    """The export if `user` asked for it, else None (the view answers 404): it may hold national IDs."""
    job = cache.get(_export_key(job_id))
    if job is None or job["user_id"] != user.pk or job["municipality_id"] != user.municipality_id:
        return None
    return job


def export_job_run(job_id: str) -> None:
    """Write the export to the default storage under `exports/<job id>` (the hourly sweep removes it).
    Safe to run twice."""
    token = lease_take(_export_key(job_id))
    if token is None:
        return  # a live run has it
    with lease_kept(_export_key(job_id), token):
        _export_leased(job_id)


def _export_leased(job_id: str) -> None:
    job = cache.get(_export_key(job_id))
    if job is None or job["state"] not in (State.QUEUED, State.RUNNING):
        return  # gone, or already done; one left running lost its worker: this run takes it over
    job["state"] = State.RUNNING
    job["running"] = True
    cache.set(_export_key(job_id), job, JOB_SECONDS)
    try:
        municipality = Municipality.objects.get(pk=job["municipality_id"])
        sheets = export_rows(municipality, national_ids=job["national_ids"])
        content = EXPORT_FORMATS[job["format"]](sheets)
        job["path"] = default_storage.save(f"{EXPORT_FOLDER}/{job_id}.{job['format']}", ContentFile(content))
        job["state"] = State.DONE
    except Exception:
        logger.error("export job %s failed:\n%s", job_id, redact(traceback.format_exc()))
        job["state"] = State.FAILED
    job["running"] = False
    cache.set(_export_key(job_id), job, JOB_SECONDS)


# --- recovery: a job whose worker died -----------------------------------------------------------


def _stalled(key: str) -> dict | None:
    """The job under `key` if a worker started it and lost it (running, no lease), else None."""
    job = cache.get(key)
    if job is None or not job.get("running") or lease_held(key):
        return None
    return job


def _import_requeue(job: dict) -> None:
    from exchange.tasks import import_check, import_run

    task = import_check if job["state"] == State.CHECKING else import_run
    state = State.CHECKING if job["state"] == State.CHECKING else State.QUEUED
    _update(job["id"], state=state, running=False, retry="")
    queue_after_commit(task, job["id"])


def _export_requeue(job: dict) -> None:
    from exchange.tasks import export_run

    job.update(state=State.QUEUED, running=False, retry="")
    cache.set(_export_key(job["id"]), job, JOB_SECONDS)
    queue_after_commit(export_run, job["id"])


def jobs_recover() -> dict:
    """Queue again every import and export whose worker died (its lease ran out), or after
    JOB_MAX_ATTEMPTS runs mark it failed with a «Try again». Returns how many of each."""
    from django.conf import settings

    done = {"requeued": 0, "failed": 0}
    for prefix, requeue in (("exchange-import:", _import_requeue), ("exchange-export:", _export_requeue)):
        for key in cached_keys(prefix):
            if key.count(":") != 1:
                continue  # not a job
            job = _stalled(key)
            if job is None:
                continue
            if lease_attempts(key) < settings.JOB_MAX_ATTEMPTS:
                requeue(job)
                done["requeued"] += 1
                continue
            logger.error("%s: its worker died %s times; marked failed", key, lease_attempts(key))
            job.update(state=State.FAILED, running=False, retry=job["state"])
            cache.set(key, job, JOB_SECONDS)
            done["failed"] += 1
    return done


def import_job_retry(*, job: dict) -> bool:
    """Run again an import whose worker died (the file is kept); False if it cannot be retried."""
    if job["state"] != State.FAILED or not job.get("retry") or not default_storage.exists(job["path"]):
        return False
    lease_attempts_reset(_key(job["id"]))
    _import_requeue({**job, "state": job["retry"]})
    return True


def export_job_retry(*, job: dict) -> bool:
    """Write again an export that failed; False if it has not failed."""
    if job["state"] != State.FAILED:
        return False
    lease_attempts_reset(_export_key(job["id"]))
    _export_requeue(job)
    return True
