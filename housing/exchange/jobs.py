"""Imports and exports from the browser, each a Celery task.

An import: upload, check (a dry run), confirm, import. An export: the workbook is written by the
worker (for the largest municipality it takes over a minute, past any web server's timeout) and
downloaded by the manager who asked for it.

The state of a job lives in the cache (Redis when configured) for a few hours. The uploaded file lives
in the default storage under `imports/<job id>` (never the user's file name) only until the import has
run or been rejected; an export's file under `exports/<job id>` until the job expires. A sweep removes
any file left behind longer than a job lives.
"""

import logging
import time
import traceback
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from boveileder.logging import redact
from boveileder.models import Municipality, User

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


# --- exports -------------------------------------------------------------------------------------


def _export_key(job_id) -> str:
    return f"exchange-export:{job_id}"


def export_job_create(*, user: User, file_format: str, national_ids: bool) -> str:
    """Queue the export of the user's municipality; returns the job id."""
    from housing.tasks.exchange import export_run

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
    transaction.on_commit(lambda: export_run.delay(job_id))
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
    job = cache.get(_export_key(job_id))
    if (
        job is None
        or job["state"] != State.QUEUED
        or not cache.add(f"{_export_key(job_id)}:lock", 1, JOB_SECONDS)
    ):
        return
    job["state"] = State.RUNNING
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
    cache.set(_export_key(job_id), job, JOB_SECONDS)
