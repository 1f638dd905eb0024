"""The yearly overview of housing needs (boligsosial behovsoversikt): what the records of one year
tell the municipality's planning (planstrategi), beside the year before. Aggregates only, from the
indicator module and a few breakdowns defined here (and in the appendix)."""

import csv
import io
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from boveileder.pdf import render_pdf
from cases.models import StartLoanApplication
from reports import indicators, selectors
from reports.indicators import is_child_on, is_member_on, whole_months
from reports.presentation import breakdown_rows, definition_rows, format_value

HOUSEHOLD_KEYS = ("households_assisted", "persons_assisted", "children_assisted")
STARTLOAN_KEYS = (
    "startloan_applications_received",
    "startloan_applications_approved",
    "startloan_amount_approved_nok",
)
# The exits by reason follow it (the breakdown), so the reasons are not listed twice.
EXIT_KEYS = ("municipal_units_freed",)
OVERVIEW_KEYS = (
    HOUSEHOLD_KEYS + EXIT_KEYS + STARTLOAN_KEYS + indicators.DECISION_KEYS + indicators.ROTATION_KEYS
)

# The overview's own breakdowns: key, label, definition (said in the appendix).
COMPOSITION = (
    (
        "households_with_children",
        gettext_noop("Households with children"),
        gettext_noop(
            "households assisted in the year with at least one member who is a child on its last day"
        ),
    ),
    (
        "households_single_adult",
        gettext_noop("Single adults"),
        gettext_noop("households assisted in the year whose only member on its last day is an adult"),
    ),
)
TENURE_BANDS = (
    ("tenure_under_1_year", gettext_noop("Under 1 year"), 0, 12),
    ("tenure_1_to_3_years", gettext_noop("1 to 3 years"), 12, 36),
    ("tenure_3_to_5_years", gettext_noop("3 to 5 years"), 36, 60),
    ("tenure_5_years_or_more", gettext_noop("5 years or more"), 60, None),
)
TENURE_DEFINITION = gettext_noop(
    "households assisted in the year living in a municipal unit on its last day, by whole months "
    "since they moved into it"
)
PIPELINE_DEFINITION = gettext_noop(
    "start-up loan applications received on or before the year's last day and not decided by it; "
    "withdrawn ones left out"
)


def _composition(municipality, first, last) -> dict:
    households = selectors.records("households_assisted", municipality, first, last)
    member = is_member_on("members__", last)
    rows = households.annotate(
        members_now=Count("members", filter=member),
        children_now=Count("members", filter=member & is_child_on("members__birth_date", last)),
    ).values_list("members_now", "children_now")
    with_children = single = 0
    for members, children in rows:
        with_children += children > 0
        single += members == 1 and children == 0
    return {"households_with_children": with_children, "households_single_adult": single}


def _tenure(municipality, first, last) -> dict:
    assisted = selectors.records("households_assisted", municipality, first, last)
    starts = (
        indicators.let_on_last_day(municipality, first, last)
        .filter(household__in=assisted)
        .values_list("start_date", flat=True)
    )
    counts = dict.fromkeys((band[0] for band in TENURE_BANDS), 0)
    for start in starts:
        months = whole_months(start, last)
        for key, _label, low, high in TENURE_BANDS:
            if months >= low and (high is None or months < high):
                counts[key] += 1
    return counts


def _pipeline(municipality, last) -> int:
    return (
        StartLoanApplication.objects.filter(household__municipality=municipality, received_on__lte=last)
        .filter(Q(decided_on__isnull=True) | Q(decided_on__gt=last))
        .exclude(status=StartLoanApplication.Status.WITHDRAWN)
        .count()
    )


def _year(municipality, year: int) -> dict:
    first, last = date(year, 1, 1), min(date(year, 12, 31), timezone.localdate())
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "figures": selectors.figures(municipality, first, last, keys=OVERVIEW_KEYS),
        "composition": _composition(municipality, first, last),
        "tenure": _tenure(municipality, first, last),
        "exits_by_reason": selectors.exits_by_reason(municipality, first, last),
        "startloans_in_pipeline": _pipeline(municipality, last),
    }


def yearly_overview(*, municipality, year: int) -> dict:
    """The overview of `year` (up to today while it runs) and of the year before, as plain JSON."""
    return {
        "municipality": municipality.slug,
        "municipality_name": municipality.name,
        "year": year,
        "this_year": _year(municipality, year),
        "year_before": _year(municipality, year - 1),
    }


def _lines(overview: dict) -> list[tuple[str, str, str, object, object]]:
    """(section, key, label, this year, year before) for every figure of the overview."""
    now, before = overview["this_year"], overview["year_before"]
    lines = []
    for section, keys in (
        (_("Households followed"), HOUSEHOLD_KEYS),
        (_("Where they went"), EXIT_KEYS),
        (_("Start-up loans"), STARTLOAN_KEYS),
        (_("Individual decisions and appeals"), indicators.DECISION_KEYS),
        (_("Rotation in the municipal units"), indicators.ROTATION_KEYS),
    ):
        for key in keys:
            label = str(indicators.INDICATORS[key].label)
            lines.append((section, key, label, now["figures"][key], before["figures"][key]))
    for key, label, _definition in COMPOSITION:
        lines.append(
            (_("Households followed"), key, _(label), now["composition"][key], before["composition"][key])
        )
    for key, label, _low, _high in TENURE_BANDS:
        lines.append(
            (_("Time lived in municipal housing"), key, _(label), now["tenure"][key], before["tenure"][key])
        )
    reasons_now = {row["kind"]: row["exits"] for row in now["exits_by_reason"]}
    reasons_before = {row["kind"]: row["exits"] for row in before["exits_by_reason"]}
    for row in breakdown_rows("exits_by_reason", [{"kind": k} for k in indicators.MoveOutReason.values]):
        if row["kind"] == indicators.MoveOutReason.TRANSFER:
            continue
        lines.append(
            (
                _("Where they went"),
                f"exits_{row['kind']}",
                row["label"],
                reasons_now.get(row["kind"], 0),
                reasons_before.get(row["kind"], 0),
            )
        )
    lines.append(
        (
            _("Start-up loans"),
            "startloans_in_pipeline",
            _("Applications in the pipeline at the year's end"),
            now["startloans_in_pipeline"],
            before["startloans_in_pipeline"],
        )
    )
    return lines


def overview_csv(overview: dict) -> str:
    """The overview as CSV: one line a figure, this year beside the year before. Norwegian labels."""
    with translation.override("nb"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        year = overview["year"]
        writer.writerow(["section", "key", "label", str(year), str(year - 1)])
        for section, key, label, now, before in _lines(overview):
            writer.writerow(
                [section, key, label, "" if now is None else now, "" if before is None else before]
            )
        return buffer.getvalue()


def overview_pdf(overview: dict) -> bytes:
    """The overview as an accessible PDF in Norwegian, with the definitions in an appendix."""
    with translation.override("nb"):
        sections: dict[str, list] = {}
        for section, key, label, now, before in _lines(overview):
            sections.setdefault(section, []).append(
                {"label": label, "now": format_value(key, now), "before": format_value(key, before)}
            )
        own = [
            {"label": _(label), "definition": _(definition)} for _key, label, definition in COMPOSITION
        ] + [
            {"label": _("Time lived in municipal housing"), "definition": _(TENURE_DEFINITION)},
            {
                "label": _("Applications in the pipeline at the year's end"),
                "definition": _(PIPELINE_DEFINITION),
            },
        ]
        context = {
            "overview": overview,
            "year": overview["year"],
            "year_before": overview["year"] - 1,
            "to": date.fromisoformat(overview["this_year"]["to"]),
            "sections": sections,
            "definitions": definition_rows(OVERVIEW_KEYS) + own,
            "generated_at": timezone.now(),
        }
        return render_pdf("reports/pdf/yearly_overview.html", context)
