"""How figures read on screen and in the PDF: labels, units and Norwegian number formats."""

from django.utils.translation import gettext

from boveileder.templatetags.formatting import format_nok
from reports import indicators
from reports.models import Funder

NARRATIVE_FIELDS = ("summary", "goal_attainment", "deviations", "methods", "challenges", "next_quarter")


def format_value(key: str, value) -> str:
    if value is None:
        return "–"
    if key.endswith("_nok"):
        return format_nok(value)
    if isinstance(value, float):  # hours, shares, medians and rates: one decimal
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\xa0")


def figure_rows(keys, figures: dict, cumulative: dict | None = None) -> list[dict]:
    """One row per key: label, the figure, and the cumulative figure when there is one."""
    return [
        {
            "key": key,
            "label": str(indicators.INDICATORS[key].label),
            "value": format_value(key, figures.get(key)),
            "cumulative": format_value(key, cumulative.get(key)) if cumulative else None,
        }
        for key in keys
    ]


def breakdown_rows(name: str, rows: list[dict]) -> list[dict]:
    labels = dict(indicators.BREAKDOWN_LABELS[name].choices)
    return [{**row, "label": str(labels.get(row["kind"], row["kind"]))} for row in rows]


def definition_rows(keys=indicators.ALL_KEYS) -> list[dict]:
    """The appendix: each key's label and its definition, from the indicator module."""
    return [
        {
            "key": key,
            "label": str(indicators.INDICATORS[key].label),
            "definition": gettext(indicators.INDICATORS[key].definition),
        }
        for key in keys
    ]


def funder_label(funder: str) -> str:
    return str(Funder(funder).label)
