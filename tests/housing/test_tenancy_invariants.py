from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from housing.models import Tenancy
from tests.factories import HouseholdFactory, TenancyFactory


@pytest.fixture
def tenancy(municipality):
    return TenancyFactory(household__municipality=municipality, start_date=date(2020, 1, 1))


@pytest.mark.django_db
def test_overlapping_tenancy_in_the_same_unit_is_refused(tenancy):
    other = HouseholdFactory(municipality=tenancy.municipality)
    clash = Tenancy(
        municipality=tenancy.municipality, unit=tenancy.unit, household=other, start_date=date(2021, 6, 1)
    )
    with translation.override("nb"), pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "start_date" in error.value.message_dict


@pytest.mark.django_db
def test_tenancy_after_the_previous_move_out_is_accepted(tenancy):
    tenancy.moved_out_on = date(2022, 3, 31)
    tenancy.move_out_reason = "bought"
    tenancy.full_clean()
    tenancy.save()
    other = HouseholdFactory(municipality=tenancy.municipality)
    after = Tenancy(
        municipality=tenancy.municipality, unit=tenancy.unit, household=other, start_date=date(2022, 3, 31)
    )
    after.full_clean()
    after.save()


@pytest.mark.django_db
def test_tenancy_starting_before_an_ended_one_ends_is_refused(tenancy):
    tenancy.moved_out_on, tenancy.move_out_reason = date(2022, 3, 31), "bought"
    tenancy.save()
    other = HouseholdFactory(municipality=tenancy.municipality)
    clash = Tenancy(
        municipality=tenancy.municipality,
        unit=tenancy.unit,
        household=other,
        start_date=date(2019, 1, 1),
        moved_out_on=date(2020, 6, 1),
        move_out_reason="other",
    )
    with pytest.raises(ValidationError):
        clash.full_clean()


@pytest.mark.django_db
def test_move_out_before_start_is_refused(tenancy):
    tenancy.moved_out_on = date(2019, 12, 31)
    tenancy.move_out_reason = "bought"
    with translation.override("nb"), pytest.raises(ValidationError) as error:
        tenancy.full_clean()
    assert "moved_out_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        tenancy.save()


@pytest.mark.django_db
def test_move_out_needs_a_reason_from_the_list(tenancy):
    tenancy.moved_out_on = date(2023, 1, 1)
    with pytest.raises(ValidationError) as error:
        tenancy.full_clean()
    assert "move_out_reason" in error.value.message_dict
    tenancy.move_out_reason = "evicted"
    with pytest.raises(ValidationError):
        tenancy.full_clean()
    tenancy.move_out_reason = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        tenancy.save()


@pytest.mark.django_db
def test_the_database_refuses_two_running_tenancies_in_one_unit(tenancy):
    other = HouseholdFactory(municipality=tenancy.municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tenancy.objects.create(
            municipality=tenancy.municipality, unit=tenancy.unit, household=other, start_date=date(2024, 1, 1)
        )


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint is PostgreSQL's")
def test_postgresql_refuses_overlapping_date_ranges(tenancy):
    tenancy.moved_out_on, tenancy.move_out_reason = date(2022, 3, 31), "bought"
    tenancy.save()
    other = HouseholdFactory(municipality=tenancy.municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tenancy.objects.create(
            municipality=tenancy.municipality,
            unit=tenancy.unit,
            household=other,
            start_date=date(2021, 1, 1),
            moved_out_on=date(2021, 2, 1),
            move_out_reason="other",
        )
