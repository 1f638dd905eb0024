"""Every main page of every role loads without a console error: no Content-Security-Policy
violation (an inline style or script the policy blocks), no script error, and the site's icon
answers. Screenshots of each page go to /tmp/shots-h6/ (phone and desk) for a look by eye."""

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from demo.data import DEMO_PASSWORD, seed_municipality
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-h6")
DESK = {"width": 1280, "height": 800}
ROLES = ["kari.boveileder", "ola.saksbehandler", "lise.leder"]


def _menu_links(page) -> list[str]:
    """The menu's addresses (the administration dropdown's too, open or not)."""
    hrefs = page.eval_on_selector_all("#main-nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/") and not h.startswith("/admin")))


def _first_detail_link(page, pattern) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next((h for h in hrefs if re.fullmatch(pattern, h)), None)


def test_no_page_of_any_role_logs_a_console_error(page, live_server, a11y):
    seed_municipality(households=8, today=date.today())
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    SHOTS.mkdir(exist_ok=True)

    visited = []
    for username in ROLES:
        page.set_viewport_size(DESK)
        page.goto(f"{live_server.url}/login/")
        a11y.check(page)
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        page.wait_for_load_state("load")
        a11y.check(page)
        paths = _menu_links(page)
        # One record's page from the role's own lists (a household, a unit).
        for listing, pattern in (
            ("/cases/", r"/cases/households/\d+/"),
            ("/housing/units/", r"/housing/units/\d+/"),
        ):
            if listing in paths:
                page.goto(live_server.url + listing)
                detail = _first_detail_link(page, pattern)
                if detail:
                    paths.append(detail)
        for path in paths:
            page.set_viewport_size(DESK)
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            a11y.check(page)
            slug = urlparse(page.url).path.strip("/").replace("/", "_") or "home"
            for name, size in (("desk", DESK), ("phone", PHONE)):
                page.set_viewport_size(size)
                page.screenshot(path=str(SHOTS / f"console-{username}-{slug}-{name}.png"), full_page=True)
            visited.append(path)
        page.context.clear_cookies()

    assert len(visited) >= 15, visited
    csp = [e for e in errors if "Content Security Policy" in e or "Content-Security-Policy" in e]
    assert not csp, "\n".join(csp)
    assert not errors, "\n".join(errors)

    # The icon the pages link to, and the address browsers ask for by themselves.
    page.goto(f"{live_server.url}/login/")
    a11y.check(page)
    icons = page.eval_on_selector_all("link[rel=icon]", "links => links.map(a => a.getAttribute('href'))")
    assert icons, "no <link rel=icon> in the layout"
    assert all(page.request.get(live_server.url + icon).status == 200 for icon in icons)
    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200
