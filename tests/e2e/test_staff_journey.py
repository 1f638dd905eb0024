"""A manager creates a counsellor with a generated password shown once; the counsellor logs in with
it and lands on the caseload. A manager on a phone moves a leaving counsellor's households and
deactivates them. Every page is checked with axe-core."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Household
from tests.e2e.conftest import PHONE
from tests.factories import CounsellorFactory, HouseholdFactory, ManagerFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_creates_a_counsellor_who_logs_in_to_the_caseload(page, live_server, login, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    manager = ManagerFactory(municipality=alesund, username="lise", first_name="Lise", last_name="Leder")

    login(manager)
    page.get_by_role("button", name="Administrasjon").click()
    page.get_by_role("link", name="Ansatte").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansatte")
    expect(page.get_by_role("cell", name="Lise Leder")).to_be_visible()

    page.get_by_role("link", name="Ny ansatt").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Brukernavn").fill("nina.berg")
    page.get_by_label("Fornavn").fill("Nina")
    page.get_by_label("Etternavn").fill("Berg")
    page.get_by_label("Boveileder").check()
    expect(page.get_by_label("Lag et passord og vis det én gang")).to_be_checked()
    page.get_by_role("button", name="Opprett den ansatte").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nina Berg er opprettet")
    password = page.get_by_test_id("generated-password").inner_text().strip()
    assert len(password) >= 12

    page.get_by_role("link", name="Alle ansatte").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    row = page.get_by_role("row").filter(has_text="nina.berg@alesund")
    expect(row).to_contain_text("Boveileder")
    expect(row).to_contain_text("Nei")  # two-factor not set up yet
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)

    page.goto(f"{live_server.url}/login/")
    a11y.check(page)
    page.get_by_label("Brukernavn").fill("nina.berg@alesund")
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mine husstander")
    expect(page.get_by_role("link", name="Ansatte")).to_have_count(0)


def test_manager_moves_a_leaving_counsellors_households_and_deactivates_them_on_a_phone(
    page, live_server, login, a11y
):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    manager = ManagerFactory(municipality=alesund, username="lise")
    leaving = CounsellorFactory(municipality=alesund, username="kari", first_name="Kari", last_name="Vik")
    CounsellorFactory(municipality=alesund, username="jon", first_name="Jon", last_name="Dahl")
    HouseholdFactory.create_batch(2, municipality=alesund, counsellor=leaving)

    page.set_viewport_size(PHONE)
    login(manager)
    page.goto(f"{live_server.url}{reverse('staff:detail', kwargs={'staff_pk': leaving.pk})}")
    a11y.check(page)
    page.get_by_role("link", name="Deaktiver").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Kari Vik følger fortsatt 2 åpne husstander")

    page.get_by_role("link", name="Flytt dem til en annen boveileder").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Flytt husstandene til").select_option(label="Jon Dahl")
    page.get_by_role("button", name="Flytt husstandene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("2 husstander flyttet fra Kari Vik til Jon Dahl")

    page.get_by_role("link", name="Deaktiver").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_role("button", name="Deaktiver").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deaktivert")
    expect(page.get_by_role("button", name="Aktiver igjen")).to_be_visible()

    page.get_by_role("link", name="Sett nytt passord").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt passord for Kari Vik")
    page.locator("#id_password1").fill("kort")  # its label is a prefix of the next one's
    page.get_by_label("Nytt passord igjen").fill("kort")
    page.get_by_role("button", name="Sett passordet").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Passordet er for kort")).to_be_visible()
    assert Household.objects.filter(counsellor__username="jon").count() == 2
