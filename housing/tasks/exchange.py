"""The spreadsheet import from the browser: check, then import. Thin: they take the job id."""

from celery import shared_task

from housing.exchange import jobs


@shared_task(name="housing.exchange_import_check")
def import_check(job_id: str) -> None:
    """Check an uploaded file as a dry run. Safe to run twice: a checked job is left alone."""
    jobs.import_job_check(job_id)


@shared_task(name="housing.exchange_import_run")
def import_run(job_id: str) -> None:
    """Import a checked and confirmed file. Safe to run twice: a job runs once."""
    jobs.import_job_run(job_id)
