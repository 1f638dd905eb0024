"""From a raw cell (text from a CSV, or a typed value from an .xlsx) to a value of its column's kind.

Each parser returns the value or raises `CellError` with a message in the user's language. An empty
cell is unknown: None for dates and numbers, "" for text.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from boveileder import dates
from boveileder.national_id import is_valid, normalise
from boveileder.text import control_problem

from .problems import shown

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    pass


def text(value) -> str:
    """Cell text, trimmed; the quote the export puts before a formula-like value is taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.strftime("%Y-%m-%d")
    result = str(value).strip()
    if result.startswith("'") and result[1:2] in DANGEROUS_FIRST and result[1:2]:
        result = result[1:]
    return result


def is_empty(value) -> bool:
    return text(value) == ""


def parse_date(value, *, ahead: bool = False, birth: bool = False) -> date | None:
    """A date within the range the forms allow (`boveileder.dates`): one that has happened, or with
    `ahead` one that may lie in the future (an end date)."""
    day = _date(value)
    problem = dates.ahead_problem(day) if ahead else dates.happened_problem(day, birth=birth)
    if problem:
        raise CellError(problem)
    return day


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy"),
    ):
        match = re.fullmatch(pattern, raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise CellError(
        _("«%(value)s» is not a date: write it as YYYY-MM-DD or DD.MM.YYYY.") % {"value": shown(raw)}
    )


def parse_int(value) -> int | None:
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("«%(value)s» is not a whole number.") % {"value": shown(value)})
        number = int(value)
    else:
        raw = re.sub(r"[\s\u00a0\u202f]", "", text(value))
        raw = re.sub(r"^(kr\.?|nok)", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"(,-|,00|\.00)$", "", raw)
        if not raw:
            return None
        if not re.fullmatch(r"-?\d+", raw):
            raise CellError(_("«%(value)s» is not a whole number.") % {"value": shown(value)})
        number = int(raw)
    if number < 0:
        raise CellError(_("The number cannot be negative."))
    if number > 2_000_000_000:
        raise CellError(_("The number is too large."))
    return number


def parse_decimal(value) -> Decimal | None:
    raw = text(value).replace(",", ".").replace(" ", "")
    if not raw:
        return None
    try:
        number = Decimal(raw).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise CellError(_("«%(value)s» is not a number.") % {"value": shown(value)}) from None
    if not number.is_finite() or number < 0 or number >= 100_000:
        raise CellError(_("«%(value)s» is not a plausible area.") % {"value": shown(value)})
    return number


def parse_choice(value, choices) -> str:
    raw = text(value).lower()
    if raw and raw not in choices:
        raise CellError(
            _("«%(value)s» is not one of: %(choices)s.")
            % {"value": shown(raw), "choices": ", ".join(choices)}
        )
    return raw


def parse_codes(value, choices) -> list[str]:
    """Several codes in one cell, separated by commas: each one of `choices`."""
    raw = [code.strip().lower() for code in text(value).split(",") if code.strip()]
    for code in raw:
        if code not in choices:
            raise CellError(
                _("«%(value)s» is not one of: %(choices)s.")
                % {"value": shown(code), "choices": ", ".join(choices)}
            )
    return raw


def parse_text(value, max_length: int = 0, *, multiline: bool = False) -> str:
    """Text as the forms take it: no control characters (a note may hold line breaks)."""
    raw = text(value)
    problem = control_problem(raw, multiline=multiline)
    if problem:
        raise CellError(problem)
    if max_length and len(raw) > max_length:
        raise CellError(_("Too long: at most %(n)s characters.") % {"n": max_length})
    return raw


def parse_postcode(value) -> str:
    raw = text(value)
    if isinstance(value, int | float) and raw.isdigit():
        raw = raw.zfill(4)
    if raw and not re.fullmatch(r"\d{4}", raw):
        raise CellError(_("«%(value)s» is not a postcode: four digits.") % {"value": shown(raw)})
    return raw


def parse_national_id(value) -> str:
    """Never echoes the value: only says that it is invalid."""
    raw = text(value)
    if isinstance(value, int | float) and raw.isdigit():
        raw = raw.zfill(11)
    cleaned = normalise(raw)
    if cleaned and not is_valid(cleaned):
        raise CellError(_("invalid national ID number"))
    return cleaned
