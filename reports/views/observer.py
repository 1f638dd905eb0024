"""A funder observer's screens: its municipalities' figures side by side, the region's and the
country's sums, each indicator's trend over eight quarters, and the reports they sent. Figures only,
small counts suppressed (reports.suppression); no household, no person, no drill-down."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import indicators
from reports.forms import DashboardPeriodForm
from reports.models import FunderReport
from reports.observer import observer_required
from reports.periods import Quarter
from reports.services.funder_reports import funder_report_bytes, report_file_name
from reports.services.regional import published, regional_figures, shown

TREND_QUARTERS = 8


def _span(chosen):
    """The chosen quarter or year, up to today while it runs."""
    return chosen.first, min(chosen.last, timezone.localdate())


def _published(observer, places, first, last, keys=indicators.REPORT_KEYS) -> dict:
    return published(
        regional_figures(funder=observer.funder, municipalities=places, first=first, last=last, keys=keys)
    )


def _any_period(request) -> tuple[tuple[date, date] | None, str]:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`: any period that has begun, up to today; or a message."""
    text_from, text_to = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if not text_from and not text_to:
        return None, ""
    try:
        first, last = date.fromisoformat(text_from), date.fromisoformat(text_to)
    except ValueError:
        return None, _("Give both dates of the period, such as 2026-01-01 and 2026-06-30.")
    today = timezone.localdate()
    if last < first or first > today:
        return None, _("The period must end on or after its first day, and have begun.")
    return (first, min(last, today)), ""


@require_GET
@observer_required
def observer(request):
    """The municipalities side by side for a quarter or a year (`?period=2026Q1` or `2026`), or any
    period (`?from=2026-01-01&to=2026-06-30`)."""
    observer = request.funder_observer
    form = DashboardPeriodForm(request.GET)
    chosen = form.chosen()
    span, period_error = _any_period(request)
    if span is None:
        span = _span(chosen)
        heading = chosen.label
    else:
        heading = f"{span[0]:%d.%m.%Y}–{span[1]:%d.%m.%Y}"
    places = list(observer.municipalities_in_view().order_by("name"))
    rows = []
    if places:
        result = _published(observer, places, *span)
        rows = [
            {
                "key": key,
                "label": indicators.INDICATORS[key].label,
                "definition": indicators.INDICATORS[key].definition,
                "cells": [shown(key, result["by_municipality"][m.slug][key]) for m in places],
                "total": shown(key, result["figures"][key]),
                "country": shown(key, result["country"][key]),
            }
            for key in indicators.REPORT_KEYS
        ]
    return render(
        request,
        "reports/observer/table.html",
        {
            "observer": observer,
            "form": form,
            "choices": form.choices(chosen),
            "chosen": chosen,
            "chosen_value": str(chosen),
            "places": places,
            "rows": rows,
            "heading": heading,
            "span": span,
            "period_error": period_error,
            "from_value": request.GET.get("from", ""),
            "to_value": request.GET.get("to", ""),
        },
    )


@require_GET
@observer_required
def observer_trend(request, key):
    """One indicator over the last eight quarters, by municipality, with the region's sum."""
    if key not in indicators.REPORT_KEYS:
        raise Http404
    observer = request.funder_observer
    places = list(observer.municipalities_in_view().order_by("name"))
    end = Quarter.containing(timezone.localdate())
    quarters = [end]
    for _step in range(TREND_QUARTERS - 1):
        quarters.insert(0, quarters[0].previous())
    rows = []
    for quarter in quarters if places else []:
        result = _published(observer, places, *_span(quarter))
        rows.append(
            {
                "label": quarter.label,
                "cells": [shown(key, result["by_municipality"][m.slug][key]) for m in places],
                "total": shown(key, result["figures"][key]),
            }
        )
    return render(
        request,
        "reports/observer/trend.html",
        {"observer": observer, "indicator": indicators.INDICATORS[key], "places": places, "rows": rows},
    )


def _archived(observer):
    return FunderReport.objects.filter(
        funder=observer.funder,
        status=FunderReport.Status.DONE,
        municipality__in=observer.municipalities_in_view(),
    ).select_related("municipality")


@require_GET
@observer_required
def observer_archive(request):
    """The reports its municipalities made for its funder, as they were sent."""
    reports = _archived(request.funder_observer).order_by("-period_to", "municipality__name")[:200]
    return render(
        request, "reports/observer/archive.html", {"observer": request.funder_observer, "reports": reports}
    )


@require_GET
@observer_required
def observer_download(request, pk):
    report = _archived(request.funder_observer).filter(pk=pk).first()
    if report is None or not report.pdf:
        raise Http404
    try:
        data = funder_report_bytes(report)
    except ValueError as error:
        raise Http404 from error
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, report_file_name(report))
    return response
