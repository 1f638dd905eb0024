"""Queueing a background task from a write: once the transaction commits, never before (a worker
must find what the task is about), and never at the cost of the write. A broker that is down (Redis
stopped or unreachable) loses the message: that is logged, the write stands, and the job's own
recovery sends it again (a letter, a funder report: `boveileder.leases.jobs_recover`; a shipment:
`dispatch.shipments_poll`), or the user is told and tries again (an import)."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def queue_after_commit(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one). The callback
    says what it queues (`send.queued`: the task's name and its arguments)."""

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("could not queue %s%r", task.name, args)

    send.queued = (task.name, args)
    transaction.on_commit(send)
