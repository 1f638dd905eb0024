"""Reading the journal: a municipality's entries of a period, and their rows as the journal and the
public journal show them (the public one with every person's name screened)."""

from dataclasses import dataclass
from datetime import date

from journal.models import SCREENED, JournalEntry
from journal.periods import Period


def entries_for(municipality, period: Period, direction: str = ""):
    entries = (
        JournalEntry.objects.for_municipality(municipality)
        .between(period.first, period.last)
        .select_related("case")
        .order_by("year", "number")
    )
    if direction:
        entries = entries.filter(direction=direction)
    return entries


@dataclass(frozen=True)
class JournalRow:
    reference: str
    journal_date: date
    document_date: date
    direction: str
    correspondent: str
    title: str
    case_reference: str
    case_title: str
    case_document: str
    decision_id: int


def rows_for(entries, *, public: bool) -> list[JournalRow]:
    """The entries as rows; in the public journal the sender or recipient is screened and the case
    has its public title (titles are written without names, see journal.services.entries)."""
    return [
        JournalRow(
            reference=entry.reference,
            journal_date=entry.journal_date,
            document_date=entry.document_date,
            direction=entry.direction,
            correspondent=SCREENED if public else entry.correspondent,
            title=entry.title,
            case_reference=entry.case.reference,
            case_title=entry.case.public_title if public else entry.case.title,
            case_document=entry.case_document,
            decision_id=entry.case.decision_id,
        )
        for entry in entries
    ]
