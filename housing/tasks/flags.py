"""The nightly long-tenure job."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from boveileder.models import Municipality
from housing.services.flags import flags_raise_due_in


@shared_task(name="housing.flags_raise_nightly")
def flags_raise_nightly(as_of: str | None = None) -> int:
    """Raise the due flags of every municipality as of `as_of` (ISO date; today when left out).
    Safe to run twice: a second run raises nothing."""
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return flags_raise_due_in(municipalities=Municipality.objects.all(), as_of=day)
