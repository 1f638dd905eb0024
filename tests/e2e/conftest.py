"""Browser journeys: Playwright driving Debian's Chromium against the live test server.

Every page a journey visits is checked with axe-core; a serious or critical violation fails the
test, and so does a page that was loaded but never checked."""

import os
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import TEST_PASSWORD

# Playwright's sync API keeps an event loop running in the test process, and Django refuses ORM
# calls under a running loop. Set here, for the pytest process that runs the browser tests (and the
# tests collected with them), never in the Makefile: `check --deploy` reports it as async.E001.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


def open_main_menu(page):
    """On a phone, the main menu opened and done opening (a click during Bootstrap's collapse
    animation can miss what is being shown); on a desk it is open already."""
    import re

    from playwright.sync_api import expect

    toggler = page.get_by_role("button", name="Vis meny")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nb-NO", "timezone_id": "Europe/Oslo"}


class Accessibility:
    """Runs axe-core on the current page and remembers which pages were loaded and checked."""

    serious = ("serious", "critical")

    def __init__(self):
        self.axe = Axe()
        self.loaded: list[str] = []
        self.checked: set[str] = set()

    def watch(self, page):
        page.on("load", lambda p: self.loaded.append(urlparse(p.url).path))
        return page

    def check(self, page):
        page.wait_for_load_state("load")
        results = self.axe.run(
            page,
            options={
                "resultTypes": ["violations"],
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
                },
            },
        )
        bad = [v for v in results.response["violations"] if v.get("impact") in self.serious]
        self.checked.add(urlparse(page.url).path)
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in bad
        )

    def unchecked(self):
        return [path for path in self.loaded if path not in self.checked and not path.endswith(".pdf")]


@pytest.fixture
def a11y(page):
    accessibility = Accessibility()
    accessibility.watch(page)
    yield accessibility
    missed = accessibility.unchecked()
    assert not missed, f"pages loaded but never checked with axe-core: {missed}"


def sign_in(page, a11y, base_url, user, password=TEST_PASSWORD):
    """Sign in through the real form of the app at `base_url`; the page lands on the user's landing page."""
    page.goto(f"{base_url}/login/")
    a11y.check(page)
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    return page


@pytest.fixture
def login(page, live_server, a11y):
    """Log in through the real form; returns the page on the user's landing page."""

    def do_login(user, password=TEST_PASSWORD):
        return sign_in(page, a11y, live_server.url, user, password)

    return do_login


@pytest.fixture
def background_tasks(request):
    """For journeys whose pages wait on a Celery task: a real worker when PostgreSQL and Redis are
    configured (as in CI); on the embedded default the tasks run eagerly in the live server."""
    from django.conf import settings
    from django.db import connection

    if settings.REDIS_URL and connection.vendor == "postgresql":
        return request.getfixturevalue("celery_worker_process")
    return None
