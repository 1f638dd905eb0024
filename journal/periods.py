"""The journal's periods: a quarter (2026Q1) or two dates, both days included."""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"([0-9]{4})[-]?[QqKk]([1-4])")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def slug(self) -> str:
        """For file names: 2026Q1, or 2026-01-01_2026-02-15."""
        quarter = quarter_of(self.first)
        if quarter == self:
            return f"{self.first.year}Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first:%Y-%m-%d}_{self.last:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return f"{self.first:%d.%m.%Y}–{self.last:%d.%m.%Y}"


def quarter_of(day: date) -> Period:
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end_month = start.month + 2
    return Period(start, date(day.year, end_month, monthrange(day.year, end_month)[1]))


def parse_quarter(text: str) -> Period:
    """`2026Q1` (also `2026-Q1`, `2026K1`); ValueError otherwise."""
    match = _QUARTER.fullmatch(text.strip())
    if not match or int(match.group(1)) < 1900:
        raise ValueError(text)
    return quarter_of(date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1))


def quarters_back(day: date, count: int) -> list[Period]:
    """The quarter holding `day` and the `count - 1` before it, newest first."""
    found = [quarter_of(day)]
    while len(found) < count:
        found.append(quarter_of(found[-1].first - timedelta(days=1)))
    return found
