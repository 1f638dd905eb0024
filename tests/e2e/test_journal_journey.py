"""A manager finds the journal under Administrasjon, chooses last quarter, reads the journal and the
public journal (no name in it), and downloads the public journal as PDF and CSV and the journal as a
Noark 5 arkivmelding that validates against the schema. On a desk and on a phone; set SHOTS_DIR to
keep the screenshots."""

import io
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import xmlschema
from django.utils import timezone
from playwright.sync_api import expect

from cases.services import decisions as services
from journal.periods import quarters_back
from tests.e2e.conftest import PHONE, open_main_menu
from tests.factories import ManagerFactory, MunicipalityFactory
from tests.journal.world import approved_decision, letter_posted
from tests.services import pdftotext

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-journal"))
SCHEMA = Path(__file__).resolve().parents[2] / "journal" / "schemas" / "arkivmelding.xsd"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _download(page, link_name):
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_manager_exports_the_quarters_journal(page, live_server, login, a11y, screen):
    page.set_viewport_size(DESK if screen == "desk" else PHONE)
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    quarter = quarters_back(timezone.localdate(), 2)[1]
    first = approved_decision(municipality, first_name="Amina", last_name="Hassan", on=quarter.first)
    letter_posted(first, quarter.first + timedelta(days=1))
    services.appeal_register(
        decision=first, received_on=quarter.first + timedelta(days=14), by=first.approved_by
    )
    second = approved_decision(municipality, first_name="Ole", last_name="Berg", on=quarter.last)
    letter_posted(second, quarter.last)
    login(ManagerFactory(municipality=municipality))

    if screen == "phone":
        open_main_menu(page)
    page.get_by_role("button", name="Administrasjon").click()
    page.get_by_role("link", name="Journal", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)

    page.get_by_label("Kvartal").select_option(quarter.slug)
    page.get_by_role("button", name="Vis journalpostene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter.label)
    table = page.get_by_role("table")
    expect(table).to_contain_text("Amina Hassan")
    expect(table).to_contain_text("Ole Berg")
    expect(table).to_contain_text(f"{quarter.first.year}/000003")
    shot(page, f"journal-{screen}")

    name, data = _download(page, "Noark 5-arkivmelding til arkivet (ZIP)")
    assert name == f"arkivmelding-alesund-{quarter.slug}.zip"
    package = zipfile.ZipFile(io.BytesIO(data))
    xmlschema.XMLSchema(str(SCHEMA)).validate(package.read("arkivmelding.xml"))
    assert len(package.namelist()) == 3  # the message and the two letters

    page.get_by_role("link", name="Offentlig journal").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("table")).to_contain_text("Unntatt offentlighet, offl. § 13 jf. fvl. § 13")
    content = page.content()
    assert "Hassan" not in content and "Berg" not in content
    shot(page, f"public-journal-{screen}")

    name, data = _download(page, "PDF")
    assert name == f"offentlig-journal-alesund-{quarter.slug}.pdf"
    text = pdftotext(data)
    (SHOTS / f"public-journal-{screen}.pdf").write_bytes(data)
    assert "Offentlig journal" in text and "Unntatt offentlighet" in text
    assert "Hassan" not in text and "Berg" not in text

    name, data = _download(page, "CSV")
    assert name == f"offentlig-journal-alesund-{quarter.slug}.csv"
    text = data.decode("utf-8-sig")
    assert text.count("Unntatt offentlighet") == 3 and "Hassan" not in text
    assert "Noark 5-arkivmelding" not in page.content()  # the archive gets the journal only
