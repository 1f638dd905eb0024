"""The demo and national-scale generators: small runs of the same code paths, checked for the
invariants a user of the demo (or a report over the benchmark data) would trip over."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from boveileder.models import Municipality, User
from boveileder.national_id import is_valid
from cases.models import FollowUp, Household, Person, StartLoanApplication, TimelineEvent
from demo.data import DEMO_PASSWORD, DEMO_STAFF, seed_municipality
from demo.national import SCALES, seed_national
from housing.models import Tenancy

TODAY = date(2026, 11, 26)


def eighteenth(born):
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)


def assert_believable(households):
    """The invariants both generators promise, for the households given."""
    persons = Person.objects.filter(household__in=households)
    assert persons.exists()
    for nid in persons.exclude(national_id="").values_list("national_id", flat=True):
        assert is_valid(nid) and int(nid[2]) >= 8, "only synthetic test numbers"
    by_household = defaultdict(list)
    for p in persons:
        by_household[p.household_id].append(p)
    for members in by_household.values():
        adults = [p.birth_date for p in members if p.household_role != "child"]
        assert adults and all(eighteenth(b) <= TODAY for b in adults)
        for child in (p for p in members if p.household_role == "child"):
            assert child.birth_date <= TODAY
            assert all(eighteenth(b) <= child.birth_date for b in adults), (
                "a child born before a parent was 18"
            )
    tenancies = list(Tenancy.objects.filter(household__in=households))
    by_unit = defaultdict(list)
    for t in tenancies:
        assert bool(t.moved_out_on) == bool(t.move_out_reason)
        by_unit[t.unit_id].append(t)
    for runs in by_unit.values():
        runs.sort(key=lambda t: t.start_date)
        for before, after in zip(runs, runs[1:], strict=False):
            assert before.moved_out_on is not None and before.moved_out_on <= after.start_date, "overlap"
    ends = {}
    for t in tenancies:
        if t.moved_out_on and t.move_out_reason != "transfer":
            ends[t.household_id] = t.moved_out_on
    for h in households:
        dates = list(FollowUp.objects.filter(household=h).values_list("date", flat=True))
        assert dates, "every household has been followed up"
        assert min(dates) >= h.enrolled_on
        assert max(dates) <= min(ends.get(h.pk, TODAY), TODAY)


@pytest.mark.django_db
def test_demo_is_believable_idempotent_and_logs_in():
    municipality = seed_municipality(households=10, today=TODAY)
    households = list(Household.objects.filter(municipality=municipality))
    assert len(households) == 10
    assert_believable(households)
    for username, *_rest in DEMO_STAFF:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    statuses = set(StartLoanApplication.objects.values_list("status", flat=True))
    assert {"disbursed", "received"} <= statuses and len(statuses) >= 4
    bought = Tenancy.objects.filter(move_out_reason="bought")
    assert bought.exists()
    for t in bought:
        assert t.startloan.status == "disbursed" and t.startloan.disbursed_on <= t.moved_out_on
    assert TimelineEvent.objects.filter(kind="followup").count() == FollowUp.objects.count()
    assert municipality.grants.filter(funder="husbanken", amount_nok=193_000).exists()
    counts = (Household.objects.count(), FollowUp.objects.count(), TimelineEvent.objects.count())
    call_command("seed_demo")  # the command on the same database keeps what is there
    assert (Household.objects.count(), FollowUp.objects.count(), TimelineEvent.objects.count()) == counts


def check_small_national():
    scale = SCALES["small"]
    result = seed_national(scale="small", seed=7, today=TODAY, log=lambda *a: None)
    assert Municipality.objects.count() == scale.municipalities
    assert Tenancy.objects.count() == scale.tenancies
    assert Household.objects.count() == scale.households
    assert abs(FollowUp.objects.count() - scale.followups) < scale.followups * 0.1
    assert StartLoanApplication.objects.count() == scale.startloans
    oslo = Municipality.objects.get(slug="oslo")
    assert oslo.units.count() == scale.big_units
    for m in Municipality.objects.all():
        roles = User.objects.filter(municipality=m)
        assert (
            roles.filter(is_counsellor=True)
            and roles.filter(is_officer=True)
            and roles.filter(is_manager=True)
        )
    assert User.objects.get(username="oslo-counsellor-1").check_password(DEMO_PASSWORD)
    assert_believable(list(Household.objects.all()))
    assert result["counts"]["households"] == scale.households
    assert seed_national(scale="small", today=TODAY, log=lambda *a: None) == {}, "a second run adds nothing"
    assert Household.objects.count() == scale.households
    # Every exit counts in the reports: its household was followed up on or before the move-out.
    for t in Tenancy.objects.filter(moved_out_on__isnull=False):
        assert FollowUp.objects.filter(household_id=t.household_id, date__lte=t.moved_out_on).exists()
    assert not Tenancy.objects.filter(contract_end_date__lt=TODAY - timedelta(days=20000)).exists()


@pytest.mark.django_db
def test_small_national_scale_on_the_embedded_database():
    check_small_national()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_small_national_scale_loads_with_copy_on_postgresql():
    check_small_national()
