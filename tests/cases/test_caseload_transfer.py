"""Moving a counsellor's open households to another counsellor in one step."""

import math
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from boveileder.services.staff import staff_deactivate
from cases.models import Household, Person, TimelineEvent
from cases.services.caseload import caseload_transfer
from tests import smtp
from tests.factories import CounsellorFactory, HouseholdFactory, OfficerFactory

pytestmark = pytest.mark.django_db
smtp_inbox = smtp.smtp_inbox  # the real SMTP server, as a fixture of this module
tasks_in_process = smtp.tasks_in_process


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
    assert all(e.actor == manager and str(successor) in e.text for e in events)
    assert str(counsellor) in events[0].text
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

    everyone = [h.pk for h in caseload[0]]
    response = client.post(
        url, {"to_user": other_counsellor.pk, "households": everyone}
    )  # another municipality's
    assert (
        response.status_code == 200 and "Velg en aktiv boveileder i din kommune" in response.content.decode()
    )
    assert not Household.objects.filter(counsellor=successor).exists()

    response = client.post(url, {"to_user": successor.pk, "households": everyone}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:detail", kwargs={"staff_pk": counsellor.pk})
    assert "3 husstander flyttet" in response.content.decode()
    assert Household.objects.filter(counsellor=successor).count() == 3


# --- Handing over in bulk, picked from the list and narrowed by the caseload's filter


def _hand_over(client, member, to_user, households, **query):
    url = reverse("cases:caseload_transfer", kwargs={"staff_pk": member.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, {"to_user": to_user.pk, "households": [h.pk for h in households]})


def test_the_manager_moves_the_households_picked_and_the_rest_stay(
    client_for, manager, counsellor, successor, caseload
):
    open_ones, _closed = caseload
    picked, kept = open_ones[:2], open_ones[2]
    response = _hand_over(client_for(manager), counsellor, successor, picked)
    assert response.status_code == 302
    assert set(Household.objects.filter(counsellor=successor)) == set(picked)
    assert Household.objects.get(pk=kept.pk).counsellor == counsellor
    assert TimelineEvent.objects.filter(kind="counsellor_changed").count() == 2


def test_the_list_is_narrowed_by_the_caseloads_filter(client_for, manager, counsellor, municipality):
    from tests.factories import FollowUpFactory

    late = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    FollowUpFactory(
        household=late,
        date=date.today() - timedelta(days=10),
        next_step="Ringe",
        next_step_due=date.today() - timedelta(days=3),
    )
    in_time = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    url = reverse("cases:caseload_transfer", kwargs={"staff_pk": counsellor.pk})
    page = client_for(manager).get(url, {"show": "overdue"}).content.decode()
    assert f'value="{late.pk}"' in page and f'value="{in_time.pk}"' not in page
    assert 'action="?show=overdue"' in page


def test_nothing_picked_or_a_household_of_another_says_so_and_moves_nothing(
    client_for, manager, counsellor, successor, caseload, other_counsellor
):
    client = client_for(manager)
    response = _hand_over(client, counsellor, successor, [])
    assert response.status_code == 200
    assert "Velg minst én husstand som skal flyttes." in response.content.decode()
    foreign = HouseholdFactory(municipality=other_counsellor.municipality, counsellor=other_counsellor)
    response = _hand_over(client, counsellor, successor, [caseload[0][0], foreign])
    assert response.status_code == 200
    page = response.content.decode()
    assert "ikke lenger blant de åpne" in page
    assert f'value="{caseload[0][0].pk}" id="household-{caseload[0][0].pk}" checked' in page  # kept ticked
    assert not Household.objects.filter(counsellor=successor).exists()


@pytest.mark.parametrize("count", [10, 100])
def test_handing_over_runs_in_one_request_with_constant_queries(
    count, client_for, manager, counsellor, successor, municipality, django_assert_num_queries
):
    households = HouseholdFactory.create_batch(count, municipality=municipality, counsellor=counsellor)
    client = client_for(manager)
    # session, user, staff member, the form's checks of the households and the receiver, savepoint,
    # the locks on the receiver and the households, the UPDATE, the history and timeline INSERTs,
    # release: the same for 10 as for 100 (the session was written a moment ago: not again).
    with django_assert_num_queries(QUERIES_PER_HANDOVER + _split_inserts(count)):
        response = _hand_over(client, counsellor, successor, households)
    assert response.status_code == 302
    assert Household.objects.filter(counsellor=successor).count() == count
    assert TimelineEvent.objects.filter(kind="counsellor_changed").count() == count


QUERIES_PER_HANDOVER = 12


def _split_inserts(count: int) -> int:
    """The INSERTs the database splits for its own limit, not ours: SQLite takes 999 parameters a
    statement, so a hundred history rows of 20 columns go in two; PostgreSQL (production) never splits."""
    from django.db import connection

    extra = 0
    for model in (Household.history.model, TimelineEvent):
        fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
        extra += math.ceil(count / connection.ops.bulk_batch_size(fields, [None] * count)) - 1
    return extra


def test_one_line_in_the_audit_log_and_the_receiver_is_told_by_email(
    smtp_inbox,
    tasks_in_process,
    caplog,
    django_capture_on_commit_callbacks,
    manager,
    counsellor,
    municipality,
):
    from tests.factories import PersonFactory
    from tests.smtp import body

    receiver = CounsellorFactory(municipality=municipality, email="jon@alesund.kommune.no")
    households = HouseholdFactory.create_batch(3, municipality=municipality, counsellor=counsellor)
    for household in households:
        PersonFactory(household=household, first_name="Torunn", last_name="Flyttersen", with_national_id=True)
    caplog.set_level("INFO", logger="cases.services.caseload")
    with django_capture_on_commit_callbacks(execute=True):
        assert caseload_transfer(from_user=counsellor, to_user=receiver, by=manager) == 3

    audit = [r for r in caplog.records if r.name == "cases.services.caseload"]
    assert len(audit) == 1 and "moved 3 households" in audit[0].getMessage()
    [message] = smtp_inbox.to(receiver.email)
    text = body(message)
    assert "3 husstander er overført til deg" in text
    assert all(household.reference in text for household in households)
    for secret in ["Torunn", "Flyttersen", *(p.national_id for p in Person.objects.all())]:
        assert secret not in text and secret not in message["Subject"]
