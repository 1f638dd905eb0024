"""The manager's landing page: the figures of the current quarter and year, the records behind
each figure, and the data-quality panel."""

from datetime import date

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role
from reports import indicators, quality
from reports.drilldown import household_of, visible_records
from reports.models import FunderReport
from reports.periods import Quarter
from reports.presentation import format_value


def current_periods() -> dict[str, tuple[date, date]]:
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    return {
        "quarter": (quarter.first, quarter.last),
        "year": (date(today.year, 1, 1), date(today.year, 12, 31)),
    }


@require_GET
@role_required(Role.MANAGER)
def dashboard(request):
    municipality = request.user.municipality
    periods = current_periods()
    quarter_figures = indicators.figures(municipality, *periods["quarter"])
    year_figures = indicators.figures(municipality, *periods["year"])
    rows = [
        {
            "key": key,
            "label": indicators.INDICATORS[key].label,
            "definition": indicators.INDICATORS[key].definition,
            "quarter": format_value(key, quarter_figures[key]),
            "year": format_value(key, year_figures[key]),
        }
        for key in indicators.ALL_KEYS
    ]
    checks = [(check, check.queryset.count()) for check in quality.checks(request.user)]
    latest = FunderReport.objects.for_municipality(municipality).select_related("requested_by")[:5]
    return render(
        request,
        "reports/dashboard.html",
        {
            "rows": rows,
            "quarter": Quarter.containing(periods["quarter"][0]),
            "year": periods["year"][0].year,
            "checks": checks,
            "latest": latest,
        },
    )


@require_GET
@role_required(Role.MANAGER)
def records(request, key):
    """The records behind one figure of the dashboard (`?period=quarter` or `year`)."""
    if key not in indicators.INDICATORS:
        raise Http404
    period = request.GET.get("period", "quarter")
    periods = current_periods()
    if period not in periods:
        period = "quarter"
    first, last = periods[period]
    queryset = indicators.records(key, request.user.municipality, first, last)
    queryset, headings, cells, path = visible_records(queryset, request.user)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    rows = [{"household": household_of(obj, path), "cells": cells(obj)} for obj in page]
    return render(
        request,
        "reports/records.html",
        {
            "indicator": indicators.INDICATORS[key],
            "first": first,
            "last": last,
            "period": period,
            "headings": headings,
            "rows": rows,
            "page": page,
        },
    )


@require_GET
@role_required(Role.MANAGER)
def data_quality(request):
    panels = []
    for check in quality.checks(request.user):
        items = list(check.queryset[: quality.LIMIT + 1])
        panels.append(
            {
                "check": check,
                "items": [
                    (obj, household_of(obj, check.household_path or "pk")) for obj in items[: quality.LIMIT]
                ],
                "more": len(items) > quality.LIMIT,
            }
        )
    return render(request, "reports/data_quality.html", {"panels": panels, "limit": quality.LIMIT})
