"""Funding grants and the narrative the manager writes for each report."""

from django.db import transaction

from reports.models import FundingGrant, ReportNarrative
from reports.presentation import NARRATIVE_FIELDS


@transaction.atomic
def grant_save(*, municipality, data: dict, grant: FundingGrant | None = None) -> FundingGrant:
    """Register a grant, or change one, for `municipality`."""
    grant = grant or FundingGrant(municipality=municipality)
    for field in ("funder", "amount_nok", "period_from", "period_to", "purpose", "reference"):
        setattr(grant, field, data[field])
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def narrative_save(*, municipality, funder, period_from, period_to, data: dict, by) -> ReportNarrative:
    """Keep the manager's words for one funder and period; the next report generated takes them."""
    narrative, _created = ReportNarrative.objects.select_for_update().get_or_create(
        municipality=municipality, funder=funder, period_from=period_from, period_to=period_to
    )
    for field in NARRATIVE_FIELDS:
        setattr(narrative, field, data.get(field, ""))
    narrative.updated_by = by
    narrative.save()
    return narrative
