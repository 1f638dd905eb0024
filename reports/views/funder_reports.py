"""Generating funder reports in the background, watching them finish, the archive and downloads.
Files are served only here, after the access check: never from MEDIA_URL."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from boveileder.once import create_once
from boveileder.paging import numbered_page
from reports.forms import ReportPeriodForm
from reports.models import FunderReport
from reports.presentation import figure_rows
from reports.services.content import FUNDER_KEYS
from reports.services.funder_reports import (
    funder_report_bytes,
    funder_report_request,
    funder_report_retry,
    report_file_name,
)

PROGRESS = {
    FunderReport.Status.QUEUED: 10,
    FunderReport.Status.RENDERING: 60,
    FunderReport.Status.DONE: 100,
    FunderReport.Status.FAILED: 100,
}


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@create_once
def generate(request):
    form = ReportPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quarter = form.cleaned_data["quarter"]
        report = funder_report_request(
            municipality=request.user.municipality,
            funder=form.cleaned_data["funder"],
            period_from=quarter.first,
            period_to=quarter.last,
            by=request.user,
        )
        return redirect("reports:report_detail", pk=report.pk)
    return render(request, "reports/generate.html", {"form": form})


def _report_for(request, pk) -> FunderReport:
    return get_for_user(
        request.user, FunderReport.objects.select_related("requested_by", "municipality"), pk=pk
    )


def _status_context(report: FunderReport) -> dict:
    return {
        "report": report,
        "progress": PROGRESS[report.status],
        "polling": report.status in (FunderReport.Status.QUEUED, FunderReport.Status.RENDERING),
    }


@require_GET
@role_required(Role.MANAGER)
def report_detail(request, pk):
    report = _report_for(request, pk)
    context = _status_context(report)
    if report.status == FunderReport.Status.DONE and report.figures:
        content = report.figures
        context["rows"] = figure_rows(
            FUNDER_KEYS[report.funder], content["figures"], content.get("cumulative")
        )
        context["has_cumulative"] = bool(content.get("cumulative"))
    return render(request, "reports/report_detail.html", context)


@require_GET
@role_required(Role.MANAGER)
def report_status(request, pk):
    """The progress fragment the detail page polls (htmx) until the report is done; then the whole
    page reloads, so the figures as archived show beside the download."""
    report = _report_for(request, pk)
    response = render(request, "reports/_report_status.html", _status_context(report))
    if request.htmx and report.status in (FunderReport.Status.DONE, FunderReport.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(Role.MANAGER)
def report_retry(request, pk):
    """Queue a failed report again; its page follows it as before."""
    funder_report_retry(report=_report_for(request, pk), by=request.user)
    return redirect("reports:report_detail", pk=pk)


@require_GET
@role_required(Role.MANAGER)
def archive(request):
    reports = FunderReport.objects.for_municipality(request.user.municipality_id).select_related(
        "requested_by"
    )
    page = numbered_page(request, reports, size=25)
    return render(request, "reports/archive.html", {"page": page})


@require_GET
@role_required(Role.MANAGER)
def download(request, pk):
    """The archived file, the same bytes as when it was made."""
    report = _report_for(request, pk)
    if report.status != FunderReport.Status.DONE or not report.pdf:
        raise Http404
    try:
        data = funder_report_bytes(report)
    except ValueError:
        messages.error(request, _("The archived file does not match the one that was made. Contact support."))
        return redirect("reports:report_detail", pk=report.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, report_file_name(report))
    response["X-Content-SHA256"] = report.sha256
    return response
