"""The manager's landing page: the figures of the current quarter and year, the records behind
each figure, and the data-quality panel."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role
from cases.models import Decision
from reports import indicators, quality
from reports.dashboard import current_periods, dashboard_figures, dashboard_recompute
from reports.drilldown import household_of, visible_records
from reports.models import FunderReport
from reports.periods import Quarter
from reports.presentation import format_value


@require_GET
@role_required(Role.MANAGER)
def dashboard(request):
    """The figures of this quarter and this year; `?recompute=1` computes them again at once."""
    if request.GET.get("recompute"):
        dashboard_recompute(request.user)
        return redirect("reports:dashboard")
    periods = current_periods()
    found = dashboard_figures(request.user, periods)
    quarter_figures, year_figures = found["figures"]["quarter"], found["figures"]["year"]
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
    checks = [(check, found["checks"][check.key]) for check in quality.checks(request.user)]
    reports = FunderReport.objects.for_municipality(request.user.municipality)
    latest = reports.select_related("requested_by")[:5]
    return render(
        request,
        "reports/dashboard.html",
        {
            "rows": rows,
            "quarter": Quarter.containing(periods["quarter"][0]),
            "year": periods["year"][0].year,
            "checks": checks,
            "latest": latest,
            "computed_at": found["computed_at"],
            "decisions_for_attention": list(Decision.objects.for_attention_of(request.user)),
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
