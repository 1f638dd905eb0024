"""A counsellor drafts an individual decision, a manager approves it, the letter downloads, an appeal
is registered and forwarded to Statsforvalteren, and all of it stands on the household's timeline."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
    TenancyFactory,
)
from tests.services import pdftotext

pytestmark = pytest.mark.django_db(transaction=True)


def _log_out(page, a11y):
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)


def test_draft_approve_letter_appeal_and_timeline(page, live_server, login, a11y, background_tasks):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(municipality=municipality)
    manager = ManagerFactory(municipality=municipality)
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    person = PersonFactory(
        household=household,
        first_name="Amina",
        last_name="Hassan",
        birth_date=date(1988, 4, 9),
        with_national_id=True,
    )
    TenancyFactory(household=household)
    household_url = f"{live_server.url}/cases/households/{household.pk}/"

    # The counsellor drafts the decision from the household page and submits it.
    login(counsellor)
    page.goto(household_url)
    a11y.check(page)
    page.get_by_role("link", name="Skriv utkast til vedtak").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Hovedinnholdet i hjelpen").fill(
        "Oppfølgingsbesøk to ganger i måneden og hjelp til å søke startlån."
    )
    page.get_by_label("Periode fra").fill(timezone.localdate().isoformat())
    page.get_by_label("Begrunnelse").fill("Familien er vanskeligstilt på boligmarkedet.")
    page.get_by_role("button", name="Lagre utkastet").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
    page.get_by_role("button", name="Send til godkjenning").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Du skrev dette vedtaket, så en annen må godkjenne det.")).to_be_visible()
    expect(page.get_by_role("button", name="Godkjenn vedtaket")).to_have_count(0)
    decision_path = re.search(r"/cases/decisions/\d+/", page.url).group(0)
    _log_out(page, a11y)

    # The manager finds it among the decisions awaiting approval and approves it.
    login(manager)
    page.goto(f"{live_server.url}/cases/decisions/")
    a11y.check(page)
    page.get_by_role("link", name=household.reference).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_role("button", name="Godkjenn vedtaket").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Vedtaket er godkjent.")).to_be_visible()
    deadline = timezone.localdate() + timedelta(weeks=3)
    expect(page.get_by_test_id("appeal-deadline")).to_contain_text(f"{deadline:%d.%m.%Y}")

    # The letter is made in the background; the page says so, and a reload shows it when it is ready.
    letter_link = page.get_by_role("link", name="Last ned brevet (PDF)")
    for _attempt in range(60):
        if letter_link.count():
            break
        expect(page.get_by_text("Brevet lages nå. Last inn siden på nytt om litt.")).to_be_visible()
        page.wait_for_timeout(500)
        page.reload()
        page.wait_for_load_state("load")
    a11y.check(page)

    # The letter downloads: a PDF with the appeal deadline and route, and no national ID.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned brevet (PDF)").click()
    download = download_info.value
    assert person.national_id not in download.suggested_filename
    text = " ".join(pdftotext(Path(download.path()).read_bytes()).split())
    assert "Klagefristen er tre uker" in text and "Statsforvalteren" in text
    assert "Amina Hassan" in text and person.national_id not in text.replace(" ", "")

    # An appeal arrives; the municipality keeps its decision and forwards it to Statsforvalteren.
    page.get_by_role("button", name="Registrer klagen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Klagen er registrert. Den kom innen fristen.")).to_be_visible()
    page.get_by_label("Vedtaket opprettholdt, sendt til Statsforvalteren").check()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Den nye vurderingen er registrert.")).to_be_visible()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Klagen er registrert som sendt til Statsforvalteren.")).to_be_visible()
    assert decision_path in page.url

    # All of it stands on the household's timeline.
    page.goto(household_url)
    a11y.check(page)
    for line in (
        "Utkast til vedtak skrevet (hjelp innvilget)",
        "Vedtak sendt til godkjenning",
        f"Vedtak godkjent (hjelp innvilget); klagefrist {deadline:%d.%m.%Y}",
        "Klage mottatt – innen fristen",
        "Klage: kommunen opprettholdt vedtaket",
        "Klage sendt til Statsforvalteren",
    ):
        expect(page.get_by_text(line, exact=False).first).to_be_visible()
    expect(page.get_by_text(person.national_id)).to_have_count(0)
