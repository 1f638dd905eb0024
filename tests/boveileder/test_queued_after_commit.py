"""Work is queued only once its transaction commits: a task is neither sent to the broker nor run
(eager mode) while the rows it needs are uncommitted, and a task queued in a transaction that rolls
back never goes anywhere. Watched through Celery's own signals, so it holds with Redis and eagerly."""

from datetime import date

import pytest
from celery.signals import before_task_publish, task_prerun
from django.db import transaction

from boveileder.celery import app
from tests.factories import ManagerFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


@pytest.fixture
def queued():
    """Names of the tasks sent to the broker or run eagerly while the test runs."""
    seen = []

    def published(sender=None, **kwargs):
        seen.append(sender)

    def ran(sender=None, **kwargs):
        seen.append(sender.name)

    before_task_publish.connect(published, weak=False)
    task_prerun.connect(ran, weak=False)
    yield seen
    before_task_publish.disconnect(published)
    task_prerun.disconnect(ran)
    if not app.conf.task_always_eager:
        app.control.purge()  # nothing we sent is left for another test's worker


@pytest.fixture
def manager():
    return ManagerFactory(municipality=MunicipalityFactory(name="Ålesund", slug="alesund"))


def _request_report(manager):
    from reports.services.funder_reports import funder_report_request

    return funder_report_request(
        municipality=manager.municipality,
        funder="husbanken",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 3, 31),
        by=manager,
    )


def _request_export(manager):
    from exchange.jobs import export_job_create

    return export_job_create(user=manager, file_format="csv", national_ids=False)


SERVICES = {
    "funder report": (_request_report, "reports.tasks.funder_report_render"),
    "export": (_request_export, "exchange.export_run"),
}


@pytest.mark.parametrize("service", SERVICES)
def test_a_task_queued_in_a_transaction_that_rolls_back_is_never_sent_nor_run(queued, manager, service):
    request, _task = SERVICES[service]
    with pytest.raises(Rollback), transaction.atomic():
        request(manager)
        assert queued == []
        raise Rollback
    assert queued == []


@pytest.mark.parametrize("service", SERVICES)
def test_a_task_is_sent_when_its_transaction_commits_and_not_before(queued, manager, service):
    request, task = SERVICES[service]
    with transaction.atomic():
        request(manager)
        assert queued == []
    assert queued and queued[0] == task
