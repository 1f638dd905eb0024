"""What goes into a funder report: the figures of the period and since the project started, the
trend by quarter, the funder's breakdowns and grants. Aggregates only: never a name or an ID number.
The result is plain JSON, kept on the archived report as the figures were when it was made."""

from datetime import date

from boveileder.models import Municipality
from reports import indicators, selectors
from reports.models import Funder, FunderReport, FundingGrant
from reports.periods import Quarter, period_key, quarters_between

TREND_KEYS = ("households_assisted", "followups", "municipal_units_freed", "households_bought_home")
# Rotation's trend, drawn on a chart of its own: shares and rates do not share the counts' scale.
ROTATION_TREND_KEYS = ("long_tenancies_share_pct", "units_freed_per_100_let", "median_months_lived_exits")
TREND_QUARTERS = 8
GRANT_KEYS = ("households_assisted", "persons_assisted", "followup_hours", "municipal_units_freed")

# The figures each funder reads, in the order of the key-figure table.
FUNDER_KEYS = {
    Funder.HUSBANKEN: (
        "households_assisted",
        "persons_assisted",
        "children_assisted",
        "municipal_units_freed",
        "households_bought_home",
        "households_moved_to_private_rental",
        "persons_moved_out",
        "children_moved_out",
        "startloan_applications_received",
        "startloan_applications_approved",
        "startloan_amount_approved_nok",
        "long_tenure_flags_raised",
        "long_tenure_flags_resolved",
        "followups",
        "followup_hours",
        *indicators.ROTATION_KEYS,
    ),
    Funder.STATSFORVALTEREN: (
        "households_assisted",
        "persons_assisted",
        "children_assisted",
        "followups",
        "followup_hours",
        "municipal_units_freed",
        "households_bought_home",
        "households_moved_to_private_rental",
        "persons_moved_out",
        "children_moved_out",
        *indicators.ROTATION_KEYS,
        *indicators.DECISION_KEYS,
    ),
}


def cumulative_from(municipality: Municipality, last: date) -> date | None:
    """Cumulative figures run from the project's start, when the municipality has set it."""
    start = municipality.project_start
    return start if start and start <= last else None


def trend(municipality, last: date) -> list[dict]:
    """The trend keys for each quarter up to the one holding `last` (at most eight, not before the start)."""
    end = Quarter.containing(last)
    start = end
    for _step in range(TREND_QUARTERS - 1):
        start = start.previous()
    if municipality.project_start and municipality.project_start > start.first:
        start = Quarter.containing(municipality.project_start)
    return [
        {
            "quarter": str(q),
            "label": q.label,
            **selectors.figures(municipality, q.first, q.last, keys=TREND_KEYS + ROTATION_TREND_KEYS),
        }
        for q in quarters_between(start.first, end.last)
    ]


def grant_progress(grant: FundingGrant, until: date) -> dict:
    """A grant with what has been reported within its period up to `until`."""
    last = min(grant.period_to, until)
    reported = (
        selectors.figures(grant.municipality, grant.period_from, last, keys=GRANT_KEYS)
        if last >= grant.period_from
        else dict.fromkeys(GRANT_KEYS, 0)
    )
    reports = FunderReport.objects.filter(
        municipality_id=grant.municipality_id,
        funder=grant.funder,
        status=FunderReport.Status.DONE,
        period_from__gte=grant.period_from,
        period_to__lte=last,
    ).order_by("period_from")
    return {
        "funder": grant.funder,
        "amount_nok": grant.amount_nok,
        "from": grant.period_from.isoformat(),
        "to": grant.period_to.isoformat(),
        "purpose": grant.purpose,
        "reference": grant.reference,
        "reported_until": last.isoformat(),
        "reported": reported,
        "reports": sorted({period_key(r.period_from, r.period_to) for r in reports}),
    }


def report_content(*, municipality: Municipality, funder: str, first: date, last: date) -> dict:
    """Everything a report shows, as JSON: computed once, then kept unchanged in the archive."""
    start = cumulative_from(municipality, last)
    grants = FundingGrant.objects.filter(
        municipality=municipality, funder=funder, period_from__lte=last, period_to__gte=first
    ).select_related("municipality")
    content = {
        "funder": funder,
        "municipality": municipality.slug,
        "municipality_name": municipality.name,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "cumulative_from": start.isoformat() if start else None,
        "figures": selectors.figures(municipality, first, last),
        "cumulative": selectors.figures(municipality, start, last) if start else None,
        "trend": trend(municipality, last),
        "grants": [grant_progress(grant, last) for grant in grants],
    }
    if funder == Funder.HUSBANKEN:
        content["exits_by_reason"] = selectors.exits_by_reason(municipality, first, last)
    else:
        content["followups_by_kind"] = selectors.followups_by_kind(municipality, first, last)
        content["partner_agencies"] = selectors.followups_with_partner_agencies(municipality, first, last)
        content["housing_at_start"] = selectors.housing_at_start(municipality, first, last)
    return content
