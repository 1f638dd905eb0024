"""The nightly retention job: thin, one call per municipality, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from boveileder.models import Municipality
from cases.services.retention import households_anonymise_closed


@shared_task(name="cases.retention_anonymise_nightly")
def retention_anonymise_nightly() -> int:
    """Anonymise the working notes of households closed longer than each municipality keeps them."""
    today = timezone.localdate()
    return sum(
        households_anonymise_closed(municipality=municipality, as_of=today)
        for municipality in Municipality.objects.all()
    )
