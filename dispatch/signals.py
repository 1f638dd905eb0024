"""What dispatch tells the apps above it."""

from django.dispatch import Signal

# A decision letter left the building: `letter` (the DecisionLetter), `on` (the date), `channel`
# ("svarut" when SvarUt took it, "post" when staff recorded posting it by hand). Sent after commit.
letter_dispatched = Signal()
