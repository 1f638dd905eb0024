from django.contrib import admin

from dispatch.models import Shipment, SvarUtAccount


@admin.register(SvarUtAccount)
class SvarUtAccountAdmin(admin.ModelAdmin):
    """Secrets are never here: only the names of the environment variables holding them."""

    list_display = ("municipality", "enabled", "base_url", "account_id")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = (
        "external_ref",
        "channel",
        "state",
        "svarut_status",
        "sent_at",
        "delivered_on",
        "posted_on",
    )
    list_filter = ("channel", "state")
    readonly_fields = [f.name for f in Shipment._meta.fields]
