"""Retention: the working notes of households closed longer than the municipality's retention time
are anonymised, and their documents (the uploaded papers) removed, files and all. Dates,
kinds, minutes, amounts and members' birth dates stay, so every report figure stays the same;
decisions, their letters and their appeals stay as they are (archive law beats deletion)."""

from datetime import date

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder.models import Municipality
from cases.models import Document, Household
from cases.services.documents import documents_remove
from cases.services.timeline import timeline_record

# What replaces a note that may not be left empty.
ANONYMISED = "[anonymisert]"

# Every free-text working note kept about a household, in one place: (model label, the path from the
# model to the household, {field: replacement}). Labels, not imports, so `cases` does not import
# `housing`; a model that is not installed is skipped.
WORKING_NOTES: list[tuple[str, str, dict[str, str]]] = [
    ("cases.Household", "pk", {"notes": ""}),
    ("cases.FollowUp", "household", {"note": "", "next_step": ""}),
    ("cases.Consent", "household", {"purpose": ANONYMISED}),
    ("cases.StartLoanApplication", "household", {"rejection_reason": ""}),
    ("cases.StartLoanStatusChange", "application__household", {"note": ""}),
    ("housing.Tenancy", "household", {"move_out_note": ""}),
    ("housing.TenancyRenewal", "tenancy__household", {"note": ""}),
    ("housing.FlagDecision", "flag__tenancy__household", {"note": ""}),
]


def retention_cutoff(*, municipality: Municipality, as_of: date) -> date:
    """Households closed on or before this day are past the retention time."""
    years = municipality.retention_years
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February, or a retention time reaching back before year 1
        return as_of.replace(year=as_of.year - years, day=28) if as_of.year > years else date.min


def _note_rows(household_ids):
    """(queryset, replacements) for every working-note table, the history tables included."""
    for label, path, replacements in WORKING_NOTES:
        app_label, model_name = label.split(".")
        if not apps.is_installed(app_label):
            continue
        model = apps.get_model(app_label, model_name)
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
            kind="anonymised",
            summary=_("Working notes anonymised after the retention time"),
            on=as_of,
        )
    return len(ids)
