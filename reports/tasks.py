"""Celery tasks of the reports: thin, taking ids, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from reports.periods import Quarter


@shared_task(acks_late=True, reject_on_worker_lost=True)
def funder_report_render(report_id: int) -> None:
    """Render one queued funder report (a report already done is left alone)."""
    from reports.services.funder_reports import funder_report_render as render

    render(report_id=report_id)


@shared_task
def funder_reports_recover() -> dict:
    """Every minute: queue again the reports whose worker died while rendering, or mark them failed."""
    from reports.services.funder_reports import funder_reports_recover as recover

    return recover()


@shared_task
def funder_reports_draft_last_quarter() -> int:
    """At the start of a quarter: draft last quarter's reports for every municipality, once."""
    from reports.services.funder_reports import funder_reports_draft

    quarter = Quarter.containing(timezone.localdate()).previous()
    return len(funder_reports_draft(quarter=quarter))


@shared_task(ignore_result=True)
def dashboard_refresh(municipality_id: int) -> bool:
    """After a change: the municipality's dashboard computed again into the cache."""
    from reports.dashboard import dashboard_refresh as refresh

    return refresh(municipality_id)
