"""A counsellor on a phone logs a visit from the caseload and sees it on the household's timeline;
a counsellor of another municipality gets 404 for that household; the manager finds the view in the
household's access log."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def log_out(page, a11y):
    toggler = page.get_by_role("button", name="Vis meny")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap marks the menu `show` once it has finished opening; a click before then can miss.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)


def test_counsellor_logs_a_visit_on_a_phone(page, live_server, login, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(
        municipality=alesund, username="kari", first_name="Kari", last_name="Boveileder"
    )
    manager = ManagerFactory(municipality=alesund, username="lise")
    stranger = CounsellorFactory(municipality=MunicipalityFactory(name="Molde", slug="molde"), username="per")
    household = HouseholdFactory(municipality=alesund, counsellor=counsellor, reference="H-0042")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    TenancyFactory(household=household, unit__address="Storgata 12")

    page.set_viewport_size(PHONE)
    login(counsellor)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mine husstander")
    expect(page.get_by_text("Storgata 12")).to_be_visible()

    page.get_by_role("link", name="Registrer oppfølging – H-0042").click()  # tap 1
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Dato")).to_have_value(date.today().isoformat())
    expect(page.get_by_label("Hjemmebesøk")).to_be_checked()
    page.get_by_label("Minutter").fill("45")
    page.get_by_label("Økonomi").check()
    page.get_by_label("Notat").fill("Gikk gjennom budsjettet.")
    page.get_by_label("Neste steg", exact=True).fill("Ringe banken om startlån")
    page.get_by_label("Frist for neste steg").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Lagre").click()  # the last tap
    page.wait_for_load_state("load")
    a11y.check(page)

    expect(page).to_have_url(re.compile(rf"/cases/households/{household.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Oppfølgingen er registrert.")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline).to_contain_text("Hjemmebesøk, 45 min")
    expect(timeline).to_contain_text("Gikk gjennom budsjettet.")
    expect(timeline).to_contain_text("Ringe banken om startlån")
    household_url = page.url
    log_out(page, a11y)

    login(stranger)
    response = page.goto(household_url)
    assert response.status == 404
    a11y.check(page)
    page.goto(f"{live_server.url}/cases/")
    a11y.check(page)
    expect(page.get_by_text("H-0042")).to_have_count(0)
    log_out(page, a11y)

    login(manager)
    page.goto(household_url)
    a11y.check(page)
    page.get_by_role("link", name="Innsynslogg").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    rows = page.get_by_role("row").filter(has_text="kari")
    expect(rows.first).to_contain_text("Husstandssiden")
    expect(page.get_by_role("row").filter(has_text="per")).to_have_count(0)


def test_register_search_and_team_pages_on_a_phone(page, live_server, login, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(municipality=alesund, username="kari")
    household = HouseholdFactory(municipality=alesund, counsellor=counsellor, reference="H-0007")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan", birth_date=date(1985, 4, 12))

    page.set_viewport_size(PHONE)
    login(counsellor)
    page.get_by_role("link", name="Registrer husstand").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Referanse").fill("H-0008")
    page.get_by_label("Fornavn").fill("Amina")
    page.get_by_label("Etternavn").fill("Hassan")
    page.get_by_label("Fødselsdato").fill("1985-04-12")
    page.get_by_role("button", name="Registrer", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("region", name="Denne personen kan allerede være registrert")).to_contain_text(
        "H-0007"
    )
    expect(page.get_by_label("Fornavn")).to_have_value("Amina")  # what was typed is kept
    page.get_by_role("button", name="Bruk denne personen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("H-0008")
    expect(page.get_by_role("link", name="Amina Hassan")).to_be_visible()

    page.goto(f"{live_server.url}/cases/search/")
    a11y.check(page)
    page.get_by_label("Navn, referanse, adresse eller fødselsnummer").fill("hassan")
    page.get_by_role("button", name="Søk", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(r"/cases/search/$"))  # the search text is not in the URL
    expect(page.get_by_role("link", name="H-0008")).to_be_visible()

    page.goto(f"{live_server.url}/cases/team/")
    a11y.check(page)
    expect(page.get_by_role("link", name="H-0007")).to_be_visible()
