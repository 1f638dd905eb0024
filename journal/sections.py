"""The journal's section on the decision page: the decision's entries and case, so whoever works on
the decision sees its journal numbers (its letter's, its appeals')."""

from journal.models import JournalEntry


def decision_section(request, decision):
    """The decision's journal entries, in one query; nothing to show before its first entry."""
    entries = list(
        JournalEntry.objects.filter(case__decision=decision).select_related("case").order_by("number")
    )
    if not entries:
        return None
    return {"journal_entries": entries}
