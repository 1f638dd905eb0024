"""A funder observer (Husbanken's regional office) signs in, sees its county's sharing municipalities
side by side for the quarter with small counts suppressed, opens an indicator's trend and a
municipality's archived PDF, and is refused (404) any household page."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.reports.observer_world import observer_world

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/shots-h14")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_observer_sees_figures_only(page, live_server, login, a11y, screen):
    page.set_viewport_size(DESK if screen == "desk" else PHONE)
    world = observer_world(timezone.localdate())
    login(world["user"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunene side om side")
    table = page.locator("table")
    expect(table).to_contain_text("Ålesund")
    expect(table).to_contain_text("Molde")
    expect(table).not_to_contain_text("Volda")
    row = page.locator("tr", has=page.get_by_role("link", name="Oppfølginger", exact=True))
    # Molde before Ålesund (Å is the last letter): Molde's 2 as «1–4», and what would give it away «·».
    expect(row.locator("td")).to_have_text(["1–4", "9", "·", "·"])
    shot(page, f"observer-table-{screen}")

    page.get_by_role("link", name="Husstander som har fått oppfølging", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Husstander som har fått oppfølging")
    expect(page.locator("tbody tr")).to_have_count(8)
    shot(page, f"observer-trend-{screen}")

    page.get_by_role("link", name="Mottatte rapporter").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    shot(page, f"observer-archive-{screen}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF-en (Molde)").click()
    assert Path(download.value.path()).read_bytes() == world["pdf"]
    expect(page.get_by_role("link", name="Last ned PDF-en (Volda)")).to_have_count(0)

    household = world["households"]["molde"][0]
    response = page.goto(live_server.url + reverse("cases:household_detail", args=[household.pk]))
    assert response.status == 404
    a11y.check(page)  # the 404 page too
    expect(page.get_by_text(household.reference)).to_have_count(0)
    response = page.goto(live_server.url + reverse("reports:dashboard"))
    assert response.status == 404
    a11y.check(page)
    shot(page, f"observer-404-{screen}")
