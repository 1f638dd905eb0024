"""Raw values from a query string or a hand-read form field, parsed once for every view: an id is
plain ASCII digits within a database integer, a keyset cursor holds no control character. Anything
else reads as not given, so odd input (a superscript ², a NUL byte) shows the first page, never a 500."""

import re

from boveileder.text import has_control_characters

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1  # the largest a database integer key holds
MAX_CURSOR = 200


def int_param(value) -> int | None:
    """A non-negative whole number given as ASCII digits and small enough for a database key, or None.

    `str.isdigit` is not enough: it says yes to ² and ①, which `int()` refuses."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def cursor_param(value) -> str | None:
    """A keyset cursor (the last key of the page before), or None for one no key could be."""
    if not isinstance(value, str) or not value or len(value) > MAX_CURSOR or has_control_characters(value):
        return None
    return value
