"""The counsellor's day: a manager hands picked households over to another counsellor; a
counsellor saves a filter of the caseload and finds it in the menu, and chooses weekly reminders; an
officer saves a filter of the unit list. On a phone and a desk; every page checked with axe-core."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from boveileder.models import SavedView, User
from cases.models import Household, TimelineEvent
from tests.e2e.conftest import PHONE, open_main_menu
from tests.factories import (
    CounsellorFactory,
    FollowUpFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    OfficerFactory,
    RentalUnitFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
DESK = {"width": 1280, "height": 800}
SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots-h12")
TODAY = timezone.localdate()


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _go(page, a11y, url):
    page.goto(url)
    page.wait_for_load_state("load")
    a11y.check(page)


def _overdue(household):
    FollowUpFactory(
        household=household,
        date=TODAY - timedelta(days=20),
        next_step="Ringe huseier",
        next_step_due=TODAY - timedelta(days=2),
    )


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_manager_hands_the_overdue_households_over_but_one(viewport, page, live_server, login, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    manager = ManagerFactory(municipality=alesund, username="lise")
    ill = CounsellorFactory(municipality=alesund, first_name="Kari", last_name="Vik")
    CounsellorFactory(
        municipality=alesund, first_name="Jon", last_name="Dahl", email="jon@alesund.kommune.no"
    )
    overdue = HouseholdFactory.create_batch(3, municipality=alesund, counsellor=ill)
    for household in overdue:
        _overdue(household)
    in_time = HouseholdFactory(municipality=alesund, counsellor=ill)
    kept = min(overdue, key=lambda h: h.reference)

    page.set_viewport_size(viewport)
    login(manager)
    _go(page, a11y, f"{live_server.url}{reverse('cases:caseload_transfer', kwargs={'staff_pk': ill.pk})}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Flytt husstandene til Kari Vik")
    page.get_by_label("Vis", exact=True).select_option(label="Neste steg forfalt")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("checkbox")).to_have_count(3)
    expect(page.get_by_label(in_time.reference)).to_have_count(0)
    page.get_by_label(kept.reference).uncheck()
    page.get_by_label("Flytt husstandene til").select_option(label="Jon Dahl")
    _shot(page, f"handover-{'phone' if viewport == PHONE else 'desk'}")
    page.get_by_role("button", name="Flytt husstandene").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("2 husstander flyttet fra Kari Vik til Jon Dahl")

    assert set(Household.objects.filter(counsellor__first_name="Jon")) == set(overdue) - {kept}
    assert Household.objects.get(pk=kept.pk).counsellor == ill
    assert TimelineEvent.objects.filter(kind="counsellor_changed").count() == 2


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_a_counsellor_saves_the_overdue_filter_finds_it_in_the_menu_and_chooses_weekly(
    viewport, page, live_server, login, a11y
):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    kari = CounsellorFactory(municipality=alesund, username="kari", email="kari@alesund.kommune.no")
    _overdue(HouseholdFactory(municipality=alesund, counsellor=kari))
    HouseholdFactory(municipality=alesund, counsellor=kari)
    phone = viewport == PHONE

    def open_menu():
        if phone:
            open_main_menu(page)

    page.set_viewport_size(viewport)
    login(kari)
    page.get_by_label("Vis", exact=True).select_option(label="Neste steg forfalt")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    page.get_by_text("Lagre filteret som en visning").click()
    page.get_by_label("Lagre filteret som").fill("Forfalte steg")
    _shot(page, f"save-view-{'phone' if phone else 'desk'}")
    page.get_by_role("button", name="Lagre visning").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Visningen «Forfalte steg» er lagret")

    # From another page, through the menu, back to the filtered caseload.
    _go(page, a11y, f"{live_server.url}{reverse('cases:team')}")
    open_menu()
    page.get_by_role("button", name="Lagrede visninger").click()
    _shot(page, f"saved-menu-{'phone' if phone else 'desk'}")
    page.get_by_role("link", name="Forfalte steg").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    assert "/cases/?show=overdue" in page.url
    expect(page.get_by_label("Vis", exact=True)).to_have_value("overdue")

    # Her own page: weekly reminders, and the saved view listed.
    open_menu()
    page.get_by_role("link", name=kari.get_full_name()).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine innstillinger")
    page.get_by_label("Mandag morgen").check()
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Innstillingene dine er lagret.")
    expect(page.get_by_role("link", name="Forfalte steg")).to_be_visible()
    _shot(page, f"profile-{'phone' if phone else 'desk'}")
    assert User.objects.get(pk=kari.pk).reminders == User.Reminders.WEEKLY


def test_an_officer_saves_the_vacant_units_on_a_desk(page, live_server, login, a11y):
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund")
    officer = OfficerFactory(municipality=alesund, username="ola")
    RentalUnitFactory(municipality=alesund)
    page.set_viewport_size(DESK)
    login(officer)
    _go(page, a11y, f"{live_server.url}{reverse('housing:unit_list')}?state=vacant")
    page.get_by_text("Lagre filteret som en visning").click()
    page.get_by_label("Lagre filteret som").fill("Ledige boliger")
    page.get_by_role("button", name="Lagre visning").click()
    page.wait_for_load_state("load")
    a11y.check(page)
    expect(page.get_by_role("button", name="Lagrede visninger")).to_be_visible()
    assert SavedView.objects.get(user=officer).query == "state=vacant"
