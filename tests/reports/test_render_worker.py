"""A real Celery worker renders a funder report; pdftotext finds the figures in it."""

from datetime import date

import pytest

from reports.models import FunderReport
from reports.services.funder_reports import funder_report_bytes, funder_report_request
from tests.factories import FollowUpFactory, HouseholdFactory, PersonFactory, TenancyFactory
from tests.services import pdftotext, wait_for


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_report_once(celery_worker_process, municipality, manager):
    for n in range(7):
        household = HouseholdFactory(municipality=municipality)
        PersonFactory(household=household, birth_date=date(1980, 1, 1))
        PersonFactory(household=household, birth_date=date(2016, 1, 1))
        FollowUpFactory(household=household, date=date(2026, 2, n + 1), minutes=60)
    TenancyFactory(
        household=household,
        start_date=date(2021, 1, 1),
        moved_out_on=date(2026, 3, 2),
        move_out_reason="bought",
    )
    report = funder_report_request(
        municipality=municipality,
        funder="statsforvalteren",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        by=manager,
    )
    wait_for(
        lambda: FunderReport.objects.get(pk=report.pk).status in ("done", "failed"),
        timeout=120,
        message="the worker to render the report",
    )
    report.refresh_from_db()
    assert report.status == "done", report.error + celery_worker_process.log()[-3000:]
    assert report.figures["figures"]["households_assisted"] == 7
    text = pdftotext(funder_report_bytes(report))
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert "Husstander som har fått oppfølging 7" in lines
    assert "Personer som har fått oppfølging 14" in lines
    assert "Barn som har fått oppfølging 7" in lines
    assert "Timer oppfølging 7,0" in lines
    assert "Husstander som kjøpte egen bolig 1" in lines
