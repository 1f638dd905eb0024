"""A counsellor on a phone: a follow-up sent again with Back then Lagre is stored once and
says so; a taken reference is said in Norwegian on the reference field with everything typed kept;
a new household's first person is its main person; a select's empty choice reads «Velg …»."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import FollowUp, Household
from tests.e2e.conftest import PHONE
from tests.factories import CounsellorFactory, HouseholdFactory, MunicipalityFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-h3")
DESK = {"width": 1280, "height": 800}


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def kari(db):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    return CounsellorFactory(municipality=alesund, username="kari", first_name="Kari", last_name="Boveileder")


def test_back_then_lagre_stores_the_follow_up_once(page, live_server, login, a11y, kari):
    household = HouseholdFactory(municipality=kari.municipality, counsellor=kari, reference="H-0042")
    PersonFactory(household=household, first_name="Amina", last_name="Hassan")
    page.set_viewport_size(PHONE)
    login(kari)
    page.get_by_role("link", name="Registrer oppfølging – H-0042").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Minutter").fill("45")
    page.get_by_label("Notat").fill("Gikk gjennom budsjettet.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Oppfølgingen er registrert.")

    page.go_back()  # the phone's Back: the form again, as it was filled in
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Notat")).to_have_value("Gikk gjennom budsjettet.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state("load")
    a11y.check(page)

    expect(page).to_have_url(re.compile(rf"/cases/households/{household.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Skjemaet var allerede sendt og lagret. Det ble ikke lagret en gang til."
    )
    timeline = page.locator("section", has=page.get_by_role("heading", name="Tidslinje"))
    expect(timeline.get_by_text("Gikk gjennom budsjettet.")).to_have_count(1)
    shoot(page, "followup-replayed-phone")
    assert FollowUp.objects.filter(household=household).count() == 1


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_taken_reference_is_said_on_the_field_and_the_first_person_is_the_main_person(
    page, live_server, login, a11y, kari, viewport
):
    HouseholdFactory(municipality=kari.municipality, reference="H-2026-001")
    page.set_viewport_size(viewport)
    login(kari)
    page.goto(f"{live_server.url}/cases/households/new/")
    a11y.check(page)
    counsellor = page.get_by_label("Boveileder", exact=True)
    expect(counsellor.locator("option").first).to_have_text("Velg …")
    expect(page.get_by_label("Rolle i husstanden")).to_have_value("applicant")  # Hovedperson
    page.get_by_label("Referanse").fill("H-2026-001")
    page.get_by_label("Notater").fill("Henvist fra NAV.")
    page.get_by_label("Fornavn").fill("Amina")
    page.get_by_label("Etternavn").fill("Hassan")
    page.get_by_label("Fødselsdato").fill("1985-04-12")
    page.get_by_label("Telefon").fill("40000000")
    page.get_by_role("button", name="Registrer").click()
    page.wait_for_load_state("load")
    a11y.check(page)

    reference = page.get_by_label("Referanse")
    expect(reference).to_have_value("H-2026-001")
    expect(page.locator("#error_1_id_reference")).to_have_text(
        "En annen husstand i kommunen har allerede denne referansen."
    )
    expect(reference).to_have_attribute("aria-describedby", re.compile("id_reference_error"))
    for label, value in [("Notater", "Henvist fra NAV."), ("Fornavn", "Amina"), ("Telefon", "40000000")]:
        expect(page.get_by_label(label)).to_have_value(value)
    expect(page.get_by_text("finnes allerede")).to_have_count(0)
    expect(page.get_by_label("Rolle i husstanden")).to_have_value("applicant")
    name = "phone" if viewport == PHONE else "desk"
    page.locator("#div_id_reference").scroll_into_view_if_needed()
    shoot(page, f"reference-taken-{name}")

    reference.fill("H-2026-002")
    page.get_by_role("button", name="Registrer").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Husstanden er registrert.")
    shoot(page, f"household-registered-{name}")
    household = Household.objects.get(reference="H-2026-002")
    assert household.members.get().household_role == "applicant"
    member = page.locator("li", has=page.get_by_role("link", name="Amina Hassan"))
    expect(member).to_contain_text("Hovedperson")

    page.get_by_role("link", name="Registrer samtykke").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    agency = page.get_by_label("Samarbeidspartner")
    expect(agency.locator("option").first).to_have_text("Velg …")
    expect(page.locator("main")).not_to_contain_text("---------")
    shoot(page, f"consent-velg-{name}")
