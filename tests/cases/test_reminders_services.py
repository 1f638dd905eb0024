"""The beat task of the reminders, run by a real Celery worker on PostgreSQL and Redis, sends
through a real SMTP server (the worker gets its address from the environment, as in production)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from boveileder.celery import app
from tests import smtp
from tests.factories import CounsellorFactory, FollowUpFactory, HouseholdFactory
from tests.services import CeleryWorker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
smtp_inbox = smtp.smtp_inbox  # the real SMTP server, as a fixture of this module


@pytest.fixture
def mailing_worker(smtp_inbox, tmp_path):
    app.control.purge()
    worker = CeleryWorker(
        tmp_path,
        extra_env={
            "EMAIL_HOST": settings.EMAIL_HOST,
            "EMAIL_PORT": str(settings.EMAIL_PORT),
            "EMAIL_USE_TLS": "false",
        },
    ).start()
    yield worker
    worker.stop()


def test_a_worker_sends_the_mornings_reminder_once(municipality, smtp_inbox, mailing_worker):
    today = timezone.localdate()
    kari = CounsellorFactory(municipality=municipality, email="kari@alesund.kommune.no")
    household = HouseholdFactory(municipality=municipality, counsellor=kari)
    FollowUpFactory(
        household=household, date=today - timedelta(days=5), next_step="Ringe", next_step_due=today
    )
    assert app.send_task("cases.reminders_send_daily", ignore_result=False).get(timeout=60) == 1
    assert (
        app.send_task("cases.reminders_send_daily", ignore_result=False).get(timeout=60) == 0
    )  # beat's retry: still one
    [message] = smtp_inbox.to(kari.email)
    assert "Forfaller i dag: 1" in smtp.body(message) and household.reference in smtp.body(message)
