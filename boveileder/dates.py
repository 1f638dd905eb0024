"""Dates, one definition each: arithmetic that survives the edges of the calendar (a deadline three
weeks after 31.12.9999 is 31.12.9999, not a server error: every deadline, window and cut-off is
computed through here), and the plausible range of a date typed or imported (the forms' services and
the spreadsheet import alike).

A date on which something happened (a follow-up, a receipt, a move-in, a birth) cannot be in the
future; a date ahead (a contract's end, a consent's last day) lies within `YEARS_AHEAD` years, so
«9999-12-31», another system's «no end date», is refused with a hint to leave the cell empty. No date
lies before `EARLIEST`.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = date(1900, 1, 1)
YEARS_AHEAD = 50


def date_shift(day: date, delta: timedelta | relativedelta) -> date:
    """`day + delta` (a timedelta or relativedelta, either sign), held to date.min..date.max."""
    try:
        return day + delta
    except (OverflowError, ValueError):
        # Only a day near an end of the calendar overflows with the deltas we use (days to years).
        return date.max if day.year > date.max.year // 2 else date.min


def years_later(day: date, years: int) -> date:
    """The same day `years` later (or earlier, for a negative number): 29 February becomes 1 March in
    a common year, as birthdays and tenures are counted; held to date.min..date.max."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        if date.min.year <= day.year + years <= date.max.year:
            return date(day.year + years, 3, 1)  # 29 February in a common year
        return date.max if years > 0 else date.min


def _too_early(value: date) -> str | None:
    if value < EARLIEST:
        return _("The date cannot be before %(year)s.") % {"year": EARLIEST.year}
    return None


def happened_problem(value: date | None, *, birth: bool = False, today: date | None = None) -> str | None:
    """What is wrong with the date of something that has happened, or None."""
    if value is None:
        return None
    if value > (today or timezone.localdate()):
        return _("The birth date cannot be after today.") if birth else _("The date cannot be in the future.")
    return _too_early(value)


def latest_ahead(today: date | None = None) -> date:
    """The last plausible date ahead: the end of the year `YEARS_AHEAD` years from today."""
    return date((today or timezone.localdate()).year + YEARS_AHEAD, 12, 31)


def ahead_problem(value: date | None, *, today: date | None = None) -> str | None:
    """What is wrong with a date that may lie ahead (an end date), or None."""
    if value is None:
        return None
    if value > latest_ahead(today):
        return _("The date is too far ahead (after %(year)s): leave it empty when there is no end date.") % {
            "year": latest_ahead(today).year
        }
    return _too_early(value)
