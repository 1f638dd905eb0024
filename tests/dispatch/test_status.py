"""SvarUt's statuses followed by the beat job onto the decision's page and the household's timeline;
a delivery date moves the appeal deadline; not delivered becomes a task; the national ID is never
in a log line, a URL or an error message."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import deadlines_for
from cases.models import Household, TimelineEvent
from cases.services.decisions import appeal_deadline
from dispatch import services
from dispatch.models import Shipment
from dispatch.svarut import SvarUtError
from tests.dispatch.conftest import approve_and_render, svarut_account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world, standins, svarut_password):
    svarut_account_for(world.municipality, standins)
    letter = approve_and_render(world, on=timezone.localdate() - timedelta(days=3))
    shipment = services.shipment_send(shipment_id=services.shipment_record(letter=letter).pk)
    return world, standins, shipment


def _page(client_for, world) -> str:
    response = client_for(world.counsellor).get(reverse("cases:decision_detail", args=[world.decision.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_status_moves_on_the_page_as_svarut_reports_it(sent, client_for):
    world, standins, shipment = sent
    assert "Sendt gjennom SvarUt" in _page(client_for, world) or "Sent through SvarUt" in _page(
        client_for, world
    )
    standins.svarut.set_status(shipment.shipment_id, "VARSLET")
    assert services.shipments_poll()["changed"] == 1
    assert "varslet" in _page(client_for, world)
    assert services.shipments_poll()["changed"] == 0  # nothing new, nothing recorded twice
    delivered_at = datetime.now(UTC) - timedelta(days=1)
    standins.svarut.set_status(shipment.shipment_id, "LEVERT_SDP", at=delivered_at)
    services.shipments_poll()
    page = _page(client_for, world)
    assert "levert" in page
    world.decision.refresh_from_db()
    delivered_on = timezone.localdate(delivered_at)
    assert world.decision.delivered_on == delivered_on
    # The appeal deadline runs from the delivery, later than from the approval.
    assert appeal_deadline(world.decision) > world.decision.approved_on + timedelta(weeks=3)
    assert f"{appeal_deadline(world.decision):%d.%m.%Y}" in page
    kinds = list(
        TimelineEvent.objects.filter(household=world.household, kind="letter_status").values_list(
            "params", flat=True
        )
    )
    assert len(kinds) == 2


def test_a_letter_svarut_cannot_deliver_becomes_a_task_with_posting_as_fallback(sent, client_for):
    world, standins, shipment = sent
    standins.svarut.set_status(shipment.shipment_id, "IKKE_LEVERT")
    services.shipments_poll()
    shipment.refresh_from_db()
    assert shipment.state == Shipment.State.FAILED
    households = Household.objects.filter(pk=world.household.pk)
    today = timezone.localdate()
    assert [d.kind for d in deadlines_for(world.counsellor, households, today)].count(
        "letter_not_delivered"
    ) == 1
    page = _page(client_for, world)
    assert reverse("dispatch:letter_post", args=[shipment.letter_id]) in page
    response = client_for(world.counsellor).post(
        reverse("dispatch:letter_post", args=[shipment.letter_id]),
        {f"post-{shipment.letter_id}-posted_on": today.isoformat()},
    )
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.state == Shipment.State.POSTED and shipment.posted_on == today
    assert shipment.posted_by == world.counsellor
    assert "letter_not_delivered" not in [d.kind for d in deadlines_for(world.counsellor, households, today)]
    # The poll stops asking about it.
    before = len(standins.svarut.requests)
    services.shipments_poll()
    assert len(standins.svarut.requests) == before


def test_the_national_id_is_never_in_a_log_line_a_url_or_an_error(
    world, standins, svarut_password, caplog, settings
):
    caplog.set_level(logging.DEBUG)
    svarut_account_for(world.municipality, standins)
    letter = approve_and_render(world)
    shipment = services.shipment_record(letter=letter)
    national_id = world.person.national_id
    settings.SVARUT_READ_TIMEOUT = 1
    standins.svarut.slow_seconds = 2
    errors = []
    with pytest.raises(SvarUtError) as error:
        services.shipment_send(shipment_id=shipment.pk)
    errors.append(str(error.value))
    standins.svarut.slow_seconds = 0
    shipment = services.shipment_send(shipment_id=shipment.pk)
    standins.svarut.set_status(shipment.shipment_id, "AVVIST")
    services.shipments_poll()
    shipment.refresh_from_db()
    errors.append(shipment.error)
    # A shipment SvarUt refuses: its error names the status and SvarUt's code, not what was sent.
    standins.svarut.fail_next = 400
    with pytest.raises(SvarUtError) as refused:
        services.transmit(shipment.letter.decision.household.municipality.svarut_account, shipment)
    assert refused.value.refused
    errors.append(str(refused.value))
    assert standins.svarut.sent[0]["forsendelse"]["mottaker"]["digitalId"] == national_id  # it was sent
    assert national_id not in caplog.text
    assert all(national_id not in path for _method, path in standins.svarut.requests)
    assert all(national_id not in e for e in errors)
    assert national_id not in " ".join(
        event.text + str(event.params) for event in TimelineEvent.objects.filter(household=world.household)
    )


def test_the_poll_records_and_sends_what_a_lost_message_or_a_dead_worker_left(
    world, standins, svarut_password, django_capture_on_commit_callbacks
):
    from cases.models import DecisionLetter

    svarut_account_for(world.municipality, standins)
    letter = approve_and_render(world)  # its letter_rendered signal never ran
    DecisionLetter.objects.filter(pk=letter.pk).update(rendered_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.shipments_poll()["resent"] == 1
    shipment = Shipment.objects.get(letter=letter)
    assert shipment.state == Shipment.State.PENDING and len(queued) == 1
    # A pending shipment no send holds is sent again; a recent one is left to its own task.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.shipments_poll()["resent"] == 0
    Shipment.objects.filter(pk=shipment.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.shipments_poll()["resent"] == 1
    assert len(queued) == 1
