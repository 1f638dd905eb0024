"""The nightly job that carries moves registered ahead through on their day."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from housing.services.tenancies import tenancies_carry_through


@shared_task(name="housing.tenancies_carry_through_nightly")
def tenancies_carry_through_nightly(as_of: str | None = None) -> int:
    """Record the planned move-ins and move-outs whose day has come by `as_of` (ISO date; today when
    left out) and close the flags of the tenancies ended by then. Safe to run twice."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return tenancies_carry_through(as_of=day)
