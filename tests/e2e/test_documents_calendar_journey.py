"""On a phone: a counsellor attaches a payslip to a household; a web page dressed as a PDF
is refused in Norwegian with the name they typed kept, the real PDF is attached and downloads as a
file. On a desk: the counsellor makes the secret address of their calendar, a calendar library reads
their next step there, and a new address makes the old one stop working."""

import os
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Document, RecordView
from cases.services.followups import followup_log
from tests.e2e.conftest import PHONE
from tests.factories import CounsellorFactory, HouseholdFactory, MunicipalityFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots-h13"))
DESK = {"width": 1280, "height": 800}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def go(page, a11y, action):
    action()
    page.wait_for_load_state("load")
    a11y.check(page)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _status(url) -> int:
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 (the live test server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_counsellor_attaches_a_document_on_a_phone_and_downloads_it(
    page, live_server, login, a11y, tmp_path
):
    molde = MunicipalityFactory(name="Molde", slug="molde")
    counsellor = CounsellorFactory(municipality=molde, username="kari")
    household = HouseholdFactory(municipality=molde, counsellor=counsellor, reference="H-0107")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    fake = tmp_path / "lonnsslipp.pdf"
    fake.write_bytes(b"<!doctype html><title>x</title><script>alert(1)</script>")
    real = tmp_path / "lonnsslipp-mars.pdf"
    real.write_bytes(PDF)

    page.set_viewport_size(PHONE)
    login(counsellor)
    go(page, a11y, lambda: page.goto(f"{live_server.url}/cases/households/{household.pk}/"))
    go(page, a11y, lambda: page.get_by_role("link", name="Legg ved dokument").click())
    page.get_by_label("Navn").fill("Lønnsslipp mars")
    page.get_by_label("Fil").set_input_files(str(fake))
    go(page, a11y, lambda: page.get_by_role("button", name="Legg ved").click())
    expect(page.get_by_text("Bare PDF-, JPEG- og PNG-filer kan legges ved")).to_be_visible()
    expect(page.get_by_label("Navn")).to_have_value("Lønnsslipp mars")
    shot(page, "document-refused-phone")
    assert not Document.objects.exists()

    page.get_by_label("Fil").set_input_files(str(real))
    go(page, a11y, lambda: page.get_by_role("button", name="Legg ved").click())
    expect(page.get_by_text("Dokumentet er lagt ved.")).to_be_visible()
    link = page.get_by_role("link", name="Lønnsslipp mars")
    expect(link).to_be_visible()
    page.get_by_role("heading", name="Dokumenter").scroll_into_view_if_needed()
    shot(page, "document-listed-phone")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "Lønnsslipp mars.pdf"
    assert Path(download.path()).read_bytes() == PDF
    assert RecordView.objects.filter(user=counsellor, household=household, what="document").count() == 1


def test_a_counsellor_subscribes_to_their_deadlines_on_a_desk(page, live_server, login, a11y):
    molde = MunicipalityFactory(name="Molde", slug="molde")
    counsellor = CounsellorFactory(municipality=molde, username="kari")
    household = HouseholdFactory(municipality=molde, counsellor=counsellor, reference="H-0108")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    due = timezone.localdate() + timedelta(days=2)
    followup_log(
        household=household,
        by=counsellor,
        date=timezone.localdate(),
        kind="home_visit",
        minutes=45,
        next_step="Følge Amina Hassan til NAV",
        next_step_due=due,
    )

    page.set_viewport_size(DESK)
    login(counsellor)
    go(page, a11y, lambda: page.get_by_role("link", name="Kalender").click())
    expect(page.get_by_role("heading", name="Fristene dine i kalenderen")).to_be_visible()
    shot(page, "calendar-none-desk")
    go(page, a11y, lambda: page.get_by_role("button", name="Lag kalenderadressen min").click())
    expect(page.get_by_text("Kalenderen din har fått en ny adresse.")).to_be_visible()
    address = page.get_by_label("Adresse").input_value()
    shot(page, "calendar-address-desk")

    with urllib.request.urlopen(address) as response:  # noqa: S310 (the live test server)
        body = response.read()
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == "H-0108: Neste steg"
    assert event.decoded("dtstart") == due
    assert b"Amina" not in body and b"Hassan" not in body

    go(page, a11y, lambda: page.reload())
    expect(page.get_by_label("Adresse")).to_have_count(0)  # shown once
    go(page, a11y, lambda: page.get_by_role("button", name="Lag en ny adresse").click())
    renewed = page.get_by_label("Adresse").input_value()
    assert renewed != address
    assert _status(address) == 404
    assert _status(renewed) == 200
