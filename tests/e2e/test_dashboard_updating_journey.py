"""Right after a counsellor logs a visit, the manager's dashboard shows the figures from before it,
marked as being computed again, and puts the new ones in their place by itself once the background
has computed them (here the background's task is done by the test, as a worker would do it)."""

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from reports.dashboard import dashboard_refresh
from reports.periods import Quarter
from tests.e2e.conftest import PHONE
from tests.factories import FollowUpFactory, HouseholdFactory, ManagerFactory, MunicipalityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="needs a broker: a background to wait for"),
]


def test_the_figures_from_before_a_change_give_way_to_the_new_ones_by_themselves(
    page, live_server, login, a11y
):
    page.set_viewport_size(PHONE)
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    household = HouseholdFactory(municipality=municipality)
    FollowUpFactory(household=household, date=date.today(), minutes=30)
    login(ManagerFactory(municipality=municipality))
    dashboard_refresh(municipality.pk)  # the background has computed the figures after the set-up
    page.reload()
    quarter = Quarter.containing(date.today()).label
    expect(page.get_by_role("link", name=f"Oppfølginger, {quarter}: 1", exact=True)).to_be_visible()

    FollowUpFactory(household=household, date=date.today(), minutes=45)  # a counsellor logs a visit
    page.reload()
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Tallene beregnes på nytt etter en endring")
    expect(page.get_by_role("link", name=f"Oppfølginger, {quarter}: 1", exact=True)).to_be_visible()

    dashboard_refresh(municipality.pk)  # what the worker does
    expect(page.get_by_role("link", name=f"Oppfølginger, {quarter}: 2", exact=True)).to_be_visible(
        timeout=10_000
    )
    expect(page.get_by_text("Tallene beregnes på nytt")).to_have_count(0)
    a11y.check(page)
