"""Exactly once with a real Celery worker: the worker sending a letter is SIGKILLed after SvarUt took
the letter and before its id was recorded; the next worker finds it by our reference and records it,
and the SvarUt stand-in holds the letter once. The same send delivered again sends nothing more."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import transaction

from boveileder.celery import app
from cases.services import decisions
from dispatch.models import Shipment
from tests.dispatch.conftest import PASSWORD_ENV, decision_world, svarut_account_for
from tests.services import CeleryWorker, wait_for
from tests.svarut_standin import INTEGRATION_PASSWORD

HOOKS = Path(__file__).resolve().parents[1] / "boveileder" / "fault_hooks"
FAST_REDELIVERY = {
    "JOB_LEASE_SECONDS": "2",
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    PASSWORD_ENV: INTEGRATION_PASSWORD,
}


def _worker(tmp_path, *, hold: bool) -> CeleryWorker:
    extra = dict(FAST_REDELIVERY)
    if hold:
        extra["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOKS), os.environ.get("PYTHONPATH")]))
        extra["BOVEILEDER_TEST_HOLD_DIR"] = str(tmp_path)
    return CeleryWorker(tmp_path, extra_env=extra)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_sending_and_before_recording_leaves_the_letter_sent_once(tmp_path, standins):
    app.control.purge()
    world = decision_world()
    svarut_account_for(world.municipality, standins)
    (tmp_path / "svarut-sent.hold").write_text("")
    first = _worker(tmp_path, hold=True).start()
    try:
        with transaction.atomic():
            decisions.decision_approve(decision=world.decision, by=world.manager)
        wait_for(
            (tmp_path / "svarut-sent.pid").exists,
            timeout=90,
            message="the send to be held after SvarUt took it",
        )
        assert len(standins.svarut.sent) == 1
        shipment = Shipment.objects.get()
        assert (
            shipment.state == Shipment.State.PENDING and shipment.shipment_id is None and shipment.sends == 1
        )
        first.kill(signal.SIGKILL)  # the whole worker, as a crash would
    finally:
        first.stop()
    (tmp_path / "svarut-sent.hold").unlink()

    second = _worker(tmp_path, hold=False).start()
    try:
        wait_for(
            lambda: Shipment.objects.get().state == Shipment.State.SENT,
            timeout=90,
            message="the shipment recorded",
        )
        shipment = Shipment.objects.get()
        assert str(shipment.shipment_id) == standins.svarut.sent[0]["id"]
        assert any(m == "GET" and "eksternRef=" in p for m, p in standins.svarut.requests)
        # Delivered again, twice at once (a retry, a double click): nothing more is sent.
        from dispatch.tasks import shipment_send

        shipment_send.delay(shipment.pk)
        shipment_send.delay(shipment.pk)
        time.sleep(5)  # past another visibility timeout
    finally:
        second.stop()
    assert len(standins.svarut.sent) == 1
    assert "dispatch.shipment_send" in second.log()
