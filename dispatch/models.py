"""Letters sent on: the municipality's SvarUt settings, and one shipment per decision letter with the
statuses SvarUt reported (docs/svarut.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from boveileder.models import Municipality
from cases.models import DecisionLetter


def external_ref_new() -> str:
    """Our reference for a shipment (SvarUt's eksternReferanse): random, so it says nothing of anyone."""
    return f"boveileder-{uuid.uuid4()}"


class SvarUtAccount(models.Model):
    """How a municipality reaches SvarUt. Secrets stay in the environment: only their variables'
    names are kept here, and nothing shows them back."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="svarut_account")
    enabled = models.BooleanField(_("send letters through SvarUt"), default=True)
    base_url = models.URLField(_("SvarUt address"), default="https://svarut.ks.no")
    account_id = models.UUIDField(_("SvarUt account id (kontoId)"))
    integration_id = models.UUIDField(_("integration id"))
    integration_password_env = models.CharField(
        _("environment variable holding the integration's password"), max_length=100
    )
    token_url = models.URLField(_("Maskinporten token endpoint"), default="https://maskinporten.no/token")
    audience = models.CharField(
        _("Maskinporten audience"), max_length=200, default="https://maskinporten.no/"
    )
    client_id = models.CharField(_("Maskinporten client id"), max_length=100)
    certificate_path = models.CharField(_("business certificate (PEM file)"), max_length=300)
    private_key_path = models.CharField(_("the certificate's private key (PEM file)"), max_length=300)
    private_key_password_env = models.CharField(
        _("environment variable holding the key's password"), max_length=100, blank=True
    )
    print_in_colour = models.BooleanField(_("print in colour"), default=False)
    print_duplex = models.BooleanField(_("print on both sides"), default=True)

    class Meta:
        verbose_name = _("SvarUt account")
        verbose_name_plural = _("SvarUt accounts")

    def __str__(self):
        return f"SvarUt {self.municipality}"


class Shipment(models.Model):
    """One letter on its way to the household: recorded before it is sent, so a send whose answer was
    lost is found again by its external reference rather than sent twice."""

    class Channel(models.TextChoices):
        SVARUT = "svarut", _("SvarUt")
        POST = "post", _("Printed and posted by hand")

    class State(models.TextChoices):
        PENDING = "pending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered: send it by post")
        POSTED = "posted", _("Posted by hand")

    letter = models.OneToOneField(DecisionLetter, on_delete=models.CASCADE, related_name="shipment")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    external_ref = models.CharField(max_length=100, unique=True, default=external_ref_new)
    shipment_id = models.UUIDField(_("SvarUt shipment id"), null=True, blank=True, unique=True)
    svarut_status = models.CharField(max_length=30, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)  # sends started: >0 means SvarUt may have it
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    failed_on = models.DateField(null=True, blank=True)
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)  # never a national ID: see dispatch.svarut.SvarUtError
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="posted") | models.Q(posted_on__isnull=False),
                name="shipment_posted_has_date",
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.external_ref}"


class ShipmentStatus(models.Model):
    """A status SvarUt reported for a shipment, with when it changed."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=30)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["shipment", "status"], name="shipment_status_once")]

    def __str__(self):
        return f"{self.status} {self.at:%d.%m.%Y %H:%M}"
