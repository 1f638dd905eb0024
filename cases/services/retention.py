"""Retention: the working notes of households closed longer than the municipality's retention time
are anonymised, and their documents (the uploaded papers) removed, files and all. Dates,
kinds, minutes, amounts and members' birth dates stay, so every report figure stays the same;
decisions, their letters and their appeals stay as they are (archive law beats deletion)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from boveileder.extensions import hooks
from boveileder.models import Municipality
from cases import extensions
from cases.models import Consent, Document, FollowUp, Household, StartLoanApplication, StartLoanStatusChange
from cases.services.documents import documents_remove
from cases.services.timeline import timeline_record
from cases.timeline import TimelineKind

# What replaces a note that may not be left empty.
ANONYMISED = "[anonymisert]"

# Every free-text working note cases keeps about a household: (model, the path from the model to the
# household, {field: replacement}). The apps above cases add theirs (`extensions.WORKING_NOTES`).
WORKING_NOTES: list[tuple[type, str, dict[str, str]]] = [
    (Household, "pk", {"notes": ""}),
    (FollowUp, "household", {"note": "", "next_step": ""}),
    (Consent, "household", {"purpose": ANONYMISED}),
    (StartLoanApplication, "household", {"rejection_reason": ""}),
    (StartLoanStatusChange, "application__household", {"note": ""}),
]


def working_notes() -> list[tuple[type, str, dict[str, str]]]:
    """cases' working notes and those the apps above it register."""
    return WORKING_NOTES + [note for provider in hooks(extensions.WORKING_NOTES) for note in provider()]


def retention_cutoff(*, municipality: Municipality, as_of: date) -> date:
    """Households closed on or before this day are past the retention time."""
    years = municipality.retention_years
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February, or a retention time reaching back before year 1
        return as_of.replace(year=as_of.year - years, day=28) if as_of.year > years else date.min


def _note_rows(household_ids):
    """(queryset, replacements) for every working-note table, the history tables included."""
    for model, path, replacements in working_notes():
        live = model.objects.filter(**{f"{path}__in": household_ids})
        yield live, replacements
        history = getattr(model, "history", None)
        if history is not None:
            # The earlier versions django-simple-history keeps go too.
            yield history.model.objects.filter(id__in=live.values("pk")), replacements


@transaction.atomic
def households_anonymise_closed(*, municipality: Municipality, as_of: date) -> int:
    """Anonymise the working notes of the municipality's households closed more than
    `retention_years` before `as_of`; returns how many households it anonymised. Safe to run twice."""
    cutoff = retention_cutoff(municipality=municipality, as_of=as_of)
    ids = list(
        Household.objects.for_municipality(municipality)
        .filter(closed_on__isnull=False, closed_on__lte=cutoff, anonymised_at__isnull=True)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    for rows, replacements in _note_rows(ids):
        rows.update(**replacements)
    documents_remove(documents=Document.objects.filter(household_id__in=ids))
    Household.objects.filter(pk__in=ids).update(anonymised_at=timezone.now())
    for household in Household.objects.filter(pk__in=ids):
        timeline_record(
            household=household,
            kind=TimelineKind.ANONYMISED,
            on=as_of,
        )
    return len(ids)
