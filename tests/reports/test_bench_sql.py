"""The benchmark's baseline (tests/perf/baseline_reports.py) counts every figure `figures()` counts,
for one municipality, a county's several pooled and the whole country (PostgreSQL only: the SQL is its)."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from boveileder.models import Municipality
from reports.selectors import figures
from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    MunicipalityFactory,
    PersonFactory,
    TenancyFactory,
)
from tests.perf.baseline_reports import baseline_figures

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the bench's SQL is PostgreSQL's",
)


@pytest.mark.django_db
def test_the_bench_sql_agrees_for_one_a_county_and_the_country():
    first, last = date(2026, 1, 1), date(2026, 3, 31)
    # Starts on either side of a three-year threshold (Bergen's is two), exits of different lengths.
    starts = [date(2020, 1, 1), date(2023, 3, 31), date(2023, 4, 1), date(2024, 2, 29), date(2025, 7, 15)]
    for name, number, n, years in (
        ("Ålesund", "1508", 3, 3),
        ("Molde", "1506", 2, 3),
        ("Bergen", "4601", 5, 2),
    ):
        place = MunicipalityFactory(name=name, slug=name.lower(), number=number, tenure_threshold_years=years)
        for i in range(n):
            household = HouseholdFactory(municipality=place)
            PersonFactory(household=household, birth_date=date(2015, 1, 1))
            FollowUpFactory(household=household, date=date(2026, 1, 1), minutes=45)
            leaves = i == 0 or (i == 3 and n == 5)
            TenancyFactory(
                household=household,
                start_date=starts[i],
                contract_end_date=None,
                moved_out_on=date(2026, 3, 1) if leaves else None,
                move_out_reason="bought" if leaves else "",
            )
    county = list(Municipality.objects.in_county("15"))
    for scope in (county[0], county, None):
        with connection.cursor() as cursor:
            sql = baseline_figures(cursor, scope, first, last)
        assert figures(scope, first, last) == sql
    assert sql["households_assisted"] == 10
    assert sql["median_months_lived_exits"] == 74.0  # 74, 74, 24 and 74
    assert sql["long_tenancies_last_day"] == 4
