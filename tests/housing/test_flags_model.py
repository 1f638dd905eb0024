"""The set-based job against the issue's rule written out plainly in Python, over simulated nights:
contracts are renewed, flags decided, time passes; every night both must pick the same tenancies."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from housing.models import LongTenureFlag, Tenancy
from housing.services.flags import flags_due, flags_raise_due
from tests.factories import TenancyFactory


def no_leap_day(d: date) -> bool:
    return (d.month, d.day) != (2, 29)


days = st.dates(date(2017, 1, 1), date(2025, 12, 31)).filter(no_leap_day)
tenancy_spec = st.tuples(
    days, st.one_of(st.none(), st.integers(0, 5 * 365)), st.one_of(st.none(), st.integers(1, 4000))
)
night = st.tuples(
    st.integers(1, 400),  # days since the previous night
    st.sets(st.integers(0, 5), max_size=3),  # whose open flag an officer resolves that day
    st.sets(st.integers(0, 5), max_size=2),  # whose contract is renewed by a year that day
)


def expected_due(municipality, as_of: date) -> set[int]:
    """The issue, word by word: running on the day with no move-out registered; start +
    threshold on or before it, or the contract ending on or before the day plus the window; no open
    flag; after a resolved flag only what is new."""
    years, months = municipality.tenure_threshold_years, municipality.expiry_window_months
    due = set()
    for t in Tenancy.objects.filter(municipality=municipality):
        if not (t.start_date <= as_of and (t.moved_out_on is None or t.moved_out_on > as_of)):
            continue
        if t.moved_out_on is not None:  # A registered move-out (planned) is the next step
            continue
        flags = list(t.flags.order_by("id"))
        if any(f.resolved_on is None for f in flags):
            continue
        tenure = t.start_date + relativedelta(years=years) <= as_of
        expiry = t.contract_end_date is not None and t.contract_end_date <= as_of + relativedelta(
            months=months
        )
        if flags:
            last = flags[-1]
            tenure = tenure and (
                "tenure" not in last.reasons or last.resolved_on + relativedelta(years=years) <= as_of
            )
            expiry = expiry and last.contract_end_date != t.contract_end_date
        if tenure or expiry:
            due.add(t.pk)
    return due


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(tenancy_spec, min_size=1, max_size=6), nights=st.lists(night, min_size=1, max_size=6))
def test_the_job_agrees_with_the_rule_night_after_night(municipality, specs, nights):
    try:
        with transaction.atomic():
            tenancies = []
            for start, contract_days, stay_days in specs:
                tenancies.append(
                    TenancyFactory(
                        household__municipality=municipality,
                        start_date=start,
                        contract_end_date=None
                        if contract_days is None
                        else start + timedelta(days=contract_days),
                        moved_out_on=None if stay_days is None else start + timedelta(days=stay_days),
                        move_out_reason="" if stay_days is None else "other",
                    )
                )
            as_of = date(2024, 1, 1)
            for gap, resolve, renew in nights:
                as_of += timedelta(days=gap)
                for i in resolve & set(range(len(tenancies))):
                    LongTenureFlag.objects.filter(tenancy=tenancies[i], resolved_on__isnull=True).update(
                        status="resolved", resolved_on=as_of
                    )
                for i in renew & set(range(len(tenancies))):
                    t = tenancies[i]
                    if t.contract_end_date and t.moved_out_on is None:
                        t.contract_end_date = max(t.contract_end_date, as_of) + relativedelta(years=1)
                        t.save(update_fields=["contract_end_date"])
                expected = expected_due(municipality, as_of)
                assert (
                    set(flags_due(municipality=municipality, as_of=as_of).values_list("pk", flat=True))
                    == expected
                )
                assert flags_raise_due(municipality=municipality, as_of=as_of) == len(expected)
                assert flags_raise_due(municipality=municipality, as_of=as_of) == 0
            raise Rollback
    except Rollback:
        pass
