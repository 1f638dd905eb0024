import re

import pytest
from playwright.sync_api import expect

from tests.factories import CounsellorFactory, ManagerFactory, MunicipalityFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "factory,landing,heading",
    [
        (CounsellorFactory, "/cases/", "Mine husstander"),
        (OfficerFactory, "/housing/flags/", "Husstander klare for en samtale"),
        (ManagerFactory, "/reports/", "Tall og rapporter"),
    ],
)
def test_each_role_logs_in_lands_on_its_page_and_logs_out(
    page, live_server, login, a11y, factory, landing, heading
):
    user = factory(municipality=MunicipalityFactory(name="Ålesund", slug="alesund"))
    login(user)
    expect(page).to_have_url(re.compile(re.escape(landing) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)

    page.get_by_role("button", name="Logg ut").click()

    page.wait_for_url(re.compile(r"/login/$"))
    expect(page).to_have_url(re.compile(r"/login/$"))
    a11y.check(page)
    page.goto(f"{live_server.url}{landing}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    a11y.check(page)
