"""On a phone: a counsellor corrects a household's details and a member's particulars (a birth date
after today is refused and what was typed is kept), sees the national ID masked and shows it on
request; a manager adds a partner agency and is told when the name is taken."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from cases.models import RecordView, TimelineEvent
from tests.e2e.conftest import PHONE
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PartnerAgencyFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
NATIONAL_ID = "12096342568"


def go(page, a11y, action):
    action()
    page.wait_for_load_state("load")
    a11y.check(page)


def log_out(page, a11y):
    toggler = page.get_by_role("button", name="Vis meny")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap marks the menu `show` once it has finished opening; a click before then can miss.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)


def test_counsellor_edits_a_household_and_a_member_on_a_phone(page, live_server, login, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(municipality=alesund, username="kari")
    manager = ManagerFactory(municipality=alesund, username="lise")
    household = HouseholdFactory(municipality=alesund, counsellor=counsellor, reference="H-0042")
    person = PersonFactory(
        household=household, first_name="Amina", last_name="Hassan", birth_date=date(1985, 4, 12)
    )
    PartnerAgencyFactory(municipality=alesund, name="NAV Ålesund")

    page.set_viewport_size(PHONE)
    login(counsellor)
    go(page, a11y, lambda: page.goto(f"{live_server.url}/cases/households/{household.pk}/"))

    go(page, a11y, lambda: page.get_by_role("link", name="Endre husstand").click())
    expect(page.get_by_label("Boveileder")).to_be_disabled()  # only a manager reassigns
    page.get_by_label("Bosituasjon ved oppstart").select_option(label="Uten bolig")
    page.get_by_label("Notater").fill("Bor midlertidig hos søster.")
    go(page, a11y, lambda: page.get_by_role("button", name="Lagre").click())
    expect(page.get_by_role("status")).to_contain_text("Husstanden er oppdatert.")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline).to_contain_text("Opplysninger om husstanden endret: bosituasjon ved oppstart, notater")

    go(page, a11y, lambda: page.get_by_role("link", name="Amina Hassan").click())
    go(page, a11y, lambda: page.get_by_role("link", name="Endre opplysninger").click())
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page.get_by_label("Fornavn").fill("Amina Sara")
    page.get_by_label("Fødselsdato").fill(tomorrow)
    page.get_by_label("Fødselsnummer").fill(NATIONAL_ID)
    page.get_by_label("Telefon").fill("41234567")
    go(page, a11y, lambda: page.get_by_role("button", name="Lagre").click())
    expect(page.get_by_text("Fødselsdatoen kan ikke være etter i dag.")).to_be_visible()
    expect(page.get_by_label("Fornavn")).to_have_value("Amina Sara")  # what was typed is kept
    expect(page.get_by_label("Telefon")).to_have_value("41234567")
    page.get_by_label("Fødselsdato").fill("1985-04-21")
    go(page, a11y, lambda: page.get_by_role("button", name="Lagre").click())

    expect(page).to_have_url(re.compile(rf"/cases/persons/{person.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Opplysningene om Amina Sara Hassan er oppdatert.")
    expect(page.get_by_text("120963•••••")).to_be_visible()
    expect(page.get_by_text(NATIONAL_ID)).to_have_count(0)
    go(page, a11y, lambda: page.get_by_role("button", name="Vis fødselsnummer").click())
    expect(page.get_by_text(NATIONAL_ID)).to_be_visible()
    assert NATIONAL_ID not in page.url
    assert RecordView.objects.filter(person=person, user=counsellor, what="national_id_shown").count() == 1
    summaries = " ".join(f"{e.text} {e.params}" for e in TimelineEvent.objects.filter(household=household))
    assert "fødselsnummer" in summaries and NATIONAL_ID not in summaries
    log_out(page, a11y)

    login(manager)
    go(page, a11y, lambda: page.goto(f"{live_server.url}/cases/households/{household.pk}/"))
    go(page, a11y, lambda: page.get_by_role("link", name="Kommunens samarbeidspartnere").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("Samarbeidspartnere")
    go(page, a11y, lambda: page.get_by_role("link", name="Legg til samarbeidspartner").click())
    page.get_by_label("Navn").fill("nav ålesund")
    page.get_by_label("Kontakt").fill("Kari i skranken")
    go(page, a11y, lambda: page.get_by_role("button", name="Lagre").click())
    expect(page.get_by_text("Kommunen har allerede en samarbeidspartner med dette navnet.")).to_be_visible()
    expect(page.get_by_label("Kontakt")).to_have_value("Kari i skranken")
    page.get_by_label("Navn").fill("Flyktningkontoret")
    page.get_by_label("Type").select_option(label="Flyktningkontoret")
    go(page, a11y, lambda: page.get_by_role("button", name="Lagre").click())
    expect(page.get_by_role("status")).to_contain_text("Flyktningkontoret er lagt til.")
    expect(page.locator("table")).to_contain_text("Flyktningkontoret")  # stacked rows on a phone
