"""Signals cases sends for the apps above it (the journal, sending through SvarUt), so cases names none
of them. A receiver runs inside the sender's transaction: what it writes commits, or rolls back, with
the change that caused it."""

from django.dispatch import Signal

# A decision's letter has left the municipality: `letter` (a DecisionLetter), `on` (the date it left),
# `channel` ("post" when staff record it posted and filed, "svarut" when SvarUt accepted it). May be
# sent more than once for one letter (posted by hand after SvarUt could not deliver it); receivers
# keep one record per letter.
letter_dispatched = Signal()

# An appeal against a decision was registered: `appeal` (an Appeal).
appeal_registered = Signal()

# A decision letter's PDF was made and committed (`letter`: the DecisionLetter). Sent once per letter.
letter_rendered = Signal()
