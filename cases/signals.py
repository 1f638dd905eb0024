"""Signals cases sends for the apps above it (they subscribe from their `AppConfig.ready`)."""

from django.dispatch import Signal

# A decision letter's PDF was made and committed (`letter`: the DecisionLetter). Sent once per letter.
letter_rendered = Signal()
