"""Moving a counsellor's open households to another counsellor in one step."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from boveileder.services.staff import staff_deactivate
from cases.models import Household, TimelineEvent
from cases.services.caseload import caseload_transfer
from tests.factories import CounsellorFactory, HouseholdFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(municipality):
    return CounsellorFactory(municipality=municipality, first_name="Jon", last_name="Vik")


@pytest.fixture
def caseload(municipality, counsellor):
    open_ones = HouseholdFactory.create_batch(3, municipality=municipality, counsellor=counsellor)
    closed = HouseholdFactory(
        municipality=municipality,
        counsellor=counsellor,
        closed_on=date(2025, 1, 1),
        close_reason="goal_reached",
    )
    return open_ones, closed


def test_transfer_moves_the_open_households_with_a_timeline_event_and_history_each(
    manager, counsellor, successor, caseload
):
    open_ones, closed = caseload
    restricted = open_ones[0]
    Household.objects.filter(pk=restricted.pk).update(restricted=True)

    assert caseload_transfer(from_user=counsellor, to_user=successor, by=manager) == 3

    assert set(Household.objects.filter(counsellor=successor)) == set(open_ones)
    assert Household.objects.get(pk=closed.pk).counsellor == counsellor  # a closed case keeps its history
    events = TimelineEvent.objects.filter(kind="counsellor_changed")
    assert {e.household_id for e in events} == {h.pk for h in open_ones}
    assert all(e.actor == manager and str(successor) in e.summary for e in events)
    assert str(counsellor) in events[0].summary
    for household in open_ones:
        latest = household.history.first()
        assert latest.counsellor_id == successor.pk and latest.history_user == manager
    # The new counsellor sees the restricted household; the old one no longer does.
    assert Household.objects.visible_to(successor).filter(pk=restricted.pk).exists()
    assert not Household.objects.visible_to(counsellor).filter(pk=restricted.pk).exists()


def test_transfer_refuses_an_unfit_successor(manager, counsellor, municipality, other_counsellor, caseload):
    gone = CounsellorFactory(municipality=municipality)
    staff_deactivate(user=gone, by=manager)
    for to_user in (other_counsellor, gone, OfficerFactory(municipality=municipality), counsellor):
        with pytest.raises(ValidationError):
            caseload_transfer(from_user=counsellor, to_user=to_user, by=manager)
    assert Household.objects.filter(counsellor=counsellor).count() == 4
    assert not TimelineEvent.objects.filter(kind="counsellor_changed").exists()


def test_transfer_is_for_managers_of_the_municipality(counsellor, successor, other_manager, caseload):
    for by in (other_manager, successor):
        with pytest.raises(PermissionDenied):
            caseload_transfer(from_user=counsellor, to_user=successor, by=by)


def test_a_deactivated_counsellors_households_move_through_the_page(
    client, manager, counsellor, successor, caseload, other_counsellor
):
    staff_deactivate(user=counsellor, by=manager)
    client.force_login(manager)
    url = reverse("cases:caseload_transfer", kwargs={"staff_pk": counsellor.pk})
    page = client.get(url)
    html = page.content.decode()
    assert "følger 3 åpne husstander" in html
    choices = {choice.pk for choice in page.context["form"].fields["to_user"].queryset}
    assert successor.pk in choices and counsellor.pk not in choices and other_counsellor.pk not in choices

    response = client.post(url, {"to_user": other_counsellor.pk})  # hand-posted: another municipality's
    assert (
        response.status_code == 200 and "Velg en aktiv boveileder i din kommune" in response.content.decode()
    )
    assert not Household.objects.filter(counsellor=successor).exists()

    response = client.post(url, {"to_user": successor.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:detail", kwargs={"staff_pk": counsellor.pk})
    assert "3 husstander flyttet" in response.content.decode()
    assert Household.objects.filter(counsellor=successor).count() == 3
