"""The manager's landing page: the figures of a quarter or a year beside last year's, the records
behind each figure, and the data-quality panel."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role
from boveileder.paging import numbered_page
from cases.models import Decision
from reports import indicators, selectors
from reports.dashboard import dashboard_figures, dashboard_periods, dashboard_recompute
from reports.forms import DashboardPeriodForm
from reports.models import FunderReport
from reports.periods import Quarter
from reports.presentation import format_value
from reports.selectors import QUALITY_LIMIT, household_of, quality_checks, visible_records


def _period_query(chosen) -> str:
    """The query string that keeps the chosen period, for links and redirects."""
    return "?" + urlencode({"period": str(chosen)})


@require_GET
@role_required(Role.MANAGER)
def dashboard(request):
    """The figures of a quarter or year (`?period=2025Q3`, `?year=2025`; this quarter by default)
    with last year's beside them; `?recompute=1` computes them again at once."""
    form = DashboardPeriodForm(request.GET)
    chosen = form.chosen()
    if request.GET.get("recompute"):
        dashboard_recompute(request.user, dashboard_periods(chosen))
        asked = form.is_valid() and "chosen" in form.cleaned_data
        return redirect(reverse("reports:dashboard") + (_period_query(chosen) if asked else ""))
    found = dashboard_figures(request.user, dashboard_periods(chosen))
    figures, earlier = found["figures"]["value"], found["figures"]["last_year"]
    rows = [
        {
            "key": key,
            "label": indicators.INDICATORS[key].label,
            "definition": indicators.INDICATORS[key].definition,
            "value": format_value(key, figures[key]),
            "last_year": format_value(key, earlier[key]),
        }
        for key in indicators.ALL_KEYS
    ]
    checks = [(check, found["checks"][check.key]) for check in quality_checks(request.user)]
    reports = FunderReport.objects.for_municipality(request.user.municipality)
    latest = reports.select_related("requested_by")[:5]
    today = timezone.localdate()
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "choices": form.choices(chosen),
            "chosen": chosen,
            "chosen_value": str(chosen),
            "is_quarter": isinstance(chosen, Quarter),
            "earlier": chosen.a_year_earlier(),
            "running": chosen.first <= today <= chosen.last,
            "rows": rows,
            "checks": checks,
            "latest": latest,
            "computed_at": found["computed_at"],
            "updating": found["updating"],
            "decisions_for_attention": list(Decision.objects.for_attention_of(request.user)),
        },
    )


@require_GET
@role_required(Role.MANAGER)
def records(request, key):
    """The records behind one figure of the dashboard, for its period (`?period=2025Q3` or `2025`)."""
    if key not in indicators.INDICATORS:
        raise Http404
    form = DashboardPeriodForm(request.GET)
    chosen = form.chosen()
    queryset = selectors.records(key, request.user.municipality, chosen.first, chosen.last)
    queryset, headings, cells, path = visible_records(queryset, request.user)
    page = numbered_page(request, queryset, size=50)
    # Each cell with its heading, so the table reads on a phone, where it stacks.
    rows = [
        {"household": household_of(obj, path), "cells": list(zip(headings, cells(obj), strict=True))}
        for obj in page
    ]
    return render(
        request,
        "reports/records.html",
        {
            "form": form,
            "indicator": indicators.INDICATORS[key],
            "chosen": chosen,
            "first": chosen.first,
            "last": chosen.last,
            "period": str(chosen),
            "headings": headings,
            "rows": rows,
            "page": page,
        },
    )


@require_GET
@role_required(Role.MANAGER)
def data_quality(request):
    panels = []
    for check in quality_checks(request.user):
        items = list(check.queryset[: QUALITY_LIMIT + 1])
        panels.append(
            {
                "check": check,
                "items": [
                    (obj, household_of(obj, check.household_path or "pk")) for obj in items[:QUALITY_LIMIT]
                ],
                "more": len(items) > QUALITY_LIMIT,
            }
        )
    return render(request, "reports/data_quality.html", {"panels": panels, "limit": QUALITY_LIMIT})
