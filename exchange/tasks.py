"""The spreadsheets from the browser: the import (check, then import) and the export. Thin: they take
the job id."""

from celery import shared_task

from exchange import jobs


@shared_task(name="exchange.import_check")
def import_check(job_id: str) -> None:
    """Check an uploaded file as a dry run. Safe to run twice: a checked job is left alone."""
    jobs.import_job_check(job_id)


@shared_task(name="exchange.import_run")
def import_run(job_id: str) -> None:
    """Import a checked and confirmed file. Safe to run twice: a job runs once."""
    jobs.import_job_run(job_id)


@shared_task(name="exchange.export_run")
def export_run(job_id: str) -> None:
    """Write a requested export. Safe to run twice: a job runs once."""
    jobs.export_job_run(job_id)


@shared_task(name="exchange.sweep")
def exchange_sweep() -> None:
    """Remove import uploads and export files older than a job lives."""
    jobs.files_sweep()


@shared_task(name="exchange.recover")
def exchange_recover() -> dict:
    """Every minute: queue again the imports and exports whose worker died, or mark them failed."""
    return jobs.jobs_recover()
