"""Logging a visit without a connection, on a phone in real Chromium: the caseload is
opened, the connection goes, a visit is logged and the page reloaded offline, the connection comes
back and the visit is on the household's timeline once; the same when the connection drops mid-send
and the request is replayed three times. Afterwards the device keeps no name, note or national ID."""

import json
import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

from cases.models import FollowUp
from tests.e2e.conftest import PHONE
from tests.factories import (
    TEST_PASSWORD,
    CounsellorFactory,
    HouseholdFactory,
    MunicipalityFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Gikk gjennom budsjettet i kjelleren."
OFFLINE_PAGE = "/cases/followups/offline/"
SHOTS = "/tmp/shots-h11"
# The queue shows more failed sends than `n`, or is empty (a later send went through).
MORE_ATTEMPTS_THAN = """n => {
  const text = document.querySelector('#offline-waiting').textContent;
  const tried = text.match(/forsøkt sendt (\\d+)/);
  return text === '' || (tried && Number(tried[1]) > n);
}"""


@pytest.fixture
def world():
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(municipality=alesund, username="kari", first_name="Kari", last_name="Bo")
    household = HouseholdFactory(municipality=alesund, counsellor=counsellor, reference="H-0042")
    person = PersonFactory(
        household=household, first_name="Amina", last_name="Hassan", national_id="12096342568"
    )
    return counsellor, household, person


def offline_ready(page):
    """The service worker controls the page and has kept the offline form."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        f"caches.open('boveileder-offline-v1').then(c => c.match('{OFFLINE_PAGE}')).then(Boolean)"
    )


def device_storage(page) -> str:
    """Everything the site keeps on the device: localStorage, Cache Storage and IndexedDB, as text."""
    return page.evaluate(
        """async () => {
          const out = {localStorage: {...localStorage}, caches: {}, indexedDB: {}};
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
              out.caches[name + " " + request.url] = await (await cache.match(request)).text();
            }
          }
          for (const info of await indexedDB.databases()) {
            const db = await new Promise((ok, ko) => {
              const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = ko;
            });
            for (const store of db.objectStoreNames) {
              const rows = await new Promise((ok) => {
                const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result);
              });
              out.indexedDB[info.name + "/" + store] = rows.map((row) => {
                const copy = {...row};
                const data = copy.requestData;
                const decode = (b) => new TextDecoder().decode(b);
                if (data && data.body) copy.requestData = {...data, body: decode(data.body)};
                return copy;
              });
            }
            db.close();
          }
          return JSON.stringify(out);
        }"""
    )


def assert_nothing_personal(page, person, *notes):
    stored = device_storage(page)
    for secret in (person.first_name, person.last_name, person.national_id, *notes):
        assert secret not in stored, f"{secret!r} is kept on the device"
        assert quote_plus(secret) not in stored, f"{secret!r} is kept on the device, form-encoded"
    return stored


def test_a_visit_logged_offline_is_sent_once_when_online(page, context, live_server, login, a11y, world):
    counsellor, household, person = world
    page.set_viewport_size(PHONE)
    login(counsellor)  # lands on the caseload
    offline_ready(page)

    context.set_offline(True)
    page.get_by_role("link", name="Registrer oppfølging – H-0042").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer besøk")
    expect(page.get_by_text("Du er frakoblet.")).to_be_visible()
    expect(page.get_by_label("Husstand")).to_have_value(str(household.pk))
    page.get_by_label("Minutter").fill("45")
    page.get_by_label("Notat").fill(NOTE)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("er lagret på telefonen")).to_be_visible()
    expect(page.locator("#offline-waiting-count")).to_have_text("1 besøk venter på å bli sendt.")
    page.screenshot(path=f"{SHOTS}/offline-saved-phone.png", full_page=True)

    page.reload()
    a11y.check(page)
    expect(page.locator("#offline-waiting-count")).to_have_text("1 besøk venter på å bli sendt.")
    assert FollowUp.objects.count() == 0
    # The inspection sees the queue: the note waits there, form-encoded, until it is sent.
    assert quote_plus(NOTE) in device_storage(page)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#offline-waiting-count")).to_have_text("Ingen besøk venter på å bli sendt.")
    expect(page.locator("#offline-sent")).to_contain_text("H-0042 – sendt")
    page.screenshot(path=f"{SHOTS}/offline-sent-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=f"{SHOTS}/offline-sent-desk.png", full_page=True)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/cases/households/{household.pk}/")
    a11y.check(page)
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline.get_by_text("Hjemmebesøk, 45 min")).to_have_count(1)
    assert FollowUp.objects.filter(household=household, note=NOTE).count() == 1

    page.goto(f"{live_server.url}/cases/")
    a11y.check(page)
    stored = assert_nothing_personal(page, person, NOTE)
    assert "H-0042" in json.loads(stored)["localStorage"]["boveileder.recent-households"]


def test_a_dropped_connection_and_three_replays_store_one_visit(
    page, context, live_server, login, a11y, world
):
    counsellor, household, person = world
    page.set_viewport_size(PHONE)
    login(counsellor)
    offline_ready(page)

    # The server stores the visit, but the answer never reaches the phone, three times over.
    dropped = []

    def drop_the_answer(route):
        if len(dropped) < 3:
            route.fetch()
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route(re.compile(r"/followups/sync/$"), drop_the_answer)
    page.goto(f"{live_server.url}{OFFLINE_PAGE}?household={household.pk}")
    a11y.check(page)
    page.get_by_label("Minutter").fill("30")
    page.get_by_label("Notat").fill(NOTE)
    page.get_by_role("button", name="Lagre").click()
    waiting = page.locator("#offline-waiting")
    expect(waiting).to_contain_text("H-0042 – lagret")
    expect(waiting).to_contain_text("forsøkt sendt")
    assert FollowUp.objects.filter(household=household).count() == 1  # stored; the answer was lost
    # Replayed by «Send nå» (and by the browser's background sync, which may get in first).
    while len(dropped) < 3:
        page.get_by_role("button", name="Send nå").click()
        page.wait_for_function(MORE_ATTEMPTS_THAN, arg=len(dropped))
    page.screenshot(path=f"{SHOTS}/offline-retried-phone.png", full_page=True)
    page.get_by_role("button", name="Send nå").click()
    expect(page.locator("#offline-sent")).to_contain_text("H-0042 – sendt")
    expect(page.locator("#offline-waiting-count")).to_have_text("Ingen besøk venter på å bli sendt.")
    assert len(dropped) == 3
    assert FollowUp.objects.filter(household=household).count() == 1
    page.goto(f"{live_server.url}/cases/households/{household.pk}/")
    a11y.check(page)
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline.get_by_text("Hjemmebesøk, 30 min")).to_have_count(1)
    assert_nothing_personal(page, person, NOTE)


def open_menu(page):
    toggler = page.get_by_role("button", name="Vis meny")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


def test_signing_out_warns_and_an_expired_session_asks_for_sign_in_then_sends(
    page, context, live_server, login, a11y, world
):
    from django.contrib.sessions.models import Session

    counsellor, household, person = world
    page.set_viewport_size(PHONE)
    login(counsellor)
    offline_ready(page)
    context.set_offline(True)
    page.get_by_role("link", name="Registrer oppfølging – H-0042").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Notat").fill(NOTE)
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("#offline-waiting-count")).to_have_text("1 besøk venter på å bli sendt.")

    open_menu(page)
    page.get_by_role("button", name="Logg ut", exact=True).click()
    warning = page.get_by_role("alert").filter(has_text="ikke sendt ennå")
    expect(warning).to_contain_text("1 besøk er ikke sendt ennå.")
    expect(page.get_by_role("button", name="Logg ut likevel")).to_be_focused()
    a11y.check(page)
    page.screenshot(path=f"{SHOTS}/offline-logout-warning-phone.png", full_page=True)

    Session.objects.all().delete()  # the session ends while the phone is offline
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    signin = page.get_by_role("status").filter(has_text="Økten din er avsluttet")
    expect(signin).to_be_visible()
    expect(page.locator("#offline-waiting-count")).to_have_text("1 besøk venter på å bli sendt.")
    assert not FollowUp.objects.exists()
    signin.get_by_role("link", name="Logg inn").click()
    page.wait_for_url(re.compile(r"/login/"))
    expect(page.locator("#offline-queue-banner")).to_have_text(
        "1 besøk venter på å bli sendt. De sendes når du har logget inn."
    )
    a11y.check(page)
    page.screenshot(path=f"{SHOTS}/offline-login-banner-phone.png", full_page=True)
    page.get_by_label("Brukernavn").fill(counsellor.username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(re.escape(OFFLINE_PAGE) + "$"))
    a11y.check(page)
    expect(page.locator("#offline-sent")).to_contain_text("H-0042 – sendt")
    assert FollowUp.objects.filter(household=household, note=NOTE).count() == 1

    open_menu(page)
    page.get_by_role("button", name="Logg ut", exact=True).click()  # nothing waits: no warning
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)
    assert_nothing_personal(page, person, NOTE)


def test_the_connection_lost_at_save_on_the_ordinary_form_queues_the_visit(
    page, context, live_server, login, a11y, world
):
    counsellor, household, person = world
    page.set_viewport_size(PHONE)
    login(counsellor)
    offline_ready(page)
    page.get_by_role("link", name="Registrer oppfølging – H-0042").click()  # online: the ordinary form
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrer oppfølging")
    page.get_by_label("Minutter").fill("50")
    page.get_by_label("Notat").fill(NOTE)
    context.set_offline(True)  # the stairwell
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(re.compile(r"/followups/offline/\?household=\d+&queued=1$"))
    a11y.check(page)
    expect(page.get_by_role("status").filter(has_text="Forbindelsen ble brutt")).to_be_visible()
    expect(page.locator("#offline-waiting-count")).to_have_text("1 besøk venter på å bli sendt.")
    page.screenshot(path=f"{SHOTS}/offline-lost-at-save-phone.png", full_page=True)

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#offline-sent")).to_contain_text("H-0042 – sendt")
    assert FollowUp.objects.filter(household=household, note=NOTE, minutes=50).count() == 1
    page.goto(f"{live_server.url}/cases/households/{household.pk}/")
    a11y.check(page)
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline.get_by_text("Hjemmebesøk, 50 min")).to_have_count(1)
    assert_nothing_personal(page, person, NOTE)


def test_the_manager_puts_a_visit_kept_aside_on_the_timeline_at_a_desk(page, live_server, login, a11y, world):
    from datetime import date

    from cases.services.followups import followup_hold
    from tests.factories import ManagerFactory

    counsellor, household, person = world
    manager = ManagerFactory(municipality=household.municipality, username="lise")
    followup_hold(household=household, by=counsellor, date=date.today(), kind="phone", minutes=20, note=NOTE)
    page.set_viewport_size({"width": 1280, "height": 800})
    login(manager)
    page.get_by_role("button", name="Administrasjon").click()
    page.get_by_role("link", name="Besøk holdt til side").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("row").filter(has_text="H-0042")).to_contain_text("Kari Bo")
    page.get_by_role("link", name="H-0042").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text(NOTE)).to_be_visible()
    page.screenshot(path=f"{SHOTS}/held-detail-desk.png", full_page=True)
    page.get_by_role("button", name="Legg det på husstandens tidslinje").click()
    page.wait_for_url(re.compile(rf"/cases/households/{household.pk}/$"))
    a11y.check(page)
    expect(page.get_by_role("status").filter(has_text="Besøket er lagt på")).to_be_visible()
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline.get_by_text("Telefon, 20 min")).to_have_count(1)
    response = page.goto(f"{live_server.url}{OFFLINE_PAGE}")  # a manager is no counsellor: no offline form
    assert response.status == 403
    a11y.check(page)


def test_a_visit_the_server_refuses_goes_back_into_the_form_to_be_corrected(
    page, live_server, login, a11y, world
):
    counsellor, household, person = world
    page.set_viewport_size(PHONE)
    login(counsellor)
    offline_ready(page)
    page.goto(f"{live_server.url}{OFFLINE_PAGE}?household={household.pk}")
    a11y.check(page)
    page.get_by_label("Minutter").fill("-5")
    page.get_by_label("Notat").fill(NOTE)
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("alert")).to_have_text("ikke sendt: Minutter kan ikke være negativt.")
    waiting = page.locator("#offline-waiting")
    expect(waiting).to_contain_text("ikke sendt: Minutter kan ikke være negativt.")
    a11y.check(page)
    page.get_by_role("button", name="Rett besøket hos H-0042").click()
    expect(page.get_by_label("Minutter")).to_have_value("-5")
    expect(page.get_by_label("Notat")).to_have_value(NOTE)
    expect(page.get_by_label("Husstand")).to_have_value(str(household.pk))
    expect(page.locator("#offline-waiting-count")).to_have_text("Ingen besøk venter på å bli sendt.")
    page.get_by_label("Minutter").fill("15")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("status").filter(has_text="Besøket hos H-0042 er lagret.")).to_be_visible()
    expect(page.locator("#offline-sent")).to_contain_text("H-0042 – sendt")
    assert list(FollowUp.objects.values_list("minutes", "note")) == [(15, NOTE)]
