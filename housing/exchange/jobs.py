"""An import from the browser: upload, check (a dry run), confirm, import; each step a Celery task.

The state of a job lives in the cache (Redis when configured) for a few hours; the uploaded file lives
in the default storage under `imports/<job id>` (never the user's file name) only until the import has
run or been rejected, and a sweep removes any file left behind longer than the job lives.
"""

import logging
import time
import traceback
import uuid

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from boveileder.logging import redact
from boveileder.models import Municipality, User

from .importer import cases_import
from .problems import ImportRejected
from .reader import read_bytes

logger = logging.getLogger(__name__)
JOB_SECONDS = 4 * 3600
MAX_LISTED = 2000  # problems kept for the page; the count is always the full number
FOLDER = "imports"


class State:
    CHECKING = "checking"
    READY = "ready"  # checked, waiting for the manager to confirm
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    REJECTED = "rejected"
    FAILED = "failed"


WORKING = (State.CHECKING, State.QUEUED, State.RUNNING)


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


def _sweep() -> None:
    """Remove upload files older than a job lives: abandoned previews."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            age = time.time() - default_storage.get_modified_time(path).timestamp()
        except (FileNotFoundError, OSError):
            continue
        if age > JOB_SECONDS:
            default_storage.delete(path)


def import_job_create(*, user: User, upload, suffix: str, language: str) -> str:
    """Keep the uploaded file and queue its check; returns the job id."""
    from housing.tasks.exchange import import_check

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
    transaction.on_commit(lambda: import_check.delay(job_id))
    return job_id


def import_job_confirm(*, job: dict) -> bool:
    """Queue the import of a checked file; False if the job is not waiting for a confirmation."""
    from housing.tasks.exchange import import_run

    if job["state"] != State.READY:
        return False
    _update(job["id"], state=State.QUEUED, done=0)
    transaction.on_commit(lambda: import_run.delay(job["id"]))
    return True


def _work(job_id: str, *, dry_run: bool) -> None:
    job = cache.get(_key(job_id))
    expected = State.CHECKING if dry_run else State.QUEUED
    if job is None or job["state"] != expected:
        return  # gone, or already done: safe to run twice
    if not dry_run:
        if not cache.add(f"{_key(job_id)}:lock", 1, JOB_SECONDS):
            return
        job = _update(job_id, state=State.RUNNING)
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
            _update(job_id, state=State.REJECTED, problems=problems, problem_count=len(rejected.problems))
            return
        except Exception:
            # The traceback may quote a cell: national ID numbers are taken out before it is logged.
            logger.error("import job %s failed:\n%s", job_id, redact(traceback.format_exc()))
            _drop_file(job)
            _update(job_id, state=State.FAILED)
            return
    if dry_run:
        _update(job_id, state=State.READY, counts=counts)
    else:
        _drop_file(job)
        _update(job_id, state=State.DONE, counts=counts)


def import_job_check(job_id: str) -> None:
    """Read and check the file as a dry run: the preview with every problem, or the counts."""
    _sweep()
    _work(job_id, dry_run=True)


def import_job_run(job_id: str) -> None:
    """Import the checked file for real, reporting progress; the file is removed afterwards."""
    _work(job_id, dry_run=False)
