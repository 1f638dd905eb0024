"""The manager's figures for this quarter and this year are the figures so far: a move-out
registered for later in the quarter is no freed unit yet."""

from datetime import timedelta

import pytest
from django.utils import timezone

from housing.services.tenancies import tenancy_end
from reports.dashboard import dashboard_figures, dashboard_periods
from reports.periods import Quarter
from tests.factories import FollowUpFactory, TenancyFactory


@pytest.mark.django_db
def test_a_move_out_later_this_quarter_is_not_counted_yet(manager, municipality):
    today = timezone.localdate()
    ahead = min(Quarter.containing(today).last, today + timedelta(days=10))
    if ahead == today:
        pytest.skip("today is the quarter's last day: no later day in it")
    done = TenancyFactory(household__municipality=municipality, start_date=today - timedelta(days=900))
    planned = TenancyFactory(household__municipality=municipality, start_date=today - timedelta(days=900))
    for tenancy in (done, planned):
        FollowUpFactory(household=tenancy.household, date=today - timedelta(days=1))
    tenancy_end(tenancy=done, on=today, reason="bought")
    tenancy_end(tenancy=planned, on=ahead, reason="bought")

    periods = dashboard_periods(Quarter.containing(today))
    quarter = dashboard_figures(manager, periods)["figures"]["value"]
    assert quarter["municipal_units_freed"] == 1 and quarter["households_bought_home"] == 1
    assert periods["value"][1] == today
