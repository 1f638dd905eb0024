"""The decision letter is a job like the reports (boveileder.leases): a render holds the letter's
lease; a letter whose worker died (left «rendering» without a lease) or whose message was lost (left
«queued» past the bound without a lease) is queued again by the recovery beat task, then after
JOB_MAX_ATTEMPTS tries marked failed with «Prøv igjen» on the decision page. The real worker killed in
the middle: tests/boveileder/test_job_recovery.py."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from boveileder import leases
from cases.models import DecisionLetter
from cases.services import decisions as services
from cases.tasks.letters import decision_letters_recover
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(household, counsellor, manager):
    household.postal_address, household.postcode, household.post_town = "Storgata 1", "6002", "Ålesund"
    household.save()
    sender = household.municipality
    sender.postal_address, sender.postcode, sender.post_town = "Postboks 1", "6025", "Ålesund"
    sender.save()
    decision = services.decision_draft(
        household=household,
        person=PersonFactory(household=household),
        by=counsellor,
        outcome="refused",
        reasons="Husstanden har et trygt sted å bo.",
    )
    services.decision_submit(decision=decision, by=counsellor)
    with TestCase.captureOnCommitCallbacks(execute=False):  # its message never reaches a worker
        services.decision_approve(decision=decision, by=manager)
    return decision.letters.get()


def _status(letter) -> str:
    return DecisionLetter.objects.values_list("status", flat=True).get(pk=letter.pk)


def _page(client, letter) -> str:
    return client.get(reverse("cases:decision_detail", args=[letter.decision_id])).content.decode()


def test_a_render_holds_the_letter_s_lease_and_a_delivery_finding_it_held_does_nothing(letter):
    name = f"decision-letter:{letter.pk}"
    token = leases.lease_take(name)  # a live run has it
    services.letter_render(letter=letter)
    assert _status(letter) == DecisionLetter.Status.QUEUED
    leases.lease_release(name, token)  # its worker died: the lease ran out
    services.letter_render(letter=letter)
    assert _status(letter) == DecisionLetter.Status.DONE and not leases.lease_held(name)


def test_a_letter_left_rendering_is_queued_again_then_failed_with_try_again(client_for, counsellor, letter):
    name = f"decision-letter:{letter.pk}"
    DecisionLetter.objects.filter(pk=letter.pk).update(status=DecisionLetter.Status.RENDERING)
    token = leases.lease_take(name)
    assert decision_letters_recover() == {"requeued": 0, "failed": 0}  # alive: its lease is held
    leases.lease_release(name, token)  # one render, and its worker died
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        assert decision_letters_recover() == {"requeued": 1, "failed": 0}
    assert len(queued) == 1 and _status(letter) == DecisionLetter.Status.QUEUED

    DecisionLetter.objects.filter(pk=letter.pk).update(status=DecisionLetter.Status.RENDERING)
    leases.lease_release(name, leases.lease_take(name))  # the second render died too
    assert decision_letters_recover() == {"requeued": 0, "failed": 1}
    client = client_for(counsellor)
    page = _page(client, letter)
    assert "Brevet kunne ikke lages." in page and "Prøv igjen" in page
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        client.post(reverse("cases:letter_retry", args=[letter.decision_id, letter.pk]))
    assert len(queued) == 1 and _status(letter) == DecisionLetter.Status.QUEUED
    services.letter_render(letter=letter)  # what the worker then does (eager or not, as CI runs)
    assert _status(letter) == DecisionLetter.Status.DONE
    assert "Last ned brevet (PDF)" in _page(client, letter)


def test_a_letter_whose_message_was_lost_is_queued_again_after_the_bound_then_failed(
    client_for, counsellor, letter, settings
):
    """Redis was down as the approval committed (or lost the message): the letter stays «queued» with
    no worker on it. Within the bound it is left alone (a worker may be busy); past it, queued again."""
    settings.JOB_MAX_ATTEMPTS = 2
    assert decision_letters_recover() == {"requeued": 0, "failed": 0}  # queued just now
    for _attempt in range(settings.JOB_MAX_ATTEMPTS):
        lost = timezone.now() - timedelta(seconds=settings.JOB_QUEUED_SECONDS + 1)
        DecisionLetter.objects.filter(pk=letter.pk).update(queued_at=lost)
        with TestCase.captureOnCommitCallbacks(execute=False) as queued:
            assert decision_letters_recover() == {"requeued": 1, "failed": 0}
        assert len(queued) == 1  # ... and lost again
        assert decision_letters_recover() == {"requeued": 0, "failed": 0}  # queued again just now
    lost = timezone.now() - timedelta(seconds=settings.JOB_QUEUED_SECONDS + 1)
    DecisionLetter.objects.filter(pk=letter.pk).update(queued_at=lost)
    assert decision_letters_recover() == {"requeued": 0, "failed": 1}
    page = _page(client_for(counsellor), letter)
    assert "Brevet kunne ikke lages." in page and "Prøv igjen" in page


def test_the_letters_are_recovered_every_minute():
    from django.conf import settings

    from boveileder.celery import app

    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["cases.decision_letters_recover"] <= 60
    app.loader.import_default_modules()
    assert "cases.decision_letters_recover" in app.tasks
