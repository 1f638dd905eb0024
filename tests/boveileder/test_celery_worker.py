"""The harness itself: a real worker on Redis runs a task against the test database."""

import pytest

from boveileder.celery import app
from tests.services import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_answers_and_runs_tasks(celery_worker_process):
    replies = wait_for(
        lambda: app.control.ping(destination=[celery_worker_process.name], timeout=1), timeout=30
    )
    assert replies
    result = app.send_task("boveileder.tasks.ping_database", ignore_result=False)
    assert result.get(timeout=30) == "ok"
