"""A problem in a file: where it is (sheet, row, column) and what is wrong, in the user's language.

A message never repeats a national ID number; values echoed back have any 11-digit run masked.
"""

import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

ELEVEN_DIGITS = re.compile(r"\d{11}")
CONTROL = re.compile("[\x00-\x1f\x7f\ue000-\ue01f]")  # echoed as «�», never as itself


@dataclass(frozen=True)
class Problem:
    sheet: str = ""
    row: int | None = None  # the spreadsheet's row number: the header is row 1
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = [self.sheet or _("file")]
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRejected(Exception):
    """The file has problems: nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def shown(value, limit: int = 40) -> str:
    """A cell value as it may be echoed in a message: trimmed, and never a national ID number."""
    text = CONTROL.sub("\ufffd", ELEVEN_DIGITS.sub("•" * 11, str(value).strip()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
