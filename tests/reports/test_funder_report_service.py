"""Rendering a funder report: once, kept byte for byte, aggregates only."""

from datetime import date

import pytest

from reports.models import FunderReport, FundingGrant, ReportNarrative
from reports.periods import Quarter
from reports.services import funder_reports
from tests.factories import FollowUpFactory, HouseholdFactory, PersonFactory, TenancyFactory
from tests.services import pdftotext

Q1 = Quarter(2026, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def activity(municipality):
    municipality.project_start = date(2025, 7, 1)
    municipality.save()
    for n in range(3):
        household = HouseholdFactory(municipality=municipality)
        PersonFactory(
            household=household, first_name="Ingrid", last_name=f"Testesen{n}", birth_date=date(1980, 1, 1)
        )
        PersonFactory(
            household=household, first_name="Sol", last_name=f"Barnesen{n}", birth_date=date(2015, 5, 5)
        )
        FollowUpFactory(household=household, date=date(2026, 2, 2), minutes=90)
        FollowUpFactory(household=household, date=date(2025, 9, 1), minutes=30)
    TenancyFactory(
        household=household,
        start_date=date(2022, 1, 1),
        moved_out_on=date(2026, 3, 1),
        move_out_reason="bought",
    )
    FundingGrant.objects.create(
        municipality=municipality,
        funder="husbanken",
        amount_nok=193_000,
        period_from=date(2025, 7, 1),
        period_to=date(2026, 12, 31),
        purpose="Kompetansetilskudd boveiledning",
    )
    ReportNarrative.objects.create(
        municipality=municipality,
        funder="husbanken",
        period_from=Q1.first,
        period_to=Q1.last,
        goal_attainment="Målene for kvartalet er nådd.",
    )


def request(municipality, manager, funder="husbanken", capture=None):
    """Request a report and do what the worker does with the task queued after commit."""
    with capture() as queued:
        report = funder_reports.funder_report_request(
            municipality=municipality, funder=funder, period_from=Q1.first, period_to=Q1.last, by=manager
        )
    assert len(queued) == 1
    funder_reports.funder_report_render(report_id=report.pk)
    return report


def test_a_requested_report_renders_a_pdf_with_the_figures(
    activity, municipality, manager, django_capture_on_commit_callbacks
):
    report = request(municipality, manager, capture=django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == FunderReport.Status.DONE, report.error
    assert report.figures["figures"]["households_assisted"] == 3
    assert report.figures["figures"]["persons_assisted"] == 6
    assert report.figures["cumulative"]["followups"] == 6
    data = funder_reports.funder_report_bytes(report)
    assert data.startswith(b"%PDF")
    text = pdftotext(data)
    assert "Rapport til Husbanken" in text
    assert "Husstander som har fått oppfølging" in text
    assert "Målene for kvartalet er nådd." in text
    assert "193\xa0000" in text or "193 000" in text
    assert "Vedlegg: definisjoner" in text
    # Aggregates only.
    assert "Testesen" not in text and "Ingrid" not in text and "H-" not in text


def test_statsforvalteren_report_has_the_follow_up_sections(
    activity, municipality, manager, django_capture_on_commit_callbacks
):
    report = request(
        municipality, manager, funder="statsforvalteren", capture=django_capture_on_commit_callbacks
    )
    report.refresh_from_db()
    text = pdftotext(funder_reports.funder_report_bytes(report))
    assert "Rapport til Statsforvalteren" in text
    assert "Kontakter og timer etter type" in text
    assert "Hjemmebesøk" in text
    assert "Hvor husstandene bodde ved oppstart" in text


def test_rendering_twice_keeps_one_file_and_the_same_bytes(activity, municipality, manager, media):
    report = funder_reports.funder_report_request(
        municipality=municipality, funder="husbanken", period_from=Q1.first, period_to=Q1.last, by=manager
    )
    funder_reports.funder_report_render(report_id=report.pk)
    report.refresh_from_db()
    first = funder_reports.funder_report_bytes(report)
    # A second delivery, and a delivery after a crash that left the report «rendering».
    funder_reports.funder_report_render(report_id=report.pk)
    report.refresh_from_db()
    assert funder_reports.funder_report_bytes(report) == first
    FunderReport.objects.filter(pk=report.pk).update(status=FunderReport.Status.RENDERING)
    funder_reports.funder_report_render(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == FunderReport.Status.DONE
    assert len(list(media.rglob("*.pdf"))) == 1


def test_the_archived_report_is_the_same_after_the_data_changes(activity, municipality, manager):
    report = funder_reports.funder_report_request(
        municipality=municipality, funder="husbanken", period_from=Q1.first, period_to=Q1.last, by=manager
    )
    funder_reports.funder_report_render(report_id=report.pk)
    report.refresh_from_db()
    before, figures = funder_reports.funder_report_bytes(report), report.figures
    FollowUpFactory(household=HouseholdFactory(municipality=municipality), date=date(2026, 3, 3))
    report.refresh_from_db()
    assert funder_reports.funder_report_bytes(report) == before
    assert report.figures == figures


def test_drafting_last_quarter_is_idempotent(
    municipality, other_municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        drafted = funder_reports.funder_reports_draft(quarter=Q1)
    assert len(drafted) == len(queued) == 4  # two municipalities, two funders, each queued for rendering
    assert {(r.period_from, r.period_to, r.requested_by) for r in drafted} == {(Q1.first, Q1.last, None)}
    with django_capture_on_commit_callbacks() as queued_again:
        assert funder_reports.funder_reports_draft(quarter=Q1) == []
    assert queued_again == []
    assert FunderReport.objects.count() == 4


def test_the_tasks_are_thin_and_named_as_the_beat_schedule_says(municipality, manager, settings):
    from reports import tasks

    assert tasks.funder_report_render.name == "reports.tasks.funder_report_render"
    entry = settings.CELERY_BEAT_SCHEDULE["reports-draft-last-quarter"]
    assert entry["task"] == tasks.funder_reports_draft_last_quarter.name
    assert tasks.funder_reports_draft_last_quarter.apply().get() == 2  # one municipality, two funders
    assert tasks.funder_reports_draft_last_quarter.apply().get() == 0
    report = FunderReport.objects.first()
    tasks.funder_report_render.apply(args=[report.pk]).get()
    report.refresh_from_db()
    done_at, digest = report.finished_at, report.sha256
    tasks.funder_report_render.apply(args=[report.pk]).get()  # a second delivery: left alone
    report.refresh_from_db()
    assert (report.status, report.finished_at, report.sha256) == (FunderReport.Status.DONE, done_at, digest)
