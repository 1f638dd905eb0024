"""Two colleagues, one working in English and one in Norwegian, log visits to the same household;
each reads the whole timeline in their own language, whoever wrote it."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, CounsellorFactory, HouseholdFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/tmp/media-timeline/screenshots"


def _login(page, a11y, live_server, user):
    page.goto(f"{live_server.url}/login/")
    a11y.check(page)
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    a11y.check(page)


def _log_visit(page, a11y, live_server, household, minutes):
    page.goto(f"{live_server.url}/cases/households/{household.pk}/followups/new/")
    a11y.check(page)
    page.locator("input[name=kind][value=phone]").check()
    page.locator("#id_minutes").fill(str(minutes))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(rf"/cases/households/{household.pk}/$"))


def test_each_reader_reads_the_timeline_in_their_language(browser, page, live_server, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    kari = CounsellorFactory(municipality=alesund, username="kari", first_name="Kari", last_name="Vik")
    john = CounsellorFactory(municipality=alesund, username="john", first_name="John", last_name="Smith")
    household = HouseholdFactory(municipality=alesund, counsellor=kari, reference="H-0042")

    # John works in English: he switches the language in the footer and logs a call.
    _login(page, a11y, live_server, john)
    page.locator("#language-select").select_option("en")
    page.locator("footer form button[type=submit]").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    _log_visit(page, a11y, live_server, household, 20)
    timeline = page.locator("section", has=page.locator("#timeline-heading"))
    expect(timeline).to_contain_text("Phone, 20 min")

    # Kari works in Norwegian, in her own browser: she reads John's call in Norwegian, logs her own.
    context = browser.new_context(locale="nb-NO", timezone_id="Europe/Oslo")
    norwegian = a11y.watch(context.new_page())
    _login(norwegian, a11y, live_server, kari)
    _log_visit(norwegian, a11y, live_server, household, 35)
    kari_timeline = norwegian.locator("section", has=norwegian.locator("#timeline-heading"))
    expect(kari_timeline).to_contain_text("Telefon, 20 min")
    expect(kari_timeline).to_contain_text("Telefon, 35 min")
    expect(kari_timeline).not_to_contain_text("Phone")
    norwegian.screenshot(path=f"{SHOTS}/timeline-nb.png", full_page=True)
    context.close()

    # John reads Kari's call in English.
    page.reload()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(timeline).to_contain_text("Phone, 35 min")
    expect(timeline).to_contain_text("Phone, 20 min")
    expect(timeline).not_to_contain_text("Telefon")
    page.screenshot(path=f"{SHOTS}/timeline-en.png", full_page=True)
