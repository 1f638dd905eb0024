"""A decision letter through SvarUt, against the SvarUt and Maskinporten stand-ins (real HTTP): what
is sent, the token, the timeout looked up rather than sent again, a refusal that becomes a task."""

import pytest
from django.utils import timezone

from cases.deadlines import deadlines_for
from cases.models import Household, TimelineEvent
from dispatch import services
from dispatch.models import Shipment
from dispatch.svarut import SvarUtError
from tests.dispatch.conftest import approve_and_render, svarut_account_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sending(world, standins, svarut_password):
    svarut_account_for(world.municipality, standins)
    letter = approve_and_render(world)
    shipment = services.shipment_record(letter=letter)
    return world, standins, letter, shipment


def test_the_letter_reaches_svarut_once_with_its_metadata_and_a_maskinporten_token(sending):
    world, standins, letter, shipment = sending
    assert shipment.state == Shipment.State.PENDING and shipment.external_ref  # recorded before sending
    shipment = services.shipment_send(shipment_id=shipment.pk)
    assert shipment.state == Shipment.State.SENT
    [sent] = standins.svarut.sent
    assert str(shipment.shipment_id) == sent["id"]
    forsendelse = sent["forsendelse"]
    assert forsendelse["eksternReferanse"] == shipment.external_ref
    assert forsendelse["mottaker"]["digitalId"] == world.person.national_id
    assert forsendelse["mottaker"]["navn"] == "Amina Hassan"
    assert (forsendelse["mottaker"]["postnummer"], forsendelse["mottaker"]["poststed"]) == ("6002", "Ålesund")
    assert forsendelse["tittel"].startswith("Vedtak")
    assert forsendelse["utskriftskonfigurasjon"] == {"utskriftMedFarger": False, "tosidig": True}
    [document] = forsendelse["dokumenter"]
    with letter.pdf.open("rb") as handle:
        assert sent["files"][document["filnavn"]] == handle.read()
    [grant] = standins.maskinporten.grants
    assert grant["scope"] == "ks:fiks" and grant["iss"] == standins.maskinporten.client_id
    # Sending again does nothing: it is sent.
    services.shipment_send(shipment_id=shipment.pk)
    assert len(standins.svarut.sent) == 1
    assert TimelineEvent.objects.filter(household=world.household, kind="letter_sent_svarut").count() == 1


def test_recording_twice_keeps_one_shipment(sending):
    _world, _standins, letter, shipment = sending
    assert services.shipment_record(letter=letter).pk == shipment.pk
    assert Shipment.objects.count() == 1


def test_a_send_that_timed_out_is_looked_up_by_its_reference_not_sent_again(sending, settings):
    _world, standins, _letter, shipment = sending
    settings.SVARUT_READ_TIMEOUT = 1
    standins.svarut.slow_seconds = 2.5  # SvarUt keeps it, its answer comes too late
    with pytest.raises(SvarUtError):
        services.shipment_send(shipment_id=shipment.pk)
    shipment.refresh_from_db()
    assert shipment.state == Shipment.State.PENDING and shipment.sends == 1
    assert "did not answer" in shipment.error
    standins.svarut.slow_seconds = 0
    shipment = services.shipment_send(shipment_id=shipment.pk)
    assert shipment.state == Shipment.State.SENT
    assert len(standins.svarut.sent) == 1
    assert str(shipment.shipment_id) == standins.svarut.sent[0]["id"]
    assert any(method == "GET" and "eksternRef=" in path for method, path in standins.svarut.requests)


def test_an_error_from_svarut_leaves_it_pending_and_the_next_run_sends_it(sending):
    _world, standins, _letter, shipment = sending
    standins.svarut.fail_next = 500
    with pytest.raises(SvarUtError):
        services.shipment_send(shipment_id=shipment.pk)
    assert Shipment.objects.get(pk=shipment.pk).state == Shipment.State.PENDING
    assert services.shipment_send(shipment_id=shipment.pk).state == Shipment.State.SENT
    assert len(standins.svarut.sent) == 1


def test_a_wrong_integration_password_waits_for_the_configuration(sending, monkeypatch):
    _world, standins, _letter, shipment = sending
    monkeypatch.setenv("BOVEILEDER_TEST_SVARUT_PASSWORD", "not-the-password")
    with pytest.raises(SvarUtError) as error:
        services.shipment_send(shipment_id=shipment.pk)
    assert error.value.status == 403 and not error.value.refused
    assert Shipment.objects.get(pk=shipment.pk).state == Shipment.State.PENDING
    assert standins.svarut.sent == []
    assert standins.svarut.refusals == [(403, "UGYLDIG_INTEGRASJON")]


def test_maskinporten_refuses_a_grant_signed_by_another_certificate(sending, tmp_path):
    from dispatch.maskinporten import MaskinportenError
    from tests import svarut_standin as standin

    _world, standins, _letter, shipment = sending
    other_cert, other_key, _ = standin.business_certificate(tmp_path / "..")
    account = shipment.letter.decision.household.municipality.svarut_account
    account.certificate_path, account.private_key_path = str(other_cert), str(other_key)
    account.save()
    with pytest.raises(MaskinportenError):
        services.shipment_send(shipment_id=shipment.pk)
    assert standins.maskinporten.refusals == ["invalid_client"]
    assert standins.svarut.sent == []


def test_a_shipment_svarut_refuses_becomes_a_task_and_posting_by_hand_is_recorded(sending):
    world, standins, letter, shipment = sending
    standins.svarut.fail_next = 400
    shipment = services.shipment_send(shipment_id=shipment.pk)
    assert shipment.state == Shipment.State.FAILED and shipment.failed_on == timezone.localdate()
    households = Household.objects.filter(pk=world.household.pk)
    tasks = [
        d
        for d in deadlines_for(world.counsellor, households, timezone.localdate())
        if d.kind == "letter_not_delivered"
    ]
    assert [t.pk for t in tasks] == [world.decision.pk]
    posted = services.letter_post(letter=letter, posted_on=timezone.localdate(), by=world.counsellor)
    assert posted.state == Shipment.State.POSTED and posted.posted_on == timezone.localdate()
    assert not [
        d
        for d in deadlines_for(world.counsellor, households, timezone.localdate())
        if d.kind == "letter_not_delivered"
    ]
    assert TimelineEvent.objects.filter(household=world.household, kind="letter_posted").exists()
