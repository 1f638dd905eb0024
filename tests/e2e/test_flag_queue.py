"""An officer works through the review queue: one flag sleeps with a reason and a date, another is
referred to the household's counsellor, who then sees it on the caseload."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from housing.models import LongTenureFlag
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    MunicipalityFactory,
    OfficerFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_puts_one_flag_to_sleep_and_refers_another(page, live_server, login, a11y):
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    officer = OfficerFactory(municipality=municipality, first_name="Ola", last_name="Saksbehandler")
    kari = CounsellorFactory(municipality=municipality, first_name="Kari", last_name="Nordmann")
    CounsellorFactory(municipality=municipality, first_name="Jon", last_name="Vik")
    waiting = HouseholdFactory(municipality=municipality, counsellor=kari, reference="H-0101")
    ready = HouseholdFactory(municipality=municipality, counsellor=kari, reference="H-0202")
    sleeping_flag = LongTenureFlagFactory(
        tenancy=TenancyFactory(household=waiting, start_date=date(2019, 2, 1))
    )
    referred_flag = LongTenureFlagFactory(
        tenancy=TenancyFactory(household=ready, start_date=date(2020, 8, 15))
    )
    look_again = date.today() + timedelta(days=120)

    login(officer)
    expect(page).to_have_url(re.compile(r"/housing/flags/$"))
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="H-0101")).to_contain_text("Kari Nordmann")
    expect(rows.filter(has_text="H-0101")).to_contain_text("Lang botid")

    # Not realistic now: a reason and a date to look again.
    page.get_by_role("link", name="H-0101").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Neste steg for husstanden")
    page.get_by_label("Ikke realistisk nå: se på igjen senere").check()
    page.get_by_role("button", name="Lagre beslutningen").click()  # no date, no reason yet
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Oppgi datoen for å se på saken igjen.")).to_be_visible()
    expect(page.get_by_label("Ikke realistisk nå: se på igjen senere")).to_be_checked()
    page.get_by_label("Se på igjen", exact=True).fill(look_again.isoformat())
    page.get_by_label("Merknad", exact=True).fill("Venter på fast jobb før de vil se på kjøp")
    page.get_by_role("button", name="Lagre beslutningen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page).to_have_url(re.compile(r"/housing/flags/$"))
    expect(page.get_by_role("status")).to_contain_text("Beslutningen for H-0101 er lagret.")
    expect(page.get_by_role("link", name="H-0101")).to_have_count(0)

    # Refer the other household to its counsellor.
    page.get_by_role("link", name="H-0202").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_label("Henvis til en boveileder").check()
    page.get_by_label("Boveileder", exact=True).select_option(label="Kari Nordmann")
    page.get_by_label("Merknad", exact=True).fill("Ønsker å snakke om startlån")
    page.get_by_role("button", name="Lagre beslutningen").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_text("Ingen husstander å se på akkurat nå.")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Senere")).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("row").filter(has_text="H-0101")).to_contain_text(look_again.strftime("%d.%m.%Y"))
    page.get_by_role("link", name=re.compile(r"^I samtale")).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("row").filter(has_text="H-0202")).to_contain_text("Henvist til boveileder")

    sleeping_flag.refresh_from_db()
    referred_flag.refresh_from_db()
    assert (sleeping_flag.status, sleeping_flag.sleep_until) == (LongTenureFlag.Status.SLEEPING, look_again)
    assert (referred_flag.status, referred_flag.referred_to) == (LongTenureFlag.Status.REFERRED, kari)

    page.get_by_role("button", name="Logg ut").click()

    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)

    # The counsellor sees the referral on the caseload.
    login(kari)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mine husstander")
    expect(page.get_by_role("row").filter(has_text="H-0202")).to_contain_text("Henvist til deg")
    expect(page.get_by_role("row").filter(has_text="H-0101")).not_to_contain_text("Henvist til deg")
