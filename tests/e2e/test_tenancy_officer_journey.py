"""A tenancy officer at the desk and on a phone: a move-out registered a month ahead leaves
the unit let with the move-out shown as planned; a move-in finds the household by a member's name; a
resolved flag is found again under «Behandlet» with its decision."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from housing.models import Tenancy
from tests.e2e.conftest import PHONE
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    MunicipalityFactory,
    OfficerFactory,
    PersonFactory,
    RentalUnitFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/shots-h2")
DESK = {"width": 1280, "height": 800}
SIZES = {"desk": DESK, "phone": PHONE}


@pytest.fixture(params=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    SHOTS.mkdir(exist_ok=True)
    return request.param


@pytest.fixture
def office(db):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    officer = OfficerFactory(municipality=municipality, first_name="Ola", last_name="Saksbehandler")
    kari = CounsellorFactory(municipality=municipality, first_name="Kari", last_name="Nordmann")
    return municipality, officer, kari


def shot(page, size, name):
    page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)


def visit(page, a11y, url):
    page.goto(url)
    a11y.check(page)


def test_a_move_out_a_month_ahead_is_shown_as_planned(page, live_server, login, a11y, office, size):
    municipality, officer, kari = office
    household = HouseholdFactory(municipality=municipality, counsellor=kari, reference="H-2019-0004")
    unit = RentalUnitFactory(municipality=municipality, address="Fjelltunvegen 12", reference="U-0012")
    tenancy = TenancyFactory(
        unit=unit, household=household, start_date=date(2019, 4, 1), contract_end_date=None
    )
    ahead = date.today() + timedelta(days=31)

    login(officer)
    visit(page, a11y, f"{live_server.url}/housing/units/{unit.pk}/")
    page.get_by_role("link", name="Registrer utflytting").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Utflyttingsdato").fill(ahead.isoformat())
    page.get_by_label("Flyttet til privat leie").check()
    page.get_by_label("Merknad").fill("Har fått leilighet på Moa fra neste måned")
    page.get_by_role("button", name="Registrer utflyttingen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    status = page.locator("main p").filter(has_text="Utleid").first
    expect(status).to_contain_text(f"Utflytting planlagt {ahead:%d.%m.%Y}")
    expect(page.get_by_text("Ledig", exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name=re.compile("Leieforhold"))).to_contain_text(
        f"flytter ut {ahead:%d.%m.%Y} (planlagt"
    )
    shot(page, size, "unit-planned-move-out")
    page.get_by_role("link", name="Endre eller avlys utflyttingen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_label("Utflyttingsdato")).to_have_value(ahead.isoformat())
    expect(page.get_by_role("button", name="Avlys utflyttingen")).to_be_visible()
    shot(page, size, "move-out-change")
    page.get_by_role("link", name="Avbryt").click()
    page.wait_for_load_state("load")
    a11y.check(page)

    page.get_by_role("link", name="H-2019-0004").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("region", name="Leieforhold")).to_contain_text("Fjelltunvegen 12 (nåværende)")
    expect(page.get_by_text(f"Utflytting fra Fjelltunvegen 12 planlagt {ahead:%d.%m.%Y}")).to_be_visible()
    shot(page, size, "household-planned-move-out")

    visit(page, a11y, f"{live_server.url}/housing/units/?state=let")
    row = page.get_by_role("row").filter(has_text="Fjelltunvegen 12")
    expect(row).to_contain_text("Utleid")
    expect(row).to_contain_text(f"Utflytting planlagt {ahead:%d.%m.%Y}")
    shot(page, size, "units-let")
    tenancy.refresh_from_db()
    assert tenancy.moved_out_on == ahead


def test_a_move_in_finds_the_household_by_a_members_name(page, live_server, login, a11y, office, size):
    municipality, officer, kari = office
    berg = HouseholdFactory(municipality=municipality, counsellor=kari, reference="H-2024-0007")
    PersonFactory(household=berg, first_name="Amina", last_name="Berg", birth_date=date(1988, 3, 2))
    PersonFactory(household=berg, first_name="Omar", last_name="Berg", birth_date=date(2015, 6, 9))
    other = HouseholdFactory(municipality=municipality, reference="H-2024-0008")
    PersonFactory(household=other, first_name="Amund", last_name="Vik")
    unit = RentalUnitFactory(municipality=municipality, address="Hatlane 3", reference="U-0003")
    moves_in = date.today() + timedelta(days=3)

    login(officer)
    visit(page, a11y, f"{live_server.url}/housing/units/{unit.pk}/")
    page.get_by_role("link", name="Registrer innflytting").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("H-00012")).to_have_count(0)
    page.get_by_label("Finn husstanden").press_sequentially("berg", delay=40)
    choice = page.get_by_label(re.compile("H-2024-0007"))
    expect(choice).to_be_visible()  # the matches come as you type
    expect(page.locator("#household-choices-status")).to_contain_text("1 husstand funnet")
    expect(page.get_by_label(re.compile("H-2024-0008"))).to_have_count(0)
    a11y.check(page)
    shot(page, size, "move-in-search")
    choice.check()
    page.get_by_label("Innflyttingsdato").fill(moves_in.isoformat())
    page.get_by_role("button", name="Registrer innflyttingen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Innflyttingen er registrert")
    # Dated three days ahead: vacant today, the move-in shown as planned.
    expect(page.locator("main p").filter(has_text="Ledig").first).to_contain_text(
        f"Innflytting planlagt {moves_in:%d.%m.%Y}"
    )
    shot(page, size, "unit-planned-move-in")
    assert Tenancy.objects.get(unit=unit).household == berg


def test_a_resolved_flag_is_found_under_handled(page, live_server, login, a11y, office, size):
    municipality, officer, kari = office
    household = HouseholdFactory(municipality=municipality, counsellor=kari, reference="H-2018-0021")
    LongTenureFlagFactory(tenancy=TenancyFactory(household=household, start_date=date(2018, 5, 1)))

    login(officer)
    expect(page).to_have_url(re.compile(r"/housing/flags/$"))
    page.get_by_role("link", name="H-2018-0021").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Avsluttet").check()
    page.get_by_label("Merknad", exact=True).fill("Familien vil bli boende; ny samtale ved neste kontrakt")
    page.get_by_role("button", name="Lagre beslutningen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("link", name="H-2018-0021")).to_have_count(0)

    page.get_by_role("link", name=re.compile(r"^Behandlet")).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    row = page.get_by_role("row").filter(has_text="H-2018-0021")
    expect(row).to_contain_text("Avsluttet")
    expect(row).to_contain_text("Ola Saksbehandler")
    expect(row).to_contain_text("Familien vil bli boende")
    shot(page, size, "flags-handled")
    page.get_by_label("Utfall").select_option(label="Husstanden flyttet ut")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Ingen behandlede husstander passer.")).to_be_visible()

    page.get_by_label("Utfall").select_option(label="Avsluttet")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_role("link", name="H-2018-0021").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Familien vil bli boende; ny samtale ved neste kontrakt")).to_be_visible()
    expect(page.get_by_role("button", name="Lagre beslutningen")).to_have_count(0)
    shot(page, size, "flag-handled-detail")
