"""A manager approves a decision; the letter goes to the SvarUt stand-in (token from the Maskinporten
stand-in) by the worker, and the decision's page follows its status as SvarUt reports it, from
«sendt» to «levert», with the appeal deadline counted from the delivery. A second letter SvarUt
cannot deliver is posted by hand, and the day is recorded. Set SHOTS_DIR to keep screenshots."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.services.decisions import appeal_deadline
from dispatch import services
from dispatch.models import Shipment
from tests import svarut_standin
from tests.dispatch.conftest import PASSWORD_ENV, decision_world, svarut_account_for
from tests.services import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("SHOTS_DIR", "")


@pytest.fixture
def standins(tmp_path, monkeypatch):
    """The stand-ins, and the integration's password where the worker started after this finds it."""
    monkeypatch.setenv(PASSWORD_ENV, svarut_standin.INTEGRATION_PASSWORD)
    with svarut_standin.running(tmp_path) as running:
        yield running


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/svarut-{name}.png", full_page=True)


def _reload(page, a11y):
    page.reload()
    page.wait_for_load_state("load")
    a11y.check(page)


def _approve(page, live_server, login, a11y, world):
    login(world.manager)
    page.goto(f"{live_server.url}/cases/decisions/{world.decision.pk}/")
    a11y.check(page)
    page.get_by_role("button", name="Godkjenn vedtaket").click()
    page.wait_for_load_state("load")
    a11y.check(page)


def test_from_approval_to_delivered_on_the_decision_page(
    page, live_server, login, a11y, standins, background_tasks
):
    world = decision_world()
    svarut_account_for(world.municipality, standins)
    _approve(page, live_server, login, a11y, world)
    section = page.get_by_role("region", name="Sendt til husstanden")
    wait_for(lambda: Shipment.objects.filter(state="sent").exists(), timeout=90, message="the letter sent")
    _reload(page, a11y)
    expect(section).to_contain_text("Sendt gjennom SvarUt")
    _shot(page, "1-sent")
    shipment = Shipment.objects.get()
    assert len(standins.svarut.sent) == 1

    standins.svarut.set_status(shipment.shipment_id, "VARSLET", at=datetime.now(UTC) - timedelta(hours=2))
    services.shipments_poll()  # as beat does every five minutes
    _reload(page, a11y)
    expect(section.locator(".shipment-status")).to_have_text("varslet")
    _shot(page, "2-notified")

    delivered_at = datetime.now(UTC) - timedelta(hours=1)
    standins.svarut.set_status(shipment.shipment_id, "LEVERT_SDP", at=delivered_at)
    services.shipments_poll()
    _reload(page, a11y)
    expect(section.locator(".shipment-status")).to_have_text("levert")
    delivered_on = timezone.localdate(delivered_at)
    expect(section).to_contain_text(f"Levert {delivered_on:%d.%m.%Y}: klagefristen regnes fra denne dagen.")
    expect(section.get_by_role("list", name="Statushistorikk fra SvarUt")).to_contain_text("Varslet")
    world.decision.refresh_from_db()
    expect(page.locator("body")).to_contain_text(f"{appeal_deadline(world.decision):%d.%m.%Y}")
    _shot(page, "3-delivered")
    assert len(standins.svarut.sent) == 1

    # The household's timeline tells it too.
    page.goto(f"{live_server.url}/cases/households/{world.household.pk}/")
    a11y.check(page)
    expect(page.get_by_text("Vedtaksbrev: levert (SvarUt)")).to_be_visible()


def test_a_letter_svarut_cannot_deliver_is_a_task_and_posted_by_hand(
    page, live_server, login, a11y, standins, background_tasks
):
    world = decision_world()
    svarut_account_for(world.municipality, standins)
    _approve(page, live_server, login, a11y, world)
    wait_for(lambda: Shipment.objects.filter(state="sent").exists(), timeout=90, message="the letter sent")
    standins.svarut.set_status(Shipment.objects.get().shipment_id, "IKKE_LEVERT")
    services.shipments_poll()

    # The counsellor finds it on her list.
    page.context.clear_cookies()
    login(world.counsellor)
    task = page.get_by_role("listitem").filter(has_text="Vedtaksbrevet ble ikke levert: skriv det ut")
    expect(task).to_have_count(1)
    _shot(page, "4-task-on-the-caseload")
    task.get_by_role("link", name=world.household.reference).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    section = page.get_by_role("region", name="Sendt til husstanden")
    expect(section).to_contain_text("SvarUt kunne ikke levere brevet.")
    _shot(page, "5-not-delivered")
    section.get_by_label("Postlagt").fill(timezone.localdate().isoformat())
    section.get_by_role("button", name="Registrer som postlagt").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Det er registrert at brevet er postlagt.")).to_be_visible()
    expect(section).to_contain_text(f"Skrevet ut og postlagt {timezone.localdate():%d.%m.%Y}")
    _shot(page, "6-posted")
