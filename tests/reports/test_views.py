"""The manager's report pages: persona checks, pinned query counts, forms and downloads."""

import hashlib
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports.models import FunderReport, FundingGrant, ReportNarrative
from reports.periods import Quarter
from reports.services import funder_reports
from tests.factories import FollowUpFactory, HouseholdFactory, PersonFactory, TenancyFactory
from tests.reports.dashboard_reading import figure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def grant(municipality):
    return FundingGrant.objects.create(
        municipality=municipality,
        funder="husbanken",
        amount_nok=193_000,
        period_from=date(2026, 1, 1),
        period_to=date(2026, 12, 31),
        purpose="Kompetansetilskudd",
    )


@pytest.fixture
def report(municipality, manager):
    report = funder_reports.funder_report_request(
        municipality=municipality,
        funder="husbanken",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        by=manager,
    )
    funder_reports.funder_report_render(report_id=report.pk)
    report.refresh_from_db()
    return report


def urls(report, grant):
    return {
        "reports:dashboard": ([], "get"),
        "reports:records": (["followups"], "get"),
        "reports:data_quality": ([], "get"),
        "reports:generate": ([], "form"),
        "reports:archive": ([], "get"),
        "reports:report_detail": ([report.pk], "get"),
        "reports:report_status": ([report.pk], "get"),
        "reports:download": ([report.pk], "get"),
        "reports:narrative": ([], "form"),
        "reports:grant_list": ([], "get"),
        "reports:grant_create": ([], "form"),
        "reports:grant_detail": ([grant.pk], "get"),
        "reports:grant_edit": ([grant.pk], "form"),
    }


def test_persona_checks_for_every_page(
    client, client_for, report, grant, manager, counsellor, officer, other_manager
):
    for name, (args, kind) in urls(report, grant).items():
        url = reverse(name, args=args)
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name
        assert client_for(manager).get(url).status_code == 200, name
        assert client_for(manager).generic("PUT" if kind == "form" else "POST", url).status_code == 405, name
        for user in (counsellor, officer):
            assert client_for(user).get(url).status_code == 403, name
        expected = 404 if args and name != "reports:records" else 200
        assert client_for(other_manager).get(url).status_code == expected, name


def test_an_unknown_figure_is_404(client_for, manager):
    assert client_for(manager).get(reverse("reports:records", args=["nonsense"])).status_code == 404


def test_dashboard_shows_the_figures_of_the_quarter_and_links_to_the_records(
    client_for, manager, municipality
):
    household = HouseholdFactory(municipality=municipality, reference="H-TEST-1")
    FollowUpFactory(household=household, date=timezone.localdate(), minutes=30)
    page = client_for(manager).get(reverse("reports:dashboard")).content.decode()
    assert "Husstander som har fått oppfølging" in page
    this_quarter = Quarter.containing(timezone.localdate())
    records_url = reverse("reports:records", args=["households_assisted"]) + f"?period={this_quarter}"
    assert records_url in page
    records = client_for(manager).get(records_url).content.decode()
    assert "H-TEST-1" in records
    assert reverse("cases:household_detail", args=[household.pk]) in records


def make_followups(municipality, n):
    for _ in range(n):
        FollowUpFactory(household=HouseholdFactory(municipality=municipality), date=timezone.localdate())


def test_record_list_queries_do_not_grow(client_for, manager, municipality, django_assert_num_queries):
    client = client_for(manager)
    url = reverse("reports:records", args=["followups"]) + f"?period={timezone.localdate().year}"
    make_followups(municipality, 1)
    client.get(url)
    with django_assert_num_queries(4) as one:
        client.get(url)
    make_followups(municipality, 19)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url).content.decode().count("/cases/households/") == 20


def test_dashboard_and_quality_queries_do_not_grow(
    client_for, manager, municipality, django_assert_num_queries
):
    client = client_for(manager)
    make_followups(municipality, 1)
    client.get(reverse("reports:records", args=["followups"]))  # the session settles
    # One of them lists the decisions waiting for the manager, however many there are.
    # 24 before rotation: each of the two periods adds three (let on its first and last day, the median).
    # On PostgreSQL each period's figures are one statement (reports.figures_sql): 12 in all.
    # The year: a view computed on the spot after a change (the background computes this quarter's).
    year = {"year": str(timezone.localdate().year)}
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 29) as computed:
        client.get(reverse("reports:dashboard"), year)
    with django_assert_num_queries(4):  # the figures come from the cache until the records change
        client.get(reverse("reports:dashboard"), year)
    with django_assert_num_queries(7) as quality:
        client.get(reverse("reports:data_quality"))
    make_followups(municipality, 19)
    with django_assert_num_queries(len(computed.captured_queries)):
        response = client.get(reverse("reports:dashboard"), year)
    assert response.context["rows"][0]["value"] == "20"
    with django_assert_num_queries(len(quality.captured_queries)):
        client.get(reverse("reports:data_quality"))


def test_dashboard_figures_follow_every_change_of_the_records(
    client_for, manager, municipality, counsellor, household
):
    """The cached figures are recomputed whenever a record behind them is saved or deleted."""
    from cases.services.followups import followup_log

    client = client_for(manager)
    assert figure(client, "followups") == "0"
    followup_log(household=household, by=counsellor, date=timezone.localdate(), kind="home_visit", minutes=60)
    assert figure(client, "followups") == "1"
    assert figure(client, "followup_hours") == "1,0"
    household.followups.get().delete()
    assert figure(client, "followups") == "0"


def test_another_municipality_s_changes_keep_the_cache(
    client_for, manager, municipality, other_municipality, django_assert_num_queries
):
    client = client_for(manager)
    client.get(reverse("reports:dashboard"))
    make_followups(other_municipality, 3)
    with django_assert_num_queries(4):
        client.get(reverse("reports:dashboard"))


def test_the_manager_can_have_the_figures_computed_again(client_for, manager, municipality):
    client = client_for(manager)
    first = client.get(reverse("reports:dashboard")).context["computed_at"]
    response = client.get(reverse("reports:dashboard"), {"recompute": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:dashboard")
    assert client.get(reverse("reports:dashboard")).context["computed_at"] > first


def test_a_record_reaches_its_municipality_through_its_household_and_decision(
    municipality, household, counsellor, django_assert_num_queries
):
    from boveileder.changes import generation
    from cases.models import Appeal, Decision
    from reports.signals import municipality_of

    person = PersonFactory(household=household, municipality=municipality)
    decision = Decision.objects.create(household=household, person=person, drafted_by=counsellor)
    before = generation(municipality.pk)
    appeal = Appeal.objects.create(decision=decision, received_on=timezone.localdate(), within_deadline=True)
    assert generation(municipality.pk) != before
    fetched = Appeal.objects.get(pk=appeal.pk)
    with django_assert_num_queries(2):  # a record without its relations loaded: one query per step
        assert municipality_of(fetched) == municipality.pk
    with django_assert_num_queries(0):
        assert municipality_of(appeal) == municipality.pk


def test_archive_and_grant_list_queries_do_not_grow(
    client_for, manager, municipality, report, grant, django_assert_num_queries
):
    client = client_for(manager)
    with django_assert_num_queries(4) as archive:
        client.get(reverse("reports:archive"))
    with django_assert_num_queries(3) as grants:
        client.get(reverse("reports:grant_list"))
    for _ in range(19):
        FunderReport.objects.create(
            municipality=municipality,
            funder="husbanken",
            period_from=date(2026, 1, 1),
            period_to=date(2026, 3, 31),
            requested_by=manager,
        )
        FundingGrant.objects.create(
            municipality=municipality,
            funder="statsforvalteren",
            amount_nok=1,
            period_from=date(2026, 1, 1),
            period_to=date(2026, 2, 1),
            purpose="x",
        )
    with django_assert_num_queries(len(archive.captured_queries)):
        assert client.get(reverse("reports:archive")).content.decode().count("archive/") >= 20
    with django_assert_num_queries(len(grants.captured_queries)):
        client.get(reverse("reports:grant_list"))


def test_generate_queues_a_report_and_the_detail_page_shows_it_done(
    client_for, manager, municipality, django_capture_on_commit_callbacks
):
    client = client_for(manager)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("reports:generate"), {"funder": "statsforvalteren", "quarter": "2026Q1"}
        )
    report = FunderReport.objects.get()
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    assert report.requested_by == manager and report.period_to == date(2026, 3, 31)
    assert len(queued) == 1 and report.status == FunderReport.Status.QUEUED
    funder_reports.funder_report_render(report_id=report.pk)  # what the worker does
    page = client.get(response.url).content.decode()
    assert "Rapporten er klar." in page and "hx-get" not in page
    assert reverse("reports:download", args=[report.pk]) in page


def test_a_running_report_page_polls_its_status(client_for, manager, municipality):
    report = FunderReport.objects.create(
        municipality=municipality,
        funder="husbanken",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
    )
    page = client_for(manager).get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert f'hx-get="{reverse("reports:report_status", args=[report.pk])}"' in page
    assert 'hx-trigger="every 1s"' in page
    fragment = client_for(manager).get(
        reverse("reports:report_status", args=[report.pk]), HTTP_HX_REQUEST="true"
    )
    assert "<html" not in fragment.content.decode() and "I kø" in fragment.content.decode()
    assert "HX-Refresh" not in fragment
    assert client_for(manager).get(reverse("reports:download", args=[report.pk])).status_code == 404
    # When it is done, the last poll reloads the page so the figures show beside the download.
    report.status = FunderReport.Status.DONE
    report.save()
    fragment = client_for(manager).get(
        reverse("reports:report_status", args=[report.pk]), HTTP_HX_REQUEST="true"
    )
    assert fragment["HX-Refresh"] == "true"


def test_generate_with_bad_input_says_so(client_for, manager):
    response = client_for(manager).post(reverse("reports:generate"), {"funder": "nav", "quarter": "2026Q1"})
    assert response.status_code == 200
    assert "Velg et gyldig valg" in response.content.decode()
    assert FunderReport.objects.count() == 0


def test_download_gives_the_same_bytes_after_the_data_changes(client_for, manager, municipality, report):
    client = client_for(manager)
    first = client.get(reverse("reports:download", args=[report.pk]))
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == 'attachment; filename="husbanken-alesund-2026Q1.pdf"'
    household = HouseholdFactory(municipality=municipality)
    PersonFactory(household=household)
    FollowUpFactory(household=household, date=date(2026, 2, 2))
    TenancyFactory(
        household=household,
        start_date=date(2020, 1, 1),
        moved_out_on=date(2026, 3, 1),
        move_out_reason="bought",
    )
    again = client.get(reverse("reports:download", args=[report.pk]))
    assert again.content == first.content
    assert hashlib.sha256(again.content).hexdigest() == report.sha256


def test_narrative_is_saved_for_funder_and_quarter_and_taken_by_the_next_report(
    client_for, manager, municipality
):
    client = client_for(manager)
    url = reverse("reports:narrative") + "?funder=statsforvalteren&quarter=2026Q1"
    assert client.get(url).status_code == 200
    response = client.post(url, {"goal_attainment": "Vi nådde målene.", "challenges": "Få boliger."})
    assert response.status_code == 302
    narrative = ReportNarrative.objects.get()
    assert (narrative.funder, narrative.period_from, narrative.updated_by) == (
        "statsforvalteren",
        date(2026, 1, 1),
        manager,
    )
    assert "Vi nådde målene." in client.get(url).content.decode()
    report = funder_reports.funder_report_request(
        municipality=municipality,
        funder="statsforvalteren",
        period_from=Quarter(2026, 1).first,
        period_to=Quarter(2026, 1).last,
        by=manager,
    )
    assert report.narrative["goal_attainment"] == "Vi nådde målene."


def test_grant_form_keeps_what_was_typed_and_says_what_is_wrong(client_for, manager, municipality):
    client = client_for(manager)
    data = {
        "funder": "husbanken",
        "amount_nok": "193000",
        "period_from": "2026-12-31",
        "period_to": "2026-01-01",
        "purpose": "Kompetanse",
        "reference": "",
    }
    response = client.post(reverse("reports:grant_create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tilskuddsperioden kan ikke slutte før den begynner." in page
    assert 'value="Kompetanse"' in page and 'value="193000"' in page
    data["period_from"], data["period_to"] = "2026-01-01", "2026-12-31"
    response = client.post(reverse("reports:grant_create"), data)
    grant = FundingGrant.objects.get()
    assert response.url == reverse("reports:grant_detail", args=[grant.pk])
    assert grant.municipality == municipality
    assert "kr\xa0193\xa0000" in client.get(response.url).content.decode()


def test_data_quality_lists_the_records_to_fix_with_links(client_for, manager, municipality):
    household = HouseholdFactory(municipality=municipality, reference="H-NO-BIRTH")
    PersonFactory(household=household, birth_date=None)
    empty = HouseholdFactory(municipality=municipality, reference="H-EMPTY")
    page = client_for(manager).get(reverse("reports:data_quality")).content.decode()
    assert "H-NO-BIRTH" in page and reverse("cases:household_detail", args=[household.pk]) in page
    assert "H-EMPTY" in page and reverse("cases:household_detail", args=[empty.pk]) in page
    assert "Utflyttinger uten årsak kan ikke lagres." in page


def test_the_dashboard_counts_flags_raised_by_the_nightly_job(client_for, manager, municipality, household):
    """The job writes with one INSERT … SELECT, which sends no save signals: it says so itself."""
    from datetime import timedelta

    from boveileder.models import Municipality
    from housing.services.flags import flags_raise_due_in

    client = client_for(manager)
    assert figure(client, "long_tenure_flags_raised") == "0"
    today = timezone.localdate()
    TenancyFactory(household=household, start_date=today - timedelta(days=365 * 12))
    assert flags_raise_due_in(municipalities=Municipality.objects.all(), as_of=today) == 1
    assert figure(client, "long_tenure_flags_raised") == "1"
