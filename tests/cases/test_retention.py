"""Retention: working notes of households closed longer than the retention time are anonymised,
their earlier versions too, while every report figure stays the same."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from cases.models import Consent, FollowUp, Household, StartLoanApplication
from cases.services.retention import households_anonymise_closed
from housing.models import MoveOutReason
from tests.factories import (
    ConsentFactory,
    FollowUpFactory,
    HouseholdFactory,
    PersonFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)
SECRET = "Mor strever med rus; barnevernet er varslet"


def _closed_household(municipality, closed_on):
    household = HouseholdFactory(municipality=municipality, notes=SECRET)
    PersonFactory(household=household, birth_date=date(1985, 5, 1), with_national_id=True)
    PersonFactory(household=household, birth_date=date(2012, 3, 3))
    visit = FollowUpFactory(
        household=household,
        date=closed_on - timedelta(days=90),
        minutes=60,
        note=SECRET,
        next_step="Ring NAV",
    )
    visit.note = SECRET + " (rettet)"
    visit.save()  # a correction: the earlier version is kept in the history
    FollowUpFactory(household=household, date=closed_on - timedelta(days=30), minutes=30, note=SECRET)
    ConsentFactory(household=household, purpose=SECRET, given_on=closed_on - timedelta(days=200))
    StartLoanApplicationFactory(
        household=household,
        received_on=closed_on - timedelta(days=150),
        decided_on=closed_on - timedelta(days=120),
        status=StartLoanApplication.Status.APPROVED,
        loan_amount_nok=2_000_000,
        rejection_reason=SECRET,
    )
    TenancyFactory(
        household=household,
        start_date=closed_on - timedelta(days=1500),
        moved_out_on=closed_on - timedelta(days=10),
        move_out_reason=MoveOutReason.BOUGHT,
        move_out_note=SECRET,
    )
    household.closed_on = closed_on
    household.close_reason = Household.CloseReason.GOAL_REACHED
    household.save()
    return household


def _texts(household):
    household.refresh_from_db()
    followups = FollowUp.objects.filter(household=household)
    return {
        "household": household.notes,
        "household history": [h.notes for h in Household.history.filter(id=household.pk)],
        "followups": [(f.note, f.next_step) for f in followups],
        "followup history": [h.note for h in FollowUp.history.filter(household_id=household.pk)],
        "consents": [c.purpose for c in Consent.objects.filter(household=household)],
        "consent history": [h.purpose for h in Consent.history.filter(household_id=household.pk)],
        "startloans": [s.rejection_reason for s in household.startloans.all()],
        "tenancies": [t.move_out_note for t in household.tenancies.all()],
    }


def _holds_secret(texts) -> bool:
    return SECRET in repr(texts)


def test_notes_of_households_closed_longer_than_the_retention_time_are_anonymised(municipality):
    old = _closed_household(municipality, closed_on=date(2020, 5, 1))  # six years before TODAY
    recent = _closed_household(municipality, closed_on=date(2023, 1, 1))
    open_household = HouseholdFactory(municipality=municipality, notes=SECRET)
    assert _holds_secret(_texts(old))

    assert households_anonymise_closed(municipality=municipality, as_of=TODAY) == 1

    texts = _texts(old)
    assert not _holds_secret(texts), texts
    assert texts["consents"] == ["[anonymisert]"]
    assert _holds_secret(_texts(recent))
    open_household.refresh_from_db()
    assert open_household.notes == SECRET
    old.refresh_from_db()
    assert old.anonymised_at is not None
    # What the figures are made of stays.
    visits = FollowUp.objects.filter(household=old).order_by("date")
    assert [(v.minutes, v.kind) for v in visits] == [(60, "home_visit"), (30, "home_visit")]
    assert sorted(p.birth_date for p in old.members.all()) == [date(1985, 5, 1), date(2012, 3, 3)]
    assert old.events.filter(kind="anonymised").count() == 1


def test_the_retention_time_is_the_municipalitys_own(municipality):
    household = _closed_household(municipality, closed_on=date(2020, 5, 1))
    municipality.retention_years = 10
    municipality.save()
    assert households_anonymise_closed(municipality=municipality, as_of=TODAY) == 0
    assert _holds_secret(_texts(household))


def test_another_municipalitys_households_are_left_alone(municipality, other_municipality):
    theirs = _closed_household(other_municipality, closed_on=date(2015, 1, 1))
    households_anonymise_closed(municipality=municipality, as_of=TODAY)
    assert _holds_secret(_texts(theirs))


def test_running_twice_changes_nothing_more(municipality):
    household = _closed_household(municipality, closed_on=date(2019, 1, 1))
    assert households_anonymise_closed(municipality=municipality, as_of=TODAY) == 1
    household.refresh_from_db()
    first = household.anonymised_at
    assert households_anonymise_closed(municipality=municipality, as_of=TODAY) == 0
    household.refresh_from_db()
    assert household.anonymised_at == first
    assert household.events.filter(kind="anonymised").count() == 1


def test_report_figures_stay_the_same(municipality):
    from reports.selectors import figures

    for closed_on in (date(2019, 9, 1), date(2020, 2, 1), date(2024, 1, 1)):
        _closed_household(municipality, closed_on=closed_on)
    periods = [(date(2018, 1, 1), date(2018, 12, 31)), (date(2019, 1, 1), date(2020, 12, 31))]
    periods.append((date(2015, 1, 1), TODAY))
    before = [figures(municipality, first, last) for first, last in periods]
    assert before[-1]["households_assisted"] == 3 and before[-1]["followups"] == 6
    assert households_anonymise_closed(municipality=municipality, as_of=TODAY) == 2
    assert [figures(municipality, first, last) for first, last in periods] == before


def test_the_nightly_task_runs_for_every_municipality_and_is_scheduled(municipality, other_municipality):
    from cases.tasks.retention import retention_anonymise_nightly

    mine = _closed_household(municipality, closed_on=date(2010, 1, 1))
    theirs = _closed_household(other_municipality, closed_on=date(2010, 1, 1))
    assert retention_anonymise_nightly.apply().get() == 2  # in this process, whatever the broker
    assert not _holds_secret(_texts(mine)) and not _holds_secret(_texts(theirs))
    entry = settings.CELERY_BEAT_SCHEDULE["cases-retention-anonymise-nightly"]
    assert entry["task"] == retention_anonymise_nightly.name


def test_the_default_retention_time_is_five_years(municipality):
    assert municipality.retention_years == 5
