"""Report periods: quarters such as 2013Q1 and years such as 2013, both days included."""

import re
from dataclasses import dataclass
from datetime import date

QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[QqKk]\s*([1-4])\s*$")
YEAR_RE = re.compile(r"^\s*(\d{4})\s*$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """`2013Q1` (also `2013-Q1`, `2013K1`); ValueError otherwise."""
        match = QUARTER_RE.match(text or "")
        if not match or int(match.group(1)) < date.min.year:  # 0000Q1: no such year
            raise ValueError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        month = 3 * self.number
        return date(self.year, month, 31 if month in (3, 12) else 30)

    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def a_year_earlier(self) -> "Quarter":
        return Quarter(self.year - 1, self.number)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """Norwegian-style label, e.g. «1. kv. 2013» is left to templates; this is «2013 K1»."""
        return f"{self.year} K{self.number}"


@dataclass(frozen=True)
class Year:
    year: int

    @property
    def first(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last(self) -> date:
        return date(self.year, 12, 31)

    def a_year_earlier(self) -> "Year":
        return Year(self.year - 1)

    def __str__(self) -> str:
        return str(self.year)

    @property
    def label(self) -> str:
        return str(self.year)


def parse_period(text: str) -> Quarter | Year:
    """`2013Q1` (as Quarter.parse) or `2013`; ValueError otherwise."""
    match = YEAR_RE.match(text or "")
    return Year(int(match.group(1))) if match else Quarter.parse(text)


def quarters_between(first: date, last: date) -> list[Quarter]:
    """Every quarter touching first..last, oldest first."""
    quarters, q = [], Quarter.containing(first)
    while q.first <= last:
        quarters.append(q)
        q = q.next()
    return quarters


def period_key(first: date, last: date) -> str:
    """`2013Q1` when the period is exactly a quarter, else `2013-01-01_2013-02-15`."""
    q = Quarter.containing(first)
    if q.first == first and q.last == last:
        return str(q)
    return f"{first:%Y-%m-%d}_{last:%Y-%m-%d}"
