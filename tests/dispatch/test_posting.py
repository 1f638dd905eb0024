"""Without SvarUt the letter is printed and posted as before, and the day it was posted is recorded;
the view's personas; the decision page's section costs the same however many statuses it shows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import TimelineEvent
from cases.services import decisions
from dispatch import services
from dispatch.models import Shipment
from tests.dispatch.conftest import approve_and_render, decision_world, svarut_account_for
from tests.factories import CounsellorFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def _url(letter):
    return reverse("dispatch:letter_post", args=[letter.pk])


def _data(letter, day):
    return {f"post-{letter.pk}-posted_on": day.isoformat()}


def _page(client, world):
    return client.get(reverse("cases:decision_detail", args=[world.decision.pk])).content.decode()


def test_a_rendered_letter_starts_its_shipment_only_where_svarut_is_set_up(
    world, standins, django_capture_on_commit_callbacks
):
    decisions.decision_approve(decision=world.decision, by=world.manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = decisions.letter_render(letter=world.decision.letters.get())
    assert len(callbacks) == 1  # the letter_rendered signal, after commit
    callbacks[0]()
    assert not Shipment.objects.exists()  # no SvarUt here: printed and posted by hand
    svarut_account_for(world.municipality, standins)
    services.letter_rendered_receive(sender=None, letter=letter)
    assert Shipment.objects.get().state == Shipment.State.PENDING


def test_without_svarut_the_posting_date_is_recorded(world, client_for):
    letter = approve_and_render(world, on=timezone.localdate() - timedelta(days=3))
    client = client_for(world.counsellor)
    page = _page(client, world)
    assert "Last ned brevet, skriv det ut og send det i posten" in page
    assert _url(letter) in page
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(_url(letter), _data(letter, yesterday), follow=True)
    assert "Det er registrert at brevet er postlagt." in response.content.decode()
    shipment = Shipment.objects.get(letter=letter)
    assert (shipment.channel, shipment.state, shipment.posted_on) == ("post", "posted", yesterday)
    assert f"Skrevet ut og postlagt {yesterday:%d.%m.%Y}" in _page(client, world)
    assert TimelineEvent.objects.filter(
        household=world.household, kind="letter_posted", occurred_on=yesterday
    ).exists()
    # A second click records nothing more and says why.
    response = client.post(_url(letter), _data(letter, yesterday), follow=True)
    assert "Det er allerede registrert at brevet er postlagt." in response.content.decode()
    assert Shipment.objects.count() == 1


def test_a_posting_date_in_the_future_is_refused_with_a_message(world, client_for):
    letter = approve_and_render(world)
    response = client_for(world.counsellor).post(
        _url(letter), _data(letter, timezone.localdate() + timedelta(days=2)), follow=True
    )
    assert "Datoen kan ikke være fram i tid." in response.content.decode()
    response = client_for(world.counsellor).post(
        _url(letter), _data(letter, timezone.localdate() - timedelta(days=1)), follow=True
    )
    assert "Brevet kan ikke være postlagt før vedtaket ble fattet." in response.content.decode()
    assert not Shipment.objects.exists()


def test_with_svarut_the_letter_is_not_posted_by_hand_while_on_its_way(world, standins, client_for):
    svarut_account_for(world.municipality, standins)
    letter = approve_and_render(world)
    services.shipment_record(letter=letter)
    client = client_for(world.counsellor)
    assert _url(letter) not in _page(client, world)
    response = client.post(_url(letter), _data(letter, timezone.localdate()), follow=True)
    assert "Brevet er på vei gjennom SvarUt." in response.content.decode()
    assert Shipment.objects.get().state == Shipment.State.PENDING


def test_the_posting_view_personas(world, client, client_for):
    letter = approve_and_render(world)
    url, data = _url(letter), _data(letter, timezone.localdate())
    assert client.post(url, data).status_code == 302 and "/login" in client.post(url, data)["Location"]
    other = decision_world(slug="molde-svarut")
    assert client_for(CounsellorFactory(municipality=other.municipality)).post(url, data).status_code == 404
    assert client_for(OfficerFactory(municipality=world.municipality)).post(url, data).status_code == 403
    assert client_for(world.counsellor).get(url).status_code == 405
    assert not Shipment.objects.exists()
    assert client_for(world.manager).post(url, data).status_code == 302
    assert Shipment.objects.get().posted_by == world.manager


def test_the_decision_page_costs_the_same_for_one_status_and_many(
    world, standins, svarut_password, client_for, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    svarut_account_for(world.municipality, standins)
    letter = approve_and_render(world)
    shipment = services.shipment_send(shipment_id=services.shipment_record(letter=letter).pk)
    client = client_for(world.counsellor)
    url = reverse("cases:decision_detail", args=[world.decision.pk])
    standins.svarut.set_status(shipment.shipment_id, "AKSEPTERT")
    services.shipments_poll()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for status in ("VARSLET", "SENDT_SDP", "LEVERT_SDP", "LEST"):
        standins.svarut.set_status(shipment.shipment_id, status)
        services.shipments_poll()
    with django_assert_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert "Statushistorikk fra SvarUt" in page and "Lest" in page
