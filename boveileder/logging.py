import logging
import re

from .national_id import is_valid

_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def redact(text: str) -> str:
    """Replace anything that is a valid national ID number with a marker."""
    return _ELEVEN_DIGITS.sub(lambda m: "[fnr]" if is_valid(m.group()) else m.group(), text)


class RedactNationalIdFilter(logging.Filter):
    """A national ID never reaches a log line, whatever logged it: message, traceback or stack."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, so the redacted text is what every handler prints.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
