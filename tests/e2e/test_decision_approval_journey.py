"""A counsellor drafts a decision and names who approves it; that colleague finds it on
their landing page and sends it back with a comment; the drafter reads the comment, changes the draft
and submits it again; the colleague approves it, and the letter carries a full postal address and
the sender's block. On a desk and on a phone. Set SHOTS_DIR to keep screenshots and the letter."""

import os
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Decision
from tests.e2e.conftest import PHONE, open_main_menu
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
)
from tests.services import pdftotext

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SHOTS_DIR", "")
VIEWPORTS = {"desk": {"width": 1280, "height": 800}, "phone": PHONE}


def _shot(page, size, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{size}-{name}.png", full_page=True)


def _log_out(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_named_approver_sends_back_then_approves_and_the_letter_can_be_posted(
    page, live_server, login, a11y, background_tasks, size
):
    page.set_viewport_size(VIEWPORTS[size])
    municipality = MunicipalityFactory(
        name="Ålesund",
        slug="alesund",
        service_unit="Boveiledertjenesten",
        postal_address="Postboks 1521",
        postcode="6025",
        post_town="Ålesund",
        phone="70 16 20 00",
        email="postmottak@alesund.kommune.no",
    )
    drafter = CounsellorFactory(municipality=municipality, first_name="Kari", last_name="Nordvik")
    approver = CounsellorFactory(
        municipality=municipality, first_name="Aud", last_name="Godkjenner", can_approve_decisions=True
    )
    ManagerFactory(municipality=municipality, first_name="Lise", last_name="Leder")
    household = HouseholdFactory(
        municipality=municipality,
        counsellor=drafter,
        postal_address="Storgata 12 B",
        postcode="6002",
        post_town="Ålesund",
    )
    PersonFactory(household=household, first_name="Omar", last_name="Hassan", household_role="partner")
    PersonFactory(
        household=household,
        first_name="Amina",
        last_name="Hassan",
        birth_date=date(1988, 4, 9),
        household_role="applicant",
        with_national_id=True,
    )

    # The counsellor drafts the decision: addressed to the main person unless she chooses another.
    login(drafter)
    page.goto(f"{live_server.url}/cases/households/{household.pk}/")
    a11y.check(page)
    page.get_by_role("link", name="Skriv utkast til vedtak").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Adressert til")).to_have_value(
        str(household.members.get(first_name="Amina").pk)
    )
    page.get_by_label("Hovedinnholdet i hjelpen").fill("Oppfølgingsbesøk to ganger i måneden.")
    page.get_by_label("Periode fra").fill(timezone.localdate().isoformat())
    page.get_by_label("Begrunnelse").fill("Familien er vanskeligstilt på boligmarkedet.")
    page.get_by_role("button", name="Lagre utkastet").click()
    page.wait_for_load_state("load")
    a11y.check(page)

    # She chooses who approves it among those who may, and sees whom it went to.
    page.get_by_label("Hvem skal godkjenne det").select_option(label="Aud Godkjenner")
    _shot(page, size, "1-draft-choose-approver")
    page.get_by_role("button", name="Send til godkjenning").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Vedtaket er sendt til Aud Godkjenner for godkjenning.")).to_be_visible()
    expect(page.get_by_test_id("approver")).to_have_text("Sendt til Aud Godkjenner for godkjenning.")
    decision_path = re.search(r"/cases/decisions/\d+/", page.url).group(0)
    _shot(page, size, "2-submitted")
    _log_out(page)

    # The approver lands on her caseload and is told a decision waits for her.
    login(approver)
    waiting = page.get_by_test_id("decisions-for-attention")
    expect(waiting.get_by_role("heading", name="Vedtak som venter på din godkjenning")).to_be_visible()
    _shot(page, size, "3-approver-landing")
    waiting.get_by_role("link", name=re.compile(household.reference)).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    # Sending back needs a comment.
    page.get_by_role("button", name="Send tilbake", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Skriv hva som bør endres før vedtaket kan godkjennes.")).to_be_visible()
    comment = "Skriv hvordan familien deltok i samtalen."
    page.get_by_label("Hva bør endres").fill(comment)
    _shot(page, size, "4-send-back")
    page.get_by_role("button", name="Send tilbake", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Vedtaket er sendt tilbake til Kari Nordvik.")).to_be_visible()
    _log_out(page)

    # The drafter is told on her caseload, reads the comment, changes the draft and submits again.
    login(drafter)
    back = page.get_by_test_id("decisions-for-attention")
    expect(back.get_by_role("heading", name="Vedtak sendt tilbake til deg")).to_be_visible()
    back.get_by_role("link", name=re.compile(household.reference)).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_test_id("sent-back")).to_contain_text("Sendt tilbake av Aud Godkjenner")
    expect(page.get_by_test_id("sent-back")).to_contain_text(comment)
    _shot(page, size, "5-drafter-reads-comment")
    page.get_by_role("link", name="Endre utkastet").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    participation = page.get_by_label("Hvordan husstanden medvirket, og hva den mente")
    participation.fill("Amina var med og ønsker hjelpen.")
    page.get_by_role("button", name="Lagre utkastet").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Hvem skal godkjenne det")).to_have_value(str(approver.pk))  # the same again
    page.get_by_role("button", name="Send til godkjenning").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    _log_out(page)

    # The approver approves it; the history keeps every step.
    login(approver)
    page.get_by_test_id("decisions-for-attention").get_by_role(
        "link", name=re.compile(household.reference)
    ).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_role("button", name="Godkjenn vedtaket").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    assert decision_path in page.url
    history = page.get_by_role("region", name="Vedtakets historikk")
    expect(history).to_contain_text(f"Aud Godkjenner sendte det tilbake: {comment}")
    expect(history).to_contain_text("Aud Godkjenner godkjente det")
    letter_link = page.get_by_role("link", name="Last ned brevet (PDF)")
    for _attempt in range(60):
        if letter_link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
        page.wait_for_load_state("load")
    a11y.check(page)
    _shot(page, size, "6-approved")

    # The letter can be posted and answered.
    with page.expect_download() as download_info:
        letter_link.click()
    data = Path(download_info.value.path()).read_bytes()
    if SHOTS:
        Path(f"{SHOTS}/{size}-letter.pdf").write_bytes(data)
    lines = [line.strip() for line in pdftotext(data).splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if line.startswith("Amina Hassan"))
    assert lines[at + 1].startswith("Storgata 12 B") and lines[at + 2].startswith("6002 Ålesund")
    text = " ".join(" ".join(lines).split())
    for part in ("Ålesund kommune", "Boveiledertjenesten", "Postboks 1521", "6025 Ålesund"):
        assert part in text, part
    assert "Kontaktperson: Kari Nordvik" in text and "Telefon: 70 16 20 00" in text
    assert "E-post: postmottak@alesund.kommune.no" in text
    assert "Født" not in text and "09.04.1988" not in text
    assert Decision.objects.get().status == Decision.Status.APPROVED

    # The household's timeline keeps the comment.
    page.goto(f"{live_server.url}/cases/households/{household.pk}/")
    a11y.check(page)
    expect(page.get_by_text(f"Vedtak sendt tilbake til den som skrev utkastet: {comment}")).to_be_visible()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_manager_sets_the_letters_sender_and_finds_a_decision_waiting_on_the_dashboard(
    page, live_server, login, a11y, size
):
    from cases.services import decisions as services

    page.set_viewport_size(VIEWPORTS[size])
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund", postal_address="", postcode="")
    manager = ManagerFactory(municipality=municipality, first_name="Lise", last_name="Leder")
    drafter = CounsellorFactory(municipality=municipality, first_name="Kari", last_name="Nordvik")
    household = HouseholdFactory(municipality=municipality, counsellor=drafter)
    person = PersonFactory(household=household, household_role="applicant")
    decision = services.decision_draft(
        household=household,
        person=person,
        by=drafter,
        main_content="Oppfølgingsbesøk to ganger i måneden.",
        period_from=timezone.localdate(),
    )

    # Without the municipality's postal address the draft cannot go for approval: the page says why.
    login(drafter)
    page.goto(f"{live_server.url}/cases/decisions/{decision.pk}/")
    a11y.check(page)
    expect(page.get_by_text("Kommunens postadresse mangler")).to_be_visible()
    _log_out(page)

    # The manager adds it under Administrasjon.
    login(manager)
    if size == "phone":
        open_main_menu(page)
    page.get_by_role("button", name="Administrasjon").click()
    page.get_by_role("link", name="Kommunens kontaktopplysninger").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Postadresse").fill("Postboks 1521")
    page.get_by_label("Postnummer").fill("60x5")
    page.get_by_label("Poststed").fill("Ålesund")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Et postnummer har fire sifre.")).to_be_visible()
    expect(page.get_by_label("Postadresse")).to_have_value("Postboks 1521")  # nothing typed is lost
    page.get_by_label("Postnummer").fill("6025")
    page.get_by_label("E-post").fill("postmottak@alesund.kommune.no")
    _shot(page, size, "7-municipality-contact")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Kommunens kontaktopplysninger er lagret.")).to_be_visible()

    # The drafter sends it to the manager, who is told on the dashboard where managers land.
    services.decision_submit(decision=decision, by=drafter, approver=manager)
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("load")
    a11y.check(page)
    assert page.url.endswith("/reports/")
    waiting = page.get_by_test_id("decisions-for-attention")
    expect(waiting.get_by_role("heading", name="Vedtak som venter på din godkjenning")).to_be_visible()
    expect(waiting).to_contain_text("skrevet av Kari Nordvik")
    _shot(page, size, "8-manager-dashboard")
