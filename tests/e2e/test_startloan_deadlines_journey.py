"""A counsellor reads the start-up loan deadlines: earliest first on the caseload and
the pipeline, and a financing certificate that ran out says «gikk ut» with its date. Phone and desk."""

import os
from datetime import date, timedelta

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from tests.cases.test_startloans_service import application_in
from tests.e2e.conftest import PHONE
from tests.factories import CounsellorFactory, HouseholdFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("E2E_SHOTS", "")
TODAY = date.today()


def _certificate(household, valid_until):
    application = application_in("approved", household)
    application.approval_kind, application.certificate_valid_until = "certificate", valid_until
    application.save()
    return application


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desk"])
def test_start_up_loan_deadlines_read_earliest_first_and_an_expired_certificate_says_so(
    page, live_server, login, a11y, viewport
):
    page.set_viewport_size(viewport)
    municipality = MunicipalityFactory()
    counsellor = CounsellorFactory(municipality=municipality)
    later = HouseholdFactory(municipality=municipality, counsellor=counsellor, reference="A-1")
    earlier = HouseholdFactory(municipality=municipality, counsellor=counsellor, reference="B-2")
    _certificate(later, TODAY + timedelta(days=20))  # made first, due last
    expired = _certificate(earlier, TODAY - timedelta(days=10))
    with translation.override("nb"):
        expired_on = formats.date_format(expired.certificate_valid_until, "j. F Y")

    login(counsellor)
    panel = page.locator("section", has=page.locator("#deadlines-heading"))
    items = panel.locator("li")
    expect(items.first).to_contain_text(f"finansieringsbeviset gikk ut {expired_on}")
    expect(items.nth(1)).to_contain_text("finansieringsbeviset går ut")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/caseload-deadlines-{viewport['width']}.png", full_page=True)

    page.goto(f"{live_server.url}/cases/startloans/")
    a11y.check(page)
    deadlines = page.locator("h2:has-text('Frister') + ul li")
    expect(deadlines.first).to_contain_text("B-2")
    expect(deadlines.first).to_contain_text(f"gikk ut {expired_on}")
    expect(deadlines.nth(1)).to_contain_text("A-1")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/pipeline-deadlines-{viewport['width']}.png", full_page=True)
