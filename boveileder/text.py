"""Text typed or imported: no control characters, one definition for the forms and the spreadsheet
import. A reference or a name holds none at all; a longer text (a note) may hold line breaks and tabs.

A workbook's XML cannot carry a control character; the import's reader maps one found raw in it to
the private-use character U+E000 + its code, so it is named here too.
"""

import unicodedata

from django.utils.translation import gettext as _

C0_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
LINE_BREAKS = "\t\n\r"
MAPPED = 0xE000  # the reader's stand-in for a raw control byte in a workbook


def _control_name(char: str) -> str | None:
    code = ord(char)
    if code < 0x20:
        return C0_NAMES[code]
    if code == 0x7F:
        return "DEL"
    if MAPPED <= code < MAPPED + 0x20:
        return C0_NAMES[code - MAPPED]
    if unicodedata.category(char) == "Cc":
        return f"U+{code:04X}"  # C1
    return None


def control_problem(value: str, *, multiline: bool = False) -> str | None:
    """What is wrong with a text holding a control character, or None; `multiline` allows line breaks."""
    for char in value:
        if multiline and char in LINE_BREAKS:
            continue
        name = _control_name(char)
        if name:
            return _("The text has a control character (%(name)s), which is not allowed.") % {"name": name}
    return None


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether the text holds a control character (NUL, CR, LF, tab, escape, …)."""
    return control_problem(value, multiline=multiline) is not None


def without_control_characters(value: str) -> str:
    """The text with each control character read as a space (a search's words, say: PostgreSQL takes
    no NUL in a query)."""
    return "".join(" " if _control_name(char) else char for char in value)
