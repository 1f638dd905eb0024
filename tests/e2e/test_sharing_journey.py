"""A manager chooses to share the municipality's figures with Husbanken, sees the change listed,
and stops again; desk and phone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.factories import ManagerFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/shots-h14")


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_manager_shares_the_figures_and_stops(page, live_server, login, a11y, screen):
    page.set_viewport_size(DESK if screen == "desk" else PHONE)
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund", number="1508")
    login(ManagerFactory(municipality=municipality, first_name="Kari", last_name="Nordmann"))
    page.goto(f"{live_server.url}/reports/sharing/")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Deling av tall")
    expect(page.get_by_text("Ingen valg er gjort: tallene deles ikke.")).to_be_visible()

    page.get_by_label("Del tallene våre med Husbanken").check()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Valget ditt er lagret.")).to_be_visible()
    expect(page.get_by_label("Del tallene våre med Husbanken")).to_be_checked()
    expect(page.locator("table")).to_contain_text("Husbanken")
    expect(page.locator("table")).to_contain_text("Kari Nordmann")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sharing-{screen}.png"), full_page=True)

    page.get_by_label("Del tallene våre med Husbanken").uncheck()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Del tallene våre med Husbanken")).not_to_be_checked()
    expect(page.locator("tbody tr")).to_have_count(3)  # Husbanken yes, Statsforvalteren no, Husbanken no
