"""Date arithmetic that survives the edges of the calendar: a deadline three weeks after 31.12.9999
is 31.12.9999, not a server error. Every deadline, window and cut-off is computed through here."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


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
