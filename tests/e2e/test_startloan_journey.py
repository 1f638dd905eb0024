"""One start-up loan application from received to disbursed, then the move-out, in the browser: the
counsellor prepares, the tenancy officer records Startskudd's decisions, and it all shows on the
household's timeline."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cases.models import StartLoanApplication
from housing.models import Tenancy
from tests.e2e.conftest import PHONE
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    MunicipalityFactory,
    OfficerFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page, a11y):
    menu = page.locator(".navbar-toggler")
    if menu.is_visible():  # on a phone the menu is folded
        menu.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)


def go(page, a11y, url):
    page.goto(url)
    a11y.check(page)


def click_and_check(page, a11y, locator):
    locator.click()
    page.wait_for_load_state("load")
    a11y.check(page)


def test_an_application_from_received_to_disbursed_then_the_move_out(page, live_server, login, a11y):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(municipality=municipality)
    officer = OfficerFactory(municipality=municipality)
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    tenancy = TenancyFactory(household=household)
    today = date.today()
    household_url = f"{live_server.url}/cases/households/{household.pk}/"

    # The counsellor, on a phone, registers the application with the family.
    page.set_viewport_size(PHONE)
    login(counsellor)
    go(page, a11y, household_url)
    click_and_check(page, a11y, page.get_by_role("link", name="Ny søknad om startlån"))
    page.get_by_label("Saksnummer i Startskudd").fill("SK-2026-0042")
    page.get_by_label("Mottatt").fill(f"{today - timedelta(days=10):%Y-%m-%d}")
    page.get_by_label("Kjøp av bolig").check()
    page.get_by_label("Lån det er søkt om (kr)").fill("2600000")
    page.get_by_label("Kjøpesum (kr)").fill("2500000")
    page.get_by_label("Skattemelding").check()
    page.get_by_label("Lønnsslipper for de tre siste månedene").check()
    click_and_check(page, a11y, page.get_by_role("button", name="Lagre"))
    # A loan above the price is questioned: confirm it.
    expect(page.get_by_text("over kjøpesummen").first).to_be_visible()
    page.get_by_label("Ja, lånet skal være høyere enn kjøpesummen").check()
    click_and_check(page, a11y, page.get_by_role("button", name="Lagre"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Søknad om startlån")
    expect(page.get_by_text("Mangler:").first).to_be_visible()
    # A counsellor is not offered the decision.
    expect(page.get_by_role("link", name="Registrer: Innvilget")).to_have_count(0)
    click_and_check(page, a11y, page.get_by_role("link", name="Registrer: Under behandling"))
    page.get_by_label("Under behandling fra").fill(f"{today - timedelta(days=8):%Y-%m-%d}")
    page.locator("textarea[name=note]").fill("Alle papirer sendt i Startskudd")
    click_and_check(page, a11y, page.get_by_role("button", name="Registrer: Under behandling"))
    expect(page.get_by_text("Søknaden er nå: Under behandling.")).to_be_visible()
    log_out(page, a11y)

    # The tenancy officer records the approval made in Startskudd, then the payout.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(officer)
    click_and_check(page, a11y, page.get_by_role("link", name="Startlån", exact=True))
    click_and_check(page, a11y, page.get_by_role("link", name=household.reference))
    click_and_check(page, a11y, page.get_by_role("link", name="Registrer: Innvilget"))
    page.get_by_label("Finansieringsbevis", exact=True).check()
    page.get_by_label("Finansieringsbeviset er gyldig til").fill(f"{today + timedelta(days=180):%Y-%m-%d}")
    page.get_by_label("Vedtaksdato (i Startskudd)").fill(f"{today - timedelta(days=3):%Y-%m-%d}")
    click_and_check(page, a11y, page.get_by_role("button", name="Registrer: Innvilget"))
    expect(page.get_by_text("Søknaden er nå: Innvilget.")).to_be_visible()
    click_and_check(page, a11y, page.get_by_role("link", name="Registrer: Utbetalt"))
    page.get_by_label("Utbetalt").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Adressen til boligen som ble kjøpt").fill("Kirkegata 5, Ålesund")
    click_and_check(page, a11y, page.get_by_role("button", name="Registrer: Utbetalt"))
    expect(page.get_by_text("Søknaden er nå: Utbetalt.")).to_be_visible()
    log_out(page, a11y)

    # The counsellor registers the move-out in one step from the application.
    page.set_viewport_size(PHONE)
    login(counsellor)
    application = StartLoanApplication.objects.get(household=household)
    go(page, a11y, f"{live_server.url}/cases/startloans/{application.pk}/")
    click_and_check(
        page, a11y, page.get_by_role("link", name="Registrer utflytting fra den kommunale boligen")
    )
    page.locator("input[name=moved_out_on]").fill(f"{today:%Y-%m-%d}")
    click_and_check(page, a11y, page.get_by_role("button", name="Registrer utflyttingen"))
    expect(page).to_have_url(re.compile(rf"/cases/households/{household.pk}/$"))

    # The household's timeline tells the whole story.
    timeline = page.locator("main")
    for text in [
        "Søknad om startlån mottatt",
        "Søknad om startlån: Under behandling",
        "Søknad om startlån: Innvilget",
        "Søknad om startlån: Utbetalt",
        "Kjøpte egen bolig",
    ]:
        expect(timeline.get_by_text(text).first).to_be_visible()
    tenancy = Tenancy.objects.get(pk=tenancy.pk)
    assert (tenancy.move_out_reason, tenancy.startloan_id) == ("bought", application.pk)
