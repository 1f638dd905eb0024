"""Leases on background jobs, so a job whose worker died is noticed within a minute.

A worker running a job (an import, an export, a funder report) takes the job's lease and renews it
from a heartbeat thread while it works. If the worker dies (SIGKILL, out of memory, a host restart)
the heartbeat stops with it and the lease runs out after `JOB_LEASE_SECONDS`. The job's recovery
task (beat, every minute) then queues the job again, or after `JOB_MAX_ATTEMPTS` runs marks it
failed for the user to try again. A delivery of the job's task that finds the lease held does
nothing (a live run has it); one that finds it run out takes the job over: the lock never outlives
the run that held it, so it cannot block a legitimate redelivery for hours.

A job kept as a row (a funder report, a decision letter) left queued past `JOB_QUEUED_SECONDS` with no
lease lost its message (the broker was down as it was queued, say): `jobs_recover` queues it again
too, each time counted as a run, so one whose message is lost every time ends failed as well.

The leases live in the default cache (Redis in production, beside the broker)."""

import logging
import re
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)

ATTEMPTS_SECONDS = 24 * 3600  # how long the count of runs of a job is kept


def _key(name: str) -> str:
    return f"lease:{name}"


def _attempts_key(name: str) -> str:
    return f"lease-attempts:{name}"


def lease_seconds() -> int:
    return settings.JOB_LEASE_SECONDS


def lease_take(name: str) -> str | None:
    """Take the lease on job `name` for this run and count the run; None if a live run holds it."""
    token = uuid.uuid4().hex
    if not cache.add(_key(name), token, lease_seconds()):
        return None
    lease_attempt_count(name)
    return token


def lease_attempt_count(name: str) -> None:
    """Count one more run of job `name` (a run started, or a lost message sent again)."""
    cache.add(_attempts_key(name), 0, ATTEMPTS_SECONDS)
    try:
        cache.incr(_attempts_key(name))
    except ValueError:  # expired between add and incr
        cache.set(_attempts_key(name), 1, ATTEMPTS_SECONDS)


def lease_held(name: str) -> bool:
    """Whether a live run holds the lease on job `name`."""
    return cache.get(_key(name)) is not None


def lease_attempts(name: str) -> int:
    """How many runs of job `name` have started (since the last `lease_attempts_reset`)."""
    return cache.get(_attempts_key(name)) or 0


def lease_attempts_reset(name: str) -> None:
    """Start counting runs afresh: the user asked to try again."""
    cache.delete(_attempts_key(name))


def lease_release(name: str, token: str) -> None:
    """Give the lease up, if this run still holds it."""
    if cache.get(_key(name)) == token:
        cache.delete(_key(name))


@contextmanager
def lease_kept(name: str, token: str):
    """Renew the lease every third of its length, from a thread, while the block runs; release it after
    (and forget the count of runs when the block finished)."""
    stop = threading.Event()
    seconds = lease_seconds()

    def heartbeat():
        while not stop.wait(seconds / 3):
            if cache.get(_key(name)) != token:
                return  # lost it (it ran out meanwhile): leave it to its new holder
            cache.touch(_key(name), seconds)

    beat = threading.Thread(target=heartbeat, name=f"lease {name}", daemon=True)
    beat.start()
    try:
        yield
        lease_attempts_reset(name)  # this run finished: the next step of the job counts afresh
    finally:
        stop.set()
        beat.join()
        lease_release(name, token)


def cached_keys(prefix: str) -> list[str]:
    """The keys of the default cache that start with `prefix`, as the code gave them (the recovery
    tasks find their jobs with it). Redis is scanned (django-redis); the in-process cache is read."""
    if hasattr(cache, "iter_keys"):
        return list(cache.iter_keys(re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + "*", itersize=1000))
    made = cache.make_key(prefix)
    start = len(made) - len(prefix)
    return [key[start:] for key in list(getattr(cache, "_cache", None) or ()) if key.startswith(made)]


def jobs_recover(*, jobs, lease_name, queue, stopped: str) -> dict:
    """Recover the jobs kept as rows with a `status` (QUEUED, RENDERING, FAILED), a `queued_at` and an
    `error`, as funder reports and decision letters are. Queue again each one left RENDERING with no
    lease (its worker died) or left QUEUED past JOB_QUEUED_SECONDS with no lease (its message was
    lost); after JOB_MAX_ATTEMPTS runs mark it FAILED with the error `stopped`, for the user to try
    again. `jobs` is the model's queryset, `lease_name(pk)` the job's lease, `queue(pk)` sends its
    task. Returns how many were queued again and how many failed."""
    status = jobs.model.Status
    now = timezone.now()
    lost_before = now - timedelta(seconds=settings.JOB_QUEUED_SECONDS)
    stalled = jobs.filter(Q(status=status.RENDERING) | Q(status=status.QUEUED, queued_at__lt=lost_before))
    done = {"requeued": 0, "failed": 0}
    for pk, was in stalled.values_list("pk", "status"):
        name = lease_name(pk)
        if lease_held(name):
            continue  # a live run has it
        # As it was read, so a run or a «try again» since then is left alone.
        row = jobs.filter(pk=pk, status=was)
        if was == status.QUEUED:
            row = row.filter(queued_at__lt=lost_before)
        if lease_attempts(name) < settings.JOB_MAX_ATTEMPTS:
            if row.update(status=status.QUEUED, queued_at=now):
                if was == status.QUEUED:
                    lease_attempt_count(name)  # no run counted it: count it here, or it could go on for ever
                transaction.on_commit(lambda pk=pk: queue(pk))
                done["requeued"] += 1
            continue
        log.error("%s: %s runs or sends came to nothing; marked failed", name, lease_attempts(name))
        done["failed"] += row.update(status=status.FAILED, error=stopped)
    return done
