"""SvarUt's shipment statuses (forsendelse-status-api: `Forsendelsestatus.status`), in our words."""

from django.utils.translation import gettext_lazy as _

STATUS_LABELS = {
    "MOTTATT": _("Received by SvarUt"),
    "AKSEPTERT": _("Accepted"),
    "VARSLET": _("Notified"),
    "LEST": _("Read"),
    "SENDT_PRINT": _("Sent to print"),
    "PRINTET": _("Printed and posted"),
    "MANUELT_HANDTERT": _("Handled by hand"),
    "SENDT_DIGITALT": _("Sent digitally"),
    "SENDT_SDP": _("Sent to the digital mailbox"),
    "LEVERT_SDP": _("Delivered"),
    "KLAR_FOR_MOTTAK": _("Ready to be fetched"),
    "IKKE_LEVERT": _("Not delivered"),
    "AVVIST": _("Rejected"),
}
# Reached the person: the day counts as the delivery date, from which the appeal deadline runs.
DELIVERED = {"LEVERT_SDP", "LEST"}
# SvarUt gave up: staff print and post the letter.
NOT_DELIVERED = {"IKKE_LEVERT", "AVVIST"}
# No later status will come: the poll stops asking.
FINAL = {"LEST", "PRINTET", "MANUELT_HANDTERT", "IKKE_LEVERT", "AVVIST"}
