"""Rotation (rullering): docs/domain.md's five indicators on hand-built tenancies. The period is 2026Q1:
1 January to 31 March 2026, both days included; the long-tenure threshold is 3 years."""

from datetime import date

import pytest
from django.urls import reverse

from reports import indicators
from reports.indicators import figures, median, per_hundred, whole_months
from reports.presentation import format_value
from tests.factories import FollowUpFactory, HouseholdFactory, TenancyFactory

FIRST, LAST = date(2026, 1, 1), date(2026, 3, 31)
D = date


def tenancy(municipality, start, moved_out=None, reason="", followed_up=True):
    household = HouseholdFactory(municipality=municipality)
    if followed_up:
        FollowUpFactory(household=household, date=start)
    return TenancyFactory(
        household=household,
        start_date=start,
        contract_end_date=None,
        moved_out_on=moved_out,
        move_out_reason=reason,
    )


@pytest.fixture
def rotation(municipality, other_municipality):
    m = municipality
    tenancy(m, D(2023, 3, 31))  # A: exactly three years on the last day: long
    tenancy(m, D(2023, 4, 1))  # B: a day short of three years: let, not long
    tenancy(m, D(2023, 12, 1), D(2026, 1, 1), "bought")  # C: out on the first day: not let then; 25 months
    tenancy(m, D(2025, 1, 15), D(2026, 3, 31), "private_rental")  # D: out on the last day; 14 months
    tenancy(m, D(2022, 6, 20), D(2026, 2, 19), "other")  # E: 44 months less a day: 43
    tenancy(m, D(2025, 12, 1), D(2026, 3, 1), "bought")  # J: 3 months
    tenancy(m, D(2021, 2, 1), D(2026, 2, 1), "transfer")  # F: a transfer: let on the first day, no exit
    tenancy(m, D(2020, 5, 5), D(2026, 2, 10), "bought", followed_up=False)  # I: never followed up: no exit
    tenancy(m, D(2026, 3, 31))  # G: moves in on the last day: let then
    tenancy(m, D(2026, 4, 1))  # H: moves in after the period: not let
    tenancy(other_municipality, D(2010, 1, 1))  # another municipality's
    return m


def test_the_five_rotation_indicators_on_hand_built_tenancies(rotation):
    found = figures(rotation, FIRST, LAST, keys=indicators.ROTATION_KEYS)
    assert found == {
        "tenancies_running_last_day": 3,  # A, B, G
        "long_tenancies_last_day": 1,  # A
        "long_tenancies_share_pct": 33.3,  # 1 / 3 x 100
        "median_months_lived_exits": 19.5,  # 3, 14, 25, 43: an even count, the mean of 14 and 25
        "units_freed_per_100_let": 57.1,  # 4 exits (C, D, E, J) / 7 let on the first day (A B D E J F I)
    }
    # One at a time (the dashboard's drill-down and `Indicator.__call__`) gives the same.
    for key, value in found.items():
        assert indicators.INDICATORS[key](rotation, FIRST, LAST) == value


def test_let_on_a_day_is_the_tenancy_querysets_definition(rotation):
    from housing.models import Tenancy

    let = Tenancy.objects.running_on(LAST).filter(municipality=rotation)
    records = indicators.records("tenancies_running_last_day", rotation, FIRST, LAST)
    assert set(records.values_list("pk", flat=True)) == set(let.values_list("pk", flat=True))
    long_ones = indicators.records("long_tenancies_last_day", rotation, FIRST, LAST)
    assert [t.start_date for t in long_ones] == [D(2023, 3, 31)]
    exits = indicators.records("median_months_lived_exits", rotation, FIRST, LAST)
    assert sorted(t.start_date for t in exits) == [
        D(2022, 6, 20),
        D(2023, 12, 1),
        D(2025, 1, 15),
        D(2025, 12, 1),
    ]


def test_the_threshold_is_the_municipalitys_own(rotation):
    rotation.tenure_threshold_years = 2
    rotation.save()
    found = figures(rotation, FIRST, LAST, keys=indicators.ROTATION_KEYS)
    assert found["long_tenancies_last_day"] == 2  # A and B
    assert found["long_tenancies_share_pct"] == 66.7  # 2 / 3 x 100 = 66.666…, half up


def test_a_period_with_nobody_let_gives_empty_values_not_zero(rotation):
    found = figures(rotation, D(2000, 1, 1), D(2000, 3, 31), keys=indicators.ROTATION_KEYS)
    assert found == {
        "tenancies_running_last_day": 0,
        "long_tenancies_last_day": 0,
        "long_tenancies_share_pct": None,
        "median_months_lived_exits": None,
        "units_freed_per_100_let": None,
    }
    assert format_value("long_tenancies_share_pct", None) == "–"


def test_an_odd_count_of_exits_takes_the_middle_one(rotation):
    # February alone: E (43 months) and I (no follow-up: not an exit), F is a transfer.
    found = figures(rotation, D(2026, 2, 1), D(2026, 2, 28), keys=indicators.ROTATION_KEYS)
    assert found["median_months_lived_exits"] == 43.0


def test_half_up_rounding_of_shares_and_rates(municipality):
    # 16 let on the first day; one of them moves out in the period, one moves in: 16 on the last day,
    # one of them long. 1 / 16 x 100 = 6.25: half up gives 6.3 (half to even would give 6.2).
    for _n in range(14):
        tenancy(municipality, D(2025, 6, 1))
    tenancy(municipality, D(2020, 1, 1))  # long
    tenancy(municipality, D(2025, 6, 1), D(2026, 2, 1), "bought")
    tenancy(municipality, D(2026, 2, 1))
    found = figures(municipality, FIRST, LAST, keys=indicators.ROTATION_KEYS)
    assert found["tenancies_running_last_day"] == 16
    assert found["long_tenancies_share_pct"] == 6.3
    assert found["units_freed_per_100_let"] == 6.3
    assert format_value("units_freed_per_100_let", 6.3) == "6,3"


def test_the_arithmetic_helpers():
    assert per_hundred(1, 16) == 6.3
    assert per_hundred(1, 0) is None
    assert median([]) is None
    assert median([5, 1]) == 3.0
    assert median([1, 2]) == 1.5
    assert median([7, 1, 4]) == 4.0
    assert whole_months(D(2026, 1, 15), D(2026, 3, 14)) == 1
    assert whole_months(D(2026, 1, 15), D(2026, 3, 15)) == 2
    assert whole_months(D(2026, 1, 31), D(2026, 2, 28)) == 0


def test_the_dashboard_shows_rotation_and_opens_its_records(client_for, manager, rotation):
    client = client_for(manager)
    page = client.get(reverse("reports:dashboard"), {"period": "2026Q1"}).content.decode()
    for key in indicators.ROTATION_KEYS:
        assert reverse("reports:records", args=[key]) in page
    assert "Andel lange leieforhold (%)" in page
    records = client.get(reverse("reports:records", args=["long_tenancies_last_day"]), {"period": "2026Q1"})
    assert records.status_code == 200
    assert "Lange leieforhold siste dag" in records.content.decode()
