"""On PostgreSQL the figures come from one prepared statement (reports.figures_sql): it must give what
the definitions give with the ORM (`figures_by_queries`), for one municipality, several pooled, all
of them, and each of several, on hand-built records at the edges of the rules."""

from datetime import date

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from cases.models import Appeal, Decision, StartLoanApplication
from reports import figures_sql, indicators
from reports.selectors import figures, figures_by_municipality, figures_by_queries
from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    ManagerFactory,
    PersonFactory,
    RentalUnitFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)
from tests.perf.baseline_reports import baseline_figures

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the statement is PostgreSQL's",
)

D = date
FIRST, LAST = D(2026, 1, 1), D(2026, 3, 31)


def tenancy(household, start, moved_out=None, reason=""):
    return TenancyFactory(
        household=household,
        unit=RentalUnitFactory(municipality=household.municipality),
        start_date=start,
        contract_end_date=None,
        moved_out_on=moved_out,
        move_out_reason=reason,
    )


def decision(household, person, outcome, approved_on, by, drafter):
    return Decision.objects.create(
        household=household,
        person=person,
        status=Decision.Status.APPROVED,
        outcome=outcome,
        drafted_by=drafter,
        approved_by=by,
        approved_on=approved_on,
    )


def build(place, *, leap: bool):
    """A municipality's records at the edges: members who left, children turning 18 (on 29 February
    too), a household with two exits in the period, a transfer, an exit never followed up, loans
    received and decided, flags, decisions and appeals."""
    boss, drafter = ManagerFactory(municipality=place), ManagerFactory(municipality=place)
    a = HouseholdFactory(municipality=place)
    FollowUpFactory(household=a, date=D(2026, 1, 5), minutes=45)
    FollowUpFactory(household=a, date=D(2026, 3, 31), minutes=None)
    PersonFactory(household=a, birth_date=D(2008, 3, 31))  # 18 on the last day: an adult
    PersonFactory(household=a, birth_date=D(2008, 4, 1))  # a child on the last day
    PersonFactory(household=a, birth_date=None)  # no birth date: an adult
    PersonFactory(household=a, birth_date=D(2010, 1, 1), left_on=D(2026, 3, 31))  # left on the last day
    PersonFactory(household=a, birth_date=D(2010, 1, 1), left_on=D(2026, 4, 1))  # still a member then
    b = HouseholdFactory(municipality=place)  # two exits in the period, followed up before both
    FollowUpFactory(household=b, date=D(2020, 1, 1), minutes=30)
    born = D(2008, 2, 29) if leap else D(2008, 2, 28)
    PersonFactory(household=b, birth_date=born)  # 18 on 1 March 2026 (29 February) or 28 February
    PersonFactory(household=b, birth_date=D(1980, 5, 5), left_on=D(2026, 2, 15))  # left between the exits
    PersonFactory(household=b, birth_date=D(2015, 5, 5), left_on=D(2026, 1, 1))  # left before both
    tenancy(b, D(2023, 2, 28), D(2026, 2, 1), "bought")
    tenancy(b, D(2022, 6, 20), D(2026, 3, 1), "other")
    c = HouseholdFactory(municipality=place)  # a transfer and an exit never followed up before it
    FollowUpFactory(household=c, date=D(2026, 3, 20), minutes=15)
    PersonFactory(household=c, birth_date=D(2000, 1, 1))
    tenancy(c, D(2021, 2, 1), D(2026, 2, 1), "transfer")
    tenancy(c, D(2019, 2, 1), D(2026, 3, 10), "private_rental")
    d = HouseholdFactory(municipality=place)  # let across the period; long or not by the threshold
    tenancy(d, D(2023, 3, 31))
    tenancy(d, D(2024, 3, 31) if leap else D(2024, 4, 1))
    tenancy(d, D(2024, 2, 29))
    tenancy(d, D(2026, 4, 1))  # after the period
    StartLoanApplicationFactory(household=a, received_on=D(2026, 2, 1), loan_amount_nok=1_000_000)
    StartLoanApplicationFactory(
        household=a, received_on=D(2025, 12, 1), decided_on=D(2026, 1, 10), status="approved"
    )
    StartLoanApplicationFactory(
        household=b, received_on=D(2025, 11, 1), decided_on=D(2026, 3, 31), status="disbursed"
    )
    StartLoanApplicationFactory(
        household=c, received_on=D(2025, 11, 1), decided_on=D(2026, 2, 2), status="rejected"
    )
    flag_tenancy = tenancy(d, D(2015, 1, 1))
    LongTenureFlagFactory(tenancy=flag_tenancy, raised_on=D(2026, 2, 1))
    granted = decision(a, a.members.first(), "granted", D(2026, 2, 1), boss, drafter)
    decision(c, c.members.first(), "refused", D(2026, 3, 1), boss, drafter)
    decision(c, c.members.first(), "granted", D(2025, 12, 31), boss, drafter)
    Appeal.objects.create(
        decision=granted,
        received_on=D(2026, 2, 10),
        within_deadline=True,
        second_look="changed",
        second_look_on=D(2026, 3, 1),
        forwarded_on=D(2026, 3, 2),
        outcome="reversed",
        outcome_on=D(2026, 3, 30),
    )


@pytest.fixture
def places(municipality, other_municipality):
    municipality.tenure_threshold_years = 3
    municipality.save()
    other_municipality.tenure_threshold_years = 2
    other_municipality.save()
    build(municipality, leap=True)
    build(other_municipality, leap=False)
    return [municipality, other_municipality]


@pytest.mark.parametrize("period", [(FIRST, LAST), (D(2026, 2, 1), D(2026, 2, 28)), (D(2016, 1, 1), LAST)])
def test_the_statement_gives_what_the_definitions_give(places, period):
    first, last = period
    for scope in (places[0], places[1], places, None):
        assert figures(scope, first, last) == figures_by_queries(scope, first, last)
        with connection.cursor() as cursor:  # the bench's baseline does the same work
            assert baseline_figures(cursor, scope, first, last) == figures(scope, first, last)
    each = figures_by_municipality(places, first, last)
    assert each == {m.pk: figures_by_queries(m, first, last) for m in places}


def test_the_hand_built_figures(places):
    found = figures(places[0], FIRST, LAST)
    assert found["households_assisted"] == 2  # a and c (b's follow-up is from 2020)
    assert found["persons_assisted"] == 5  # a's four members on the last day, c's one
    assert found["children_assisted"] == 2  # born 1 April 2008, and 2010 (still a member)
    assert found["municipal_units_freed"] == 2  # b's two: not the transfer, nor c's exit before its visit
    assert found["persons_moved_out"] == 2  # b's: the one born 2008 and the one who left between
    assert found["children_moved_out"] == 1  # born 29 February 2008: a child on 1 February
    assert found["followups"] == 3 and found["followup_hours"] == 1.0
    assert found["startloan_applications_received"] == 1
    assert found["startloan_applications_approved"] == 2
    assert found["decisions_granted"] == 1 and found["decisions_refused"] == 1
    assert found["appeals_decision_changed"] == 1 and found["appeals_reversed"] == 1


def test_one_statement_for_any_number_of_municipalities(places, django_assert_num_queries):
    figures(places, FIRST, LAST)  # prepared on this connection
    with django_assert_num_queries(1):
        figures(places[0], FIRST, LAST)
    with django_assert_num_queries(1):
        figures(None, FIRST, LAST)
    with django_assert_num_queries(1):
        figures_by_municipality(places, FIRST, LAST)


def test_every_counted_indicator_is_in_the_statement():
    plain = {key for key, item in indicators.INDICATORS.items() if not item.compute}
    assert plain <= set(figures_sql.COLUMNS)


@pytest.mark.django_db(transaction=True)
def test_a_start_up_loan_carries_its_households_municipality(municipality, other_municipality):
    household = HouseholdFactory(municipality=municipality)
    loan = StartLoanApplicationFactory(household=household)
    assert loan.municipality_id == municipality.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        StartLoanApplication.objects.filter(pk=loan.pk).update(municipality=other_municipality)
        connection.check_constraints()
