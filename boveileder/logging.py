import logging
import re

from .national_id import is_valid

_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def redact(text: str) -> str:
    """Replace anything that is a valid national ID number with a marker."""
    return _ELEVEN_DIGITS.sub(lambda m: "[fnr]" if is_valid(m.group()) else m.group(), text)


class RedactNationalIdFilter(logging.Filter):
    """A national ID never reaches a log line, whatever logged it."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
