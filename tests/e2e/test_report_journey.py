"""A manager writes the narrative, generates a quarterly report, watches it finish and downloads it."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.forms import last_quarter
from reports.periods import Quarter
from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
)
from tests.services import pdftotext

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_manager_generates_a_quarterly_report_and_downloads_it(
    page, live_server, login, a11y, background_tasks
):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    quarter = last_quarter()
    for _n in range(3):
        household = HouseholdFactory(municipality=municipality)
        PersonFactory(household=household, birth_date=date(1985, 1, 1))
        FollowUpFactory(household=household, date=quarter.first, minutes=60)
    manager = ManagerFactory(municipality=municipality)
    login(manager)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tall og rapporter")

    page.get_by_role("link", name="Beskrivelse").click()
    a11y.check(page)
    page.get_by_label("Måloppnåelse").fill("Vi nådde målet om tre husstander.")
    page.get_by_role("button", name="Lagre").click()
    a11y.check(page)
    expect(page.get_by_role("status").first).to_contain_text("Beskrivelsen er lagret")

    page.get_by_role("link", name="Lag rapport").first.click()
    a11y.check(page)
    page.get_by_label("Tilskuddsgiver").select_option("husbanken")
    page.get_by_label("Kvartal").select_option(str(quarter))
    page.get_by_role("button", name="Lag rapport").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(r"/reports/archive/\d+/$"))
    expect(page.get_by_text("Rapporten er klar.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("cell", name="3").first).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"husbanken-alesund-{quarter}.pdf"
    text = pdftotext(Path(download.path()).read_bytes())
    assert "Rapport til Husbanken" in text
    assert "Vi nådde målet om tre husstander." in text

    page.get_by_role("link", name="Arkiv").click()
    a11y.check(page)
    expect(page.get_by_role("link", name=re.compile("^Husbanken"))).to_be_visible()


def test_manager_registers_a_grant_checks_data_quality_and_opens_the_records_behind_a_figure(
    page, live_server, login, a11y
):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    household = HouseholdFactory(municipality=municipality, reference="H-UTEN-DATO")
    PersonFactory(household=household, birth_date=None)
    FollowUpFactory(household=household, date=date.today(), minutes=None)
    login(ManagerFactory(municipality=municipality))

    this = Quarter.containing(date.today())
    page.get_by_role("link", name=f"Oppfølginger, {this.label}: 1").click()
    a11y.check(page)
    expect(page.get_by_role("link", name="H-UTEN-DATO")).to_be_visible()

    page.goto(f"{live_server.url}/reports/data-quality/")
    a11y.check(page)
    expect(page.get_by_role("heading", name="Medlemmer uten fødselsdato")).to_be_visible()
    expect(page.get_by_role("link", name="H-UTEN-DATO").first).to_be_visible()

    page.get_by_role("link", name="Tilskudd").click()
    a11y.check(page)
    page.get_by_role("link", name="Registrer tilskudd").click()
    a11y.check(page)
    page.get_by_label("Tilskuddsgiver").select_option("husbanken")
    page.get_by_label("Beløp (kr)").fill("193000")
    page.get_by_label("Fra").fill(f"{date.today().year}-01-01")
    page.get_by_label("Til", exact=False).and_(page.get_by_role("textbox")).fill(f"{date.today().year}-12-31")
    page.get_by_label("Formål").fill("Kompetansetilskudd boveiledning")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetansetilskudd boveiledning")
    expect(page.get_by_text("kr\xa0193\xa0000")).to_be_visible()


def test_the_report_page_updates_itself_when_the_report_finishes(page, live_server, login, a11y):
    from reports.models import FunderReport
    from reports.services.funder_reports import funder_report_render

    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    manager = ManagerFactory(municipality=municipality)
    quarter = last_quarter()
    report = FunderReport.objects.create(
        municipality=municipality,
        funder="statsforvalteren",
        period_from=quarter.first,
        period_to=quarter.last,
        requested_by=manager,
    )
    login(manager)
    page.goto(f"{live_server.url}/reports/archive/{report.pk}/")
    a11y.check(page)
    expect(page.get_by_text("Rapporten lages nå.")).to_be_visible()
    expect(page.get_by_role("link", name="Last ned PDF")).to_have_count(0)
    # What the worker does in the background; the page polls (htmx) and shows the result by itself.
    funder_report_render(report_id=report.pk)
    expect(page.get_by_text("Rapporten er klar.")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name="Last ned PDF")).to_be_visible()
    a11y.check(page)
