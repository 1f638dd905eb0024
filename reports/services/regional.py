"""Figures across municipalities: a county's or a funder's group, pooled and side by side, for the
command, the observer's screens and the regional PDF. Only municipalities that share their figures
with the funder take part, and only figures leave them (docs/domain.md «Figures across municipalities»)."""

from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boveileder.pdf import render_pdf
from reports import indicators
from reports.models import FigureSharing
from reports.presentation import definition_rows, format_value, funder_label
from reports.suppression import HIDDEN, SMALL, suppress

COLUMNS_PER_TABLE = 4


def regional_figures(
    *, funder: str, municipalities, first: date, last: date, keys=indicators.REPORT_KEYS
) -> dict:
    """The exact figures: pooled over the municipalities' records (`figures`), and each one's."""
    places = list(municipalities)
    by_pk = indicators.figures_by_municipality(places, first, last, keys)
    return {
        "funder": str(funder),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "figures": indicators.figures(places, first, last, keys),
        "municipalities": [m.slug for m in places],
        "by_municipality": {m.slug: by_pk[m.pk] for m in places},
    }


def country_figures(*, funder: str, first: date, last: date, keys=indicators.REPORT_KEYS) -> dict:
    """The country's figures: every municipality sharing with the funder, pooled."""
    return indicators.figures(FigureSharing.objects.municipalities_sharing_with(funder), first, last, keys)


def published(result: dict, *, with_country: bool = True) -> dict:
    """The figures as they may leave the municipalities: small counts «1–4», what would give one away «·»."""
    first, last = date.fromisoformat(result["from"]), date.fromisoformat(result["to"])
    country = country_figures(funder=result["funder"], first=first, last=last, keys=tuple(result["figures"]))
    table = suppress(result["by_municipality"], result["figures"], country if with_country else None)
    return {
        **result,
        "figures": table["total"],
        "by_municipality": table["by_municipality"],
        **({"country": table["country"]} if with_country else {}),
    }


def shown(key: str, value) -> str:
    return value if value in (SMALL, HIDDEN) else format_value(key, value)


def published_tables(result: dict, names: dict[str, str]) -> list[dict]:
    """The published figures as tables of at most COLUMNS_PER_TABLE municipalities; the last one holds
    the region's total and the country's. Rows are the indicators."""
    slugs = result["municipalities"]
    chunks = [slugs[i : i + COLUMNS_PER_TABLE] for i in range(0, len(slugs), COLUMNS_PER_TABLE)]
    tables = []
    for chunk in chunks:
        tables.append(
            {
                "headings": [names[slug] for slug in chunk],
                "rows": [
                    {
                        "key": key,
                        "label": str(indicators.INDICATORS[key].label),
                        "cells": [shown(key, result["by_municipality"][slug][key]) for slug in chunk],
                    }
                    for key in result["figures"]
                ],
            }
        )
    totals = [(_("All of them"), result["figures"])]
    if result.get("country") is not None:
        totals.append((_("The country"), result["country"]))
    tables.append(
        {
            "headings": [heading for heading, _figures in totals],
            "rows": [
                {
                    "key": key,
                    "label": str(indicators.INDICATORS[key].label),
                    "cells": [shown(key, figures[key]) for _heading, figures in totals],
                }
                for key in result["figures"]
            ],
        }
    )
    return tables


def regional_report_pdf(*, funder: str, municipalities, first: date, last: date, name: str) -> bytes:
    """A region's report to a funder: its sharing municipalities side by side, their total and the
    country's, small counts suppressed (it leaves the municipalities)."""
    places = list(municipalities)
    result = published(regional_figures(funder=funder, municipalities=places, first=first, last=last))
    with translation.override("nb"):
        context = {
            "funder_name": funder_label(funder),
            "region": name,
            "period_from": first,
            "period_to": last,
            "generated_at": timezone.now(),
            "tables": published_tables(result, {m.slug: m.name for m in places}),
            "definitions": definition_rows(tuple(result["figures"])),
            "small": SMALL,
            "hidden": HIDDEN,
        }
        return render_pdf("reports/pdf/regional_report.html", context)
