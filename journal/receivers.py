"""Cases tells the journal what left the municipality or came into it (cases.signals); each receiver
runs in the sender's transaction and calls a journal service."""

from journal.services.entries import entry_for_appeal, entry_for_letter


def on_letter_dispatched(sender, *, letter, on, channel, **kwargs):
    entry_for_letter(letter=letter, on=on, channel=channel)


def on_appeal_registered(sender, *, appeal, **kwargs):
    entry_for_appeal(appeal=appeal)
