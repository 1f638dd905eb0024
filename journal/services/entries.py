"""Journal entries made when a letter leaves or an appeal comes in. Each number is taken from a
counter row under lock in the caller's transaction, so numbers are gap-free and two at once never
share one. Titles are written in Norwegian (the archive's language) and name no person."""

from datetime import date

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases.models import Appeal, Decision, DecisionLetter
from journal.models import JournalCase, JournalCounter, JournalEntry


def number_take(*, municipality, year: int, series: str) -> int:
    """The next number of `series` for the municipality and year; must run inside a transaction."""
    counter, _created = JournalCounter.objects.get_or_create(
        municipality=municipality, year=year, series=series
    )
    counter = JournalCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _case_titles(decision: Decision) -> tuple[str, str]:
    title = _("Individually adapted help under the boligsosial lov § 6")
    return f"{title} ({_('household')} {decision.household.reference})", title


def case_for(*, decision: Decision, on: date) -> JournalCase:
    """The decision's case, opened on its first entry."""
    case = JournalCase.objects.filter(decision=decision).first()
    if case is not None:
        return case
    municipality = decision.household.municipality
    with translation.override("nb"):
        title, public_title = _case_titles(decision)
    return JournalCase.objects.create(
        municipality=municipality,
        year=on.year,
        number=number_take(municipality=municipality, year=on.year, series=JournalCounter.Series.CASE),
        decision=decision,
        title=title,
        public_title=public_title,
        opened_on=on,
    )


def _entry_create(*, decision: Decision, on: date, **fields) -> JournalEntry:
    # One lock per decision, so its case and document numbers are taken once even when a letter and
    # an appeal of the same decision are journaled at the same moment.
    Decision.objects.select_for_update(of=("self",)).filter(pk=decision.pk).exists()
    case = case_for(decision=decision, on=on)
    municipality = case.municipality
    return JournalEntry.objects.create(
        municipality=municipality,
        year=on.year,
        number=number_take(municipality=municipality, year=on.year, series=JournalCounter.Series.ENTRY),
        case=case,
        document_number=case.entries.count() + 1,
        journal_date=on,
        **fields,
    )


def _person_name(person) -> str:
    return f"{person.first_name} {person.last_name}".strip()


@transaction.atomic
def entry_for_letter(*, letter: DecisionLetter, on: date, channel: str) -> JournalEntry:
    """Journal a decision's letter as outgoing (U) on the day it left; once per letter."""
    existing = JournalEntry.objects.filter(letter=letter).first()
    if existing is not None:
        return existing
    letter = DecisionLetter.objects.select_related(
        "decision__household__municipality", "decision__person"
    ).get(pk=letter.pk)
    decision = letter.decision
    with translation.override("nb"):
        title = _("Individual decision on help under the boligsosial lov § 6 – %(outcome)s") % {
            "outcome": str(decision.get_outcome_display()).lower()
        }
    return _entry_create(
        decision=decision,
        on=on,
        direction=JournalEntry.Direction.OUTGOING,
        document_date=decision.approved_on or on,
        correspondent=_person_name(decision.person),
        title=title,
        channel=channel,
        letter=letter,
    )


@transaction.atomic
def entry_for_appeal(*, appeal: Appeal) -> JournalEntry:
    """Journal an appeal as incoming (I) on the day it was received; once per appeal."""
    existing = JournalEntry.objects.filter(appeal=appeal).first()
    if existing is not None:
        return existing
    appeal = Appeal.objects.select_related("decision__household__municipality", "decision__person").get(
        pk=appeal.pk
    )
    decision = appeal.decision
    with translation.override("nb"):
        title = _("Appeal against the individual decision of %(date)s") % {
            "date": f"{decision.approved_on:%d.%m.%Y}"
        }
    return _entry_create(
        decision=decision,
        on=appeal.received_on,
        direction=JournalEntry.Direction.INCOMING,
        document_date=appeal.received_on,
        correspondent=_person_name(decision.person),
        title=title,
        appeal=appeal,
    )
