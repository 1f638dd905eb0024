"""Redis stops while staff work (`tests.redis_down`: gunicorn on the test database, a Redis of the test's
own, really stopped). On her phone the counsellor logs the visit she just made and sees it saved on the
household's timeline; the manager asks for an export and is told, in Norwegian, that the background
does not answer and nothing was saved. Every page axe-checked."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in
from tests.redis_down import PASSWORD, app_server, own_redis, staff  # noqa: F401 - fixtures

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_with_redis_stopped_the_visit_is_logged_and_the_export_says_why_not(page, a11y, app_server, staff):  # noqa: F811
    base, stop_redis, _log = app_server
    counsellor, manager, household = staff
    page.set_viewport_size(PHONE)
    sign_in(page, a11y, base, counsellor, PASSWORD)
    stop_redis()

    page.goto(f"{base}/cases/")
    a11y.check(page)
    page.get_by_role("link", name=f"Registrer oppfølging – {household.reference}").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Minutter").fill("45")
    page.get_by_label("Notat").fill("Gikk gjennom budsjettet.")
    page.get_by_label("Neste steg", exact=True).fill("Ringe banken om startlån")
    page.get_by_label("Frist for neste steg").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Oppfølgingen er registrert.")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline).to_contain_text("Hjemmebesøk, 45 min")
    page.screenshot(path="/tmp/redis-down-followup-phone.png", full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, a11y, base, manager, PASSWORD)
    page.goto(f"{base}/exchange/")
    a11y.check(page)
    page.get_by_role("button", name="Lag eksportfilen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    export = page.locator("section", has=page.get_by_role("heading", name="Eksport"))
    expect(export.locator(".alert-danger")).to_contain_text(
        "Import og eksport går i bakgrunnen, som ikke svarer akkurat nå. Ingenting ble lagret"
    )
    page.screenshot(path="/tmp/redis-down-export.png", full_page=True)
