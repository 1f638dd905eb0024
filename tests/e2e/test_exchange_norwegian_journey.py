"""A manager on the demo data, at a desk: downloads the template, uploads it unchanged, reads the
preview in Norwegian and imports it with «Importer»; makes an export and finds in it what the page
says it holds; then uploads a file with another system's «no end date» 9999-12-31 and is told in
Norwegian which sheet, row and column to correct. Screenshots go to /tmp/shots-h5/."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from boveileder.models import User
from cases.models import Household
from demo.data import DEMO_PASSWORD, seed_municipality
from tests.exchange.exchange_helpers import data, xlsx

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-h5")
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def eager_tasks():
    from boveileder.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    for size, label in ((DESK, "desk"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESK)


def test_template_export_and_a_far_future_date_on_the_demo(page, live_server, login, a11y, tmp_path):
    municipality = seed_municipality(households=12)
    manager = User.objects.get(username="lise.leder")
    page.set_viewport_size(DESK)
    login(manager, password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/exchange/")
    a11y.check(page)
    holds = page.locator("#export-holds")
    expect(holds).to_contain_text("samtykker, botidsvarsler, enkeltvedtak og klager på dem")
    expect(page.get_by_text("Den inneholder ikke vedtaksbrevene (PDF)")).to_be_visible()
    page.get_by_text("Arkene og kolonnene").click()
    expect(page.get_by_text("Fødselsnummer")).to_be_visible()
    shoot(page, "1-exchange")

    # The template, downloaded and uploaded unchanged.
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned malen").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    guide = openpyxl.load_workbook(template, read_only=True)["veiledning"]
    assert next(guide.iter_rows(values_only=True))[:2] == ("Ark", "Ark (navn)")
    page.get_by_label("Regneark eller zip med CSV-filer").set_input_files(template)
    page.get_by_role("button", name="Last opp og sjekk").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Filen har ingen feil")).to_be_visible()
    preview = page.get_by_role("table", name="Forhåndsvisning")
    expect(preview.get_by_role("row", name="Husstander (households)")).to_contain_text("1")
    expect(preview.get_by_role("row", name="Oppfølginger (followups)")).to_be_visible()
    expect(preview.get_by_role("row", name="Samtykker (consents)")).to_contain_text("1")
    expect(preview.get_by_role("row", name="Botidsvarsler (flags)")).to_contain_text("1")
    shoot(page, "2-preview")
    households = Household.objects.filter(municipality=municipality).count()
    page.get_by_role("button", name="Importer", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Importen er ferdig.")).to_be_visible()
    assert Household.objects.filter(municipality=municipality).count() == households + 1
    shoot(page, "3-done")

    # The export holds what the page says.
    page.goto(f"{live_server.url}/exchange/")
    a11y.check(page)
    page.get_by_role("button", name="Lag eksportfilen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned boveileder-alesund-").click()
    exported = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    assert exported.sheetnames == [
        "households",
        "persons",
        "units",
        "tenancies",
        "startloans",
        "followups",
        "consents",
        "flags",
        "decisions",
        "appeals",
    ]
    consents = list(exported["consents"].iter_rows(values_only=True))
    assert consents[0][:4] == ("household_ref", "agency", "agency_kind", "purpose") and len(consents) > 2
    assert len(list(exported["households"].iter_rows())) == households + 2  # the header and each one

    # Another system's «no end date» is refused, by sheet, row and column, in Norwegian.
    far = data(startloans=[(0, {"received_on": "9999-12-31", "status": "received", "decided_on": ""})])
    for row in far["households"] + far["followups"]:
        row["counsellor"] = ""
    (tmp_path / "langt-fram.xlsx").write_bytes(xlsx(far))
    page.goto(f"{live_server.url}/exchange/")
    a11y.check(page)
    page.get_by_label("Regneark eller zip med CSV-filer").set_input_files(tmp_path / "langt-fram.xlsx")
    page.get_by_role("button", name="Last opp og sjekk").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("alert")).to_contain_text("Filen har 1 feil")
    problem = page.get_by_role("table", name="Feil i filen").locator("tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("Startlånsøknader (startloans)")
    expect(problem.locator("td").nth(1)).to_have_text("2")
    expect(problem).to_contain_text("Mottatt (received_on)")
    expect(problem).to_contain_text("Datoen kan ikke være fram i tid.")
    shoot(page, "4-far-future")
