"""A manager brings the municipality's spreadsheet: the first file has two bad rows, which are listed
with sheet, row and column and save nothing; the corrected file is previewed, imported, and its
figures appear on the dashboard."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Household
from reports.periods import Quarter
from tests.exchange.exchange_helpers import data, xlsx
from tests.factories import CounsellorFactory, ManagerFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def eager_tasks():
    """The check and the import run in the live server's process, also when a broker is configured."""
    from boveileder.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def workbook_for_this_quarter():
    today = timezone.localdate().isoformat()
    return data(
        followups=[(0, {"date": today}), (1, {"date": today}), (2, {"date": today})],
        startloans=[(0, {"received_on": today, "status": "approved", "decided_on": today})],
    )


def test_a_manager_fixes_two_bad_rows_and_sees_the_figures(page, live_server, login, a11y, tmp_path):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    manager = ManagerFactory(municipality=municipality)
    CounsellorFactory(municipality=municipality, username="kari")
    good = workbook_for_this_quarter()
    bad = workbook_for_this_quarter()
    bad["persons"][0]["national_id"] = "12096342567"
    bad["followups"][1]["kind"] = "visit"
    (tmp_path / "med-feil.xlsx").write_bytes(xlsx(bad))
    (tmp_path / "rettet.xlsx").write_bytes(xlsx(good))

    login(manager)
    page.goto(f"{live_server.url}/exchange/")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Import og eksport")

    page.get_by_label("Regneark eller zip med CSV-filer").set_input_files(tmp_path / "med-feil.xlsx")
    page.get_by_role("button", name="Last opp og sjekk").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("alert")).to_contain_text("Filen har 2 feil")
    problems = page.get_by_role("table", name="Feil i filen").locator("tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("persons")
    expect(problems.nth(0)).to_contain_text("national_id")
    expect(problems.nth(0)).to_contain_text("ugyldig fødselsnummer")
    expect(problems.nth(1)).to_contain_text("followups")
    expect(problems.nth(1)).to_contain_text("«visit» er ikke en av")
    expect(page.get_by_text("12096342567")).to_have_count(0)
    assert Household.objects.count() == 0

    page.get_by_label("Regneark eller zip med CSV-filer").set_input_files(tmp_path / "rettet.xlsx")
    page.get_by_role("button", name="Last opp og sjekk").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Filen har ingen feil")).to_be_visible()
    preview = page.get_by_role("table", name="Forhåndsvisning")
    expect(preview.get_by_role("row", name="households")).to_contain_text("2")
    assert Household.objects.count() == 0  # the preview saved nothing

    page.get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Importen er ferdig.")).to_be_visible()
    page.get_by_role("link", name="Se tallene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    this = Quarter.containing(timezone.localdate())
    expect(page.locator(f'a[href="/reports/figures/followups/?period={this}"]')).to_have_text("3")
    expect(page.locator(f'a[href="/reports/figures/households_assisted/?period={this}"]')).to_have_text("2")
    expect(
        page.locator(f'a[href="/reports/figures/startloan_applications_approved/?period={this}"]')
    ).to_have_text("1")

    # And the whole municipality back out: written in the background, fetched from its page.
    page.goto(f"{live_server.url}/exchange/")
    page.get_by_role("button", name="Lag eksportfilen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Eksporten er klar.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned boveileder-alesund-").click()
    assert download.value.suggested_filename.startswith("boveileder-alesund-")
    assert download.value.suggested_filename.endswith(".xlsx")
