"""Sending letters through SvarUt and following their status, in the worker."""

from celery import shared_task

from dispatch.maskinporten import MaskinportenError
from dispatch.svarut import SvarUtError


@shared_task(
    name="dispatch.shipment_send",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SvarUtError, MaskinportenError),
    retry_backoff=5,
    max_retries=5,
)
def shipment_send(shipment_id: int) -> str:
    """Send one recorded shipment to SvarUt; safe to run twice (it looks SvarUt up before sending again)."""
    from dispatch.services import shipment_send as send

    return send(shipment_id=shipment_id).state


@shared_task(name="dispatch.shipments_poll")
def shipments_poll() -> dict:
    """Every five minutes: read the open shipments' status; send again what a dead worker left."""
    from dispatch.services import shipments_poll as poll

    return poll()
