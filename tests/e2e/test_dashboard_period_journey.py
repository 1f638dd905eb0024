"""A manager looks at last quarter and at last year on the dashboard, each beside the year before,
opens the records behind a figure and comes back to the same period; on a desk the main menu is one
line."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.periods import Quarter
from tests.e2e.conftest import PHONE, open_main_menu
from tests.factories import FollowUpFactory, HouseholdFactory, ManagerFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESK = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/shots-h1")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def followups(municipality, day, n):
    for _n in range(n):
        FollowUpFactory(household=HouseholdFactory(municipality=municipality), date=day, minutes=30)


@pytest.mark.parametrize("screen", ["desk", "phone"])
def test_manager_chooses_a_quarter_and_a_year_and_opens_the_records(page, live_server, login, a11y, screen):
    page.set_viewport_size(DESK if screen == "desk" else PHONE)
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    quarter = Quarter.containing(date.today()).previous()  # what the report form offers first
    earlier = quarter.a_year_earlier()
    followups(municipality, quarter.first, 3)
    followups(municipality, earlier.last, 2)
    year = date.today().year - 1
    followups(municipality, date(year - 1, 6, 1), 1)  # last year's year before: 1 more
    # A long name: it must not push the menu onto a second line.
    login(ManagerFactory(municipality=municipality, first_name="Kari-Anne", last_name="Nordmann-Johansen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tall og rapporter")

    # Last quarter, beside the same quarter a year before.
    page.get_by_label("Kvartal eller år").select_option(str(quarter))
    page.get_by_role("button", name="Vis tallene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(rf"\?period={quarter}$"))
    expect(page.get_by_role("heading", name=f"{quarter.label}, med samme kvartal i fjor")).to_be_visible()
    expect(page.locator("table thead")).to_contain_text(f"{earlier.label} (i fjor)")  # hidden on a phone
    expect(page.get_by_role("link", name=f"Oppfølginger, {quarter.label}: 3", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Oppfølginger, {earlier.label}: 2", exact=True)).to_be_visible()
    shot(page, f"journey-quarter-{screen}")

    # A year, beside the year before.
    page.get_by_label("Kvartal eller år").select_option(str(year))
    page.get_by_role("button", name="Vis tallene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(rf"\?period={year}$"))
    expect(page.get_by_role("heading", name=f"{year}, med året før ({year - 1})")).to_be_visible()
    followups_this_year = (3 if quarter.year == year else 0) + (2 if earlier.year == year else 0)
    expect(
        page.get_by_role("link", name=f"Oppfølginger, {year}: {followups_this_year}", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("link", name=f"Oppfølginger, {year - 1}: ", exact=False)).to_be_visible()
    shot(page, f"journey-year-{screen}")

    # The records behind a figure say which figure they are, and lead back to the same period.
    page.get_by_role("link", name=f"Oppfølginger, {year}: {followups_this_year}", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Oppfølginger")
    expect(page).to_have_title("Oppfølginger · Boveileder")
    expect(
        page.get_by_text(f"Oppfølginger datert i perioden – {year}, 01.01.{year}–31.12.{year}")
    ).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(followups_this_year)
    shot(page, f"journey-records-{screen}")
    page.get_by_role("link", name="Tilbake til tallene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Kvartal eller år")).to_have_value(str(year))

    # A period typed into the address that is none: a clear message, this quarter's figures.
    page.goto(f"{live_server.url}/reports/?period=2025Q9")
    a11y.check(page)
    expect(page.get_by_role("alert")).to_contain_text("Velg et kvartal eller et år mellom 2000 og")
    expect(page.get_by_label("Kvartal eller år")).to_have_value(str(Quarter.containing(date.today())))

    if screen == "desk":
        # The main menu is one line: every link at the same height, «Logg ut» on one line.
        boxes = page.locator("#main-nav .nav-link").evaluate_all(
            "links => links.map(link => [Math.round(link.getBoundingClientRect().top), link.offsetHeight])"
        )
        assert len(boxes) >= 8 and len({top for top, _height in boxes}) == 1, boxes
        assert all(height < 45 for _top, height in boxes), boxes  # no link broken over two lines
        logout = page.get_by_role("button", name="Logg ut").bounding_box()
        assert logout["height"] < 40 and logout["x"] + logout["width"] <= DESK["width"], logout
        menu = page.get_by_role("navigation", name="Hovedmeny").bounding_box()
        assert menu["height"] <= 80 and menu["width"] <= DESK["width"], menu
        assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
    else:
        open_main_menu(page)
        expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
        shot(page, "journey-menu-phone")
