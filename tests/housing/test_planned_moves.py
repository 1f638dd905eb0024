"""Move-ins and move-outs registered ahead: the state on any day follows the dates.

A move-out planned for next month leaves the unit let, the tenancy current and its flag open until
that day; the timeline says it is planned; the nightly job carries it through on its day."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Household, TimelineEvent
from housing.models import LongTenureFlag, Tenancy
from housing.services.flags import flags_due
from housing.services.tenancies import tenancies_carry_through, tenancy_end, tenancy_start
from tests.factories import HouseholdFactory, LongTenureFlagFactory, RentalUnitFactory, TenancyFactory

Status = LongTenureFlag.Status


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def unit(municipality):
    return RentalUnitFactory(municipality=municipality, address="Storgata 1", reference="U-1")


@pytest.fixture
def tenancy(unit, household):
    return TenancyFactory(unit=unit, household=household, start_date=date(2019, 1, 1), contract_end_date=None)


def page(client, name, *args, **params):
    return client.get(reverse(name, args=args), params).content.decode()


@pytest.mark.django_db
def test_a_move_out_a_month_ahead_leaves_the_unit_let_until_its_day(client_for, officer, tenancy, today):
    flag = LongTenureFlagFactory(tenancy=tenancy, raised_on=today - timedelta(days=10))
    ahead = today + timedelta(days=31)
    client = client_for(officer)
    response = client.post(
        reverse("housing:tenancy_move_out", args=[tenancy.pk]),
        {"moved_out_on": ahead.isoformat(), "move_out_reason": "private_rental"},
    )
    assert response.status_code == 302

    detail = page(client, "housing:unit_detail", tenancy.unit_id)
    assert "Utleid" in detail and "Ledig" not in detail
    assert f"Utflytting planlagt {ahead:%d.%m.%Y}" in detail
    assert "Registrer innflytting" in detail  # the next household may be booked from that day
    assert "Storgata 1" in page(client, "housing:unit_list", state="let")
    assert "Storgata 1" not in page(client, "housing:unit_list", state="vacant")

    household = page(client_for(tenancy.household.counsellor), "cases:household_detail", tenancy.household_id)
    assert "(nåværende)" in household and "(tidligere)" not in household
    assert f"Utflytting fra Storgata 1 planlagt {ahead:%d.%m.%Y}" in household

    flag.refresh_from_db()
    assert (flag.status, flag.resolved_on) == (Status.OPEN, None)
    events = TimelineEvent.objects.filter(household=tenancy.household)
    assert not events.filter(kind="tenancy_ended").exists()
    assert not events.filter(occurred_on__gt=today).exists()  # nothing claims a day not yet come


@pytest.mark.django_db
def test_a_move_in_ahead_leaves_the_unit_vacant_until_its_day(client_for, officer, unit, household, today):
    ahead = today + timedelta(days=20)
    tenancy_start(unit=unit, household=household, start_date=ahead, by=officer)
    client = client_for(officer)
    detail = page(client, "housing:unit_detail", unit.pk)
    assert "Ledig" in detail and f"Innflytting planlagt {ahead:%d.%m.%Y}" in detail
    assert "Storgata 1" in page(client, "housing:unit_list", state="vacant")
    assert "Storgata 1" not in page(client, "housing:unit_list", state="let")
    events = TimelineEvent.objects.filter(household=household)
    assert not events.filter(kind="tenancy_started").exists()
    assert events.get(kind="tenancy_start_planned").occurred_on == today


@pytest.mark.django_db
def test_a_unit_with_a_planned_move_out_takes_a_planned_move_in_from_that_day(
    client_for, officer, tenancy, municipality, today
):
    ahead = today + timedelta(days=31)
    tenancy_end(tenancy=tenancy, on=ahead, reason="bought", by=officer)
    nxt = HouseholdFactory(municipality=municipality)
    url = reverse("housing:tenancy_move_in", args=[tenancy.unit_id])
    client = client_for(officer)
    too_early = client.post(url, {"household": nxt.pk, "start_date": (ahead - timedelta(days=1)).isoformat()})
    assert "Boligen er leid ut til en annen husstand i denne perioden." in too_early.content.decode()
    response = client.post(url, {"household": nxt.pk, "start_date": ahead.isoformat()})
    assert response.status_code == 302
    assert Tenancy.objects.filter(unit=tenancy.unit).count() == 2
    detail = page(client, "housing:unit_detail", tenancy.unit_id)
    assert "Utleid" in detail and f"Innflytting planlagt {ahead:%d.%m.%Y}" in detail


@pytest.mark.django_db
def test_the_caseload_facts_follow_the_dates(counsellor, municipality, today):
    staying = TenancyFactory(household__municipality=municipality, household__counsellor=counsellor)
    tenancy_end(tenancy=staying, on=today + timedelta(days=31), reason="bought")
    coming = TenancyFactory(
        household__municipality=municipality,
        household__counsellor=counsellor,
        start_date=today + timedelta(5),
    )
    facts = {h.pk: h for h in Household.objects.with_housing_facts(counsellor)}
    assert facts[staying.household_id].unit_address == staying.unit.address
    assert facts[coming.household_id].unit_address is None


@pytest.mark.django_db
def test_no_new_flag_for_a_tenancy_whose_move_out_is_registered(municipality, today):
    due = TenancyFactory(household__municipality=municipality, start_date=date(2015, 1, 1))
    leaving = TenancyFactory(household__municipality=municipality, start_date=date(2015, 1, 1))
    tenancy_end(tenancy=leaving, on=today + timedelta(days=31), reason="bought")
    assert list(flags_due(municipality=municipality, as_of=today)) == [due]


@pytest.mark.django_db
def test_the_nightly_job_carries_planned_moves_through_on_their_day(officer, tenancy, municipality, today):
    flag = LongTenureFlagFactory(tenancy=tenancy, raised_on=today - timedelta(days=10))
    day = today + timedelta(days=31)
    tenancy_end(tenancy=tenancy, on=day, reason="bought", by=officer)
    nxt = tenancy_start(
        unit=tenancy.unit, household=HouseholdFactory(municipality=municipality), start_date=day, by=officer
    )

    assert tenancies_carry_through(as_of=day - timedelta(days=1)) == 0
    flag.refresh_from_db()
    assert flag.resolved_on is None

    assert tenancies_carry_through(as_of=day + timedelta(days=2)) == 2  # the job missed a night or two
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_on) == (Status.RESOLVED, day)
    ended = TimelineEvent.objects.get(household=tenancy.household, kind="tenancy_ended")
    assert ended.occurred_on == day and "Storgata 1" in ended.summary
    assert TimelineEvent.objects.get(household=tenancy.household, kind="flag_resolved").occurred_on == day
    assert TimelineEvent.objects.get(household=nxt.household, kind="tenancy_started").occurred_on == day

    assert tenancies_carry_through(as_of=day + timedelta(days=3)) == 0  # safe to run twice
    assert TimelineEvent.objects.filter(kind__in=["tenancy_ended", "tenancy_started"]).count() == 2


@pytest.mark.django_db
def test_renewing_a_tenancy_with_a_planned_move_out_says_so(client_for, officer, tenancy, today):
    ahead = today + timedelta(days=31)
    tenancy_end(tenancy=tenancy, on=ahead, reason="bought")
    flag = LongTenureFlagFactory(tenancy=tenancy, reasons=["contract_expiry"])
    body = (
        client_for(officer)
        .post(
            reverse("housing:flag_detail", args=[flag.pk]),
            {"decision": "contract_renewed", "new_end_date": (today + timedelta(days=900)).isoformat()},
        )
        .content.decode()
    )
    assert f"Utflyttingen {ahead:%d.%m.%Y} er registrert" in body and "avsluttet" not in body


@pytest.mark.django_db
def test_a_planned_move_out_can_be_moved_or_called_off_before_its_day(client_for, officer, tenancy, today):
    ahead = today + timedelta(days=31)
    tenancy_end(tenancy=tenancy, on=ahead, reason="bought", by=officer)
    client = client_for(officer)
    detail = page(client, "housing:unit_detail", tenancy.unit_id)
    assert "Endre eller avlys utflyttingen" in detail
    url = reverse("housing:tenancy_move_out", args=[tenancy.pk])
    form = client.get(url).content.decode()
    assert f'value="{ahead.isoformat()}"' in form and "Avlys utflyttingen" in form

    later = ahead + timedelta(days=14)
    response = client.post(url, {"moved_out_on": later.isoformat(), "move_out_reason": "private_rental"})
    assert response.status_code == 302
    tenancy.refresh_from_db()
    assert (tenancy.moved_out_on, tenancy.move_out_reason) == (later, "private_rental")
    assert f"Utflytting planlagt {later:%d.%m.%Y}" in page(client, "housing:unit_detail", tenancy.unit_id)

    response = client.post(url, {"cancel": "1", "moved_out_on": "", "move_out_reason": ""})
    assert response.status_code == 302
    tenancy.refresh_from_db()
    assert (tenancy.moved_out_on, tenancy.move_out_reason) == (None, "")
    detail = page(client, "housing:unit_detail", tenancy.unit_id)
    assert "Utleid" in detail and "Utflytting planlagt" not in detail and "Registrer utflytting" in detail
    cancelled = TimelineEvent.objects.get(household=tenancy.household, kind="tenancy_end_cancelled")
    assert cancelled.occurred_on == today and "avlyst" in page(
        client_for(tenancy.household.counsellor), "cases:household_detail", tenancy.household_id
    )
    assert tenancies_carry_through(as_of=later) == 0  # a called-off move-out is never carried through


@pytest.mark.django_db
def test_a_move_out_cannot_be_called_off_once_the_next_household_is_booked(
    client_for, officer, tenancy, municipality, today
):
    ahead = today + timedelta(days=31)
    tenancy_end(tenancy=tenancy, on=ahead, reason="bought", by=officer)
    tenancy_start(unit=tenancy.unit, household=HouseholdFactory(municipality=municipality), start_date=ahead)
    url = reverse("housing:tenancy_move_out", args=[tenancy.pk])
    body = client_for(officer).post(url, {"cancel": "1"}).content.decode()
    assert "Boligen er leid ut til en annen husstand i denne perioden." in body
    tenancy.refresh_from_db()
    assert tenancy.moved_out_on == ahead
