"""Every indicator on hand-made data, with the edges docs/domain.md spells out. The period is 2026Q1:
1 January to 31 March 2026, both days included."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Appeal, Decision, StartLoanApplication
from reports import indicators
from reports.indicators import figures
from tests.factories import (
    CounsellorFactory,
    FollowUpFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    ManagerFactory,
    PersonFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)

FIRST, LAST = date(2026, 1, 1), date(2026, 3, 31)
FEB_1 = date(2026, 2, 1)
D = date


def household_with(municipality, births, followups=(), moved_out=None, reason=None):
    """A household; `births` are birth dates or (birth date, left_on); follow-ups are (date, minutes)."""
    household = HouseholdFactory(municipality=municipality)
    for birth in births:
        birth, left_on = birth if isinstance(birth, tuple) else (birth, None)
        PersonFactory(household=household, birth_date=birth, left_on=left_on)
    for on, minutes in followups:
        FollowUpFactory(household=household, date=on, minutes=minutes)
    if moved_out:
        TenancyFactory(
            household=household,
            start_date=D(2020, 1, 1),
            contract_end_date=None,
            moved_out_on=moved_out,
            move_out_reason=reason,
        )
    return household


@pytest.fixture
def quarter(municipality, other_municipality):
    m = municipality
    # A: follow-ups on the first and the last day; members at every edge of «child on the last day».
    household_with(
        m,
        [
            D(1980, 5, 5),
            D(2008, 3, 31),  # 18 on the last day: an adult
            D(2008, 4, 1),  # 18 the day after: a child
            None,  # no birth date: an adult
            (D(1990, 1, 1), D(2026, 2, 1)),  # left during the period: not a member on the last day
            (D(2012, 1, 1), D(2026, 4, 5)),  # leaves after the period: still a member, a child
        ],
        followups=[(FIRST, 45), (LAST, 52)],
    )
    # B: follow-ups the day before and the day after the period only: not assisted.
    household_with(m, [D(1980, 1, 1)], followups=[(D(2025, 12, 31), 60), (D(2026, 4, 1), 60)])
    # C: bought a home; an 18th birthday on the move-out day; one member left on the move-out day.
    household_with(
        m,
        [D(1985, 1, 1), D(2008, 2, 15), D(2010, 6, 1), (D(1990, 1, 1), D(2026, 2, 15))],
        followups=[(D(2026, 1, 10), 30)],
        moved_out=D(2026, 2, 15),
        reason="bought",
    )
    # D: follow-ups only after moving out: assisted, but not an exit.
    household_with(
        m,
        [D(1970, 1, 1)],
        followups=[(D(2026, 3, 1), None)],
        moved_out=D(2026, 2, 20),
        reason="private_rental",
    )
    # E: a transfer to another municipal unit: not an exit.
    household_with(
        m, [D(1970, 1, 1)], followups=[(D(2025, 6, 1), 30)], moved_out=D(2026, 3, 1), reason="transfer"
    )
    # F: never followed up: not an exit.
    household_with(m, [D(1970, 1, 1)], moved_out=D(2026, 1, 5), reason="other")
    # G: a follow-up on the move-out day, which is the period's last day: an exit.
    household_with(m, [D(1975, 1, 1), D(2015, 1, 1)], followups=[(LAST, 20)], moved_out=LAST, reason="other")
    # H: moved out on the period's first day, followed up the year before: an exit.
    household_with(
        m,
        [D(1980, 1, 1), D(2009, 1, 1)],
        followups=[(D(2025, 5, 1), 30)],
        moved_out=FIRST,
        reason="private_rental",
    )
    # I: moved out the day before the period: not in it.
    household_with(
        m, [D(1980, 1, 1)], followups=[(D(2025, 5, 1), 30)], moved_out=D(2025, 12, 31), reason="bought"
    )
    # Another municipality: only in the national figures.
    household_with(other_municipality, [D(1980, 1, 1)], followups=[(D(2026, 2, 2), 60)])

    # Start-up loans.
    h = HouseholdFactory(municipality=m)
    approved, disbursed = StartLoanApplication.Status.APPROVED, StartLoanApplication.Status.DISBURSED
    StartLoanApplicationFactory(household=h, received_on=FIRST)
    StartLoanApplicationFactory(
        household=h, received_on=D(2025, 12, 31), decided_on=LAST, status=approved, loan_amount_nok=1_000_000
    )
    StartLoanApplicationFactory(
        household=h, received_on=D(2026, 2, 1), decided_on=D(2026, 4, 1), status=approved
    )
    StartLoanApplicationFactory(
        household=h,
        received_on=D(2026, 1, 15),
        decided_on=D(2026, 2, 1),
        status=disbursed,
        loan_amount_nok=500_000,
    )
    StartLoanApplicationFactory(
        household=h,
        received_on=D(2026, 1, 20),
        decided_on=D(2026, 1, 25),
        status="rejected",
        loan_amount_nok=9,
    )
    # Flags.
    LongTenureFlagFactory(
        tenancy__household__municipality=m, raised_on=FIRST, resolved_on=D(2026, 4, 1), status="resolved"
    )
    LongTenureFlagFactory(
        tenancy__household__municipality=m, raised_on=D(2025, 10, 1), resolved_on=LAST, status="resolved"
    )
    # Decisions and appeals.
    drafter, approver = CounsellorFactory(municipality=m), ManagerFactory(municipality=m)
    person = PersonFactory(household=h)

    def decision(outcome, status=Decision.Status.APPROVED, approved_on=FEB_1):
        return Decision.objects.create(
            household=h,
            person=person,
            outcome=outcome,
            status=status,
            drafted_by=drafter,
            approved_by=approver if approved_on else None,
            approved_on=approved_on,
        )

    granted = decision(Decision.Outcome.GRANTED)
    refused = decision(Decision.Outcome.REFUSED, approved_on=FIRST)
    decision(Decision.Outcome.GRANTED, approved_on=D(2025, 12, 31))
    decision(Decision.Outcome.REFUSED, status=Decision.Status.SUBMITTED, approved_on=None)
    Appeal.objects.create(
        decision=refused,
        received_on=D(2026, 1, 10),
        within_deadline=True,
        second_look="kept",
        second_look_on=D(2026, 1, 20),
        forwarded_on=D(2026, 1, 21),
        outcome="upheld",
        outcome_on=LAST,
    )
    Appeal.objects.create(
        decision=granted,
        received_on=D(2025, 12, 20),
        within_deadline=True,
        second_look="changed",
        second_look_on=FIRST,
    )
    Appeal.objects.create(
        decision=refused,
        received_on=D(2025, 11, 1),
        within_deadline=True,
        second_look="kept",
        second_look_on=D(2025, 11, 10),
        forwarded_on=D(2025, 11, 11),
        outcome="reversed",
        outcome_on=D(2026, 4, 1),
    )


EXPECTED = {
    "households_assisted": 4,  # A, C, D, G
    "persons_assisted": 11,  # A 5, C 3, D 1, G 2
    "children_assisted": 4,  # A 2, C 1, G 1
    "households_bought_home": 1,  # C
    "households_moved_to_private_rental": 1,  # H
    "municipal_units_freed": 3,  # C, G, H
    "persons_moved_out": 7,  # C 3, G 2, H 2
    "children_moved_out": 3,  # C 1 (not the one who turned 18 that day), G 1, H 1
    "startloan_applications_received": 4,
    "startloan_applications_approved": 2,
    "startloan_amount_approved_nok": 1_500_000,
    "followups": 5,
    "followup_hours": 2.5,  # 147 minutes = 2.45 hours, rounded half up
    "long_tenure_flags_raised": 1,
    "long_tenure_flags_resolved": 1,
    "decisions_granted": 1,
    "decisions_refused": 1,
    "appeals_received": 1,
    "appeals_forwarded": 1,
    "appeals_decision_changed": 1,
    "appeals_upheld": 1,
    "appeals_reversed": 0,
}


def test_figures_agree_with_the_definitions(quarter, municipality):
    # Rotation's five are tested on tenancies built for them (test_rotation.py).
    assert figures(municipality, FIRST, LAST, keys=tuple(EXPECTED)) == EXPECTED


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_indicator_alone_and_its_records_agree(quarter, municipality, key):
    assert getattr(indicators, key)(municipality, FIRST, LAST) == EXPECTED[key]
    if key not in ("followup_hours", "startloan_amount_approved_nok"):
        assert indicators.records(key, municipality, FIRST, LAST).count() == EXPECTED[key]


def test_national_figures_take_every_municipality(quarter, municipality):
    national = figures(None, FIRST, LAST)
    assert national["households_assisted"] == EXPECTED["households_assisted"] + 1
    assert national["followups"] == EXPECTED["followups"] + 1


def test_figures_are_a_few_queries(quarter, municipality, django_assert_max_num_queries):
    # One aggregate per source; rotation adds three: let on the last day, let on the first day, and
    # the exits' months for the median.
    with django_assert_max_num_queries(10):
        figures(municipality, FIRST, LAST)


def test_every_domain_key_and_definition_is_the_table_of_domain_md():
    assert tuple(list(EXPECTED)[:15]) == indicators.DOMAIN_KEYS
    for key in indicators.ALL_KEYS:
        assert indicators.INDICATORS[key].definition
        assert getattr(indicators, key).__doc__ == indicators.INDICATORS[key].definition


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(birth=st.dates(D(1990, 1, 1), D(2012, 12, 31)), on=st.dates(D(2008, 1, 1), D(2030, 12, 31)))
def test_child_in_sql_is_child_in_python(birth, on):
    from cases.models import Person

    person = PersonFactory.build(birth_date=birth)
    expected = person.is_child_on(on)
    # The SQL expression evaluated on a row with that birth date.
    if not Person.objects.exists():
        PersonFactory()
    Person.objects.update(birth_date=birth)
    assert Person.objects.filter(indicators.is_child_on("birth_date", on)).exists() == expected
