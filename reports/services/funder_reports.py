"""Requesting, rendering and drafting funder reports. A report is rendered once; its figures and
file never change afterwards, so it downloads the same years later."""

import hashlib
import logging
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boveileder.leases import jobs_recover, lease_attempts_reset, lease_kept, lease_take
from boveileder.models import Municipality
from boveileder.pdf import render_pdf
from boveileder.queueing import queue_after_commit
from reports import indicators
from reports.chart import trend_chart
from reports.models import Funder, FunderReport, ReportNarrative
from reports.periods import Quarter, period_key
from reports.presentation import (
    NARRATIVE_FIELDS,
    breakdown_rows,
    definition_rows,
    figure_rows,
    format_value,
    funder_label,
)
from reports.services.content import FUNDER_KEYS, GRANT_KEYS, ROTATION_TREND_KEYS, TREND_KEYS, report_content

log = logging.getLogger(__name__)


def narrative_for(*, municipality, funder, period_from, period_to) -> dict:
    narrative = ReportNarrative.objects.filter(
        municipality=municipality, funder=funder, period_from=period_from, period_to=period_to
    ).first()
    return {field: getattr(narrative, field, "") for field in NARRATIVE_FIELDS}


@transaction.atomic
def funder_report_request(*, municipality, funder, period_from, period_to, by) -> FunderReport:
    """Queue a report for rendering in the background; the narrative is kept as it is now."""
    if funder not in Funder.values:
        raise ValidationError({"funder": _("Choose a funder.")})
    if period_to < period_from:
        raise ValidationError({"period_to": _("The period must end on or after its first day.")})
    report = FunderReport.objects.create(
        municipality=municipality,
        funder=funder,
        period_from=period_from,
        period_to=period_to,
        requested_by=by,
        narrative=narrative_for(
            municipality=municipality, funder=funder, period_from=period_from, period_to=period_to
        ),
    )
    _queue(report.pk)
    return report


def _queue(report_id: int) -> None:
    """Send the report's task once the transaction commits. A message lost on the way leaves the report
    queued; the recovery task sends it again after JOB_QUEUED_SECONDS."""
    from reports.tasks import funder_report_render as task

    queue_after_commit(task, report_id)


def report_file_name(report: FunderReport) -> str:
    """What the download is called: funder, municipality and period; never a person."""
    return (
        f"{report.funder}-{report.municipality.slug}-{period_key(report.period_from, report.period_to)}.pdf"
    )


def _chart_alt(trend, series) -> str:
    """The trend chart said in words, for the tagged PDF's readers."""
    return _(
        "Line chart by quarter, %(first)s to %(last)s, of: %(series)s. The figures are in the table below."
    ) % {
        "first": trend[0]["label"] if trend else "",
        "last": trend[-1]["label"] if trend else "",
        "series": ", ".join(label.lower() for _key, label in series),
    }


def report_pdf(*, content: dict, narrative: dict, generated_at: datetime) -> bytes:
    """The PDF of a report from its kept content: Norwegian, A4, tagged."""
    with translation.override("nb"):
        funder = content["funder"]
        keys = FUNDER_KEYS[funder]
        # The appendix defines exactly the indicators the report shows, in the key figures' order.
        shown = tuple(dict.fromkeys((*keys, *TREND_KEYS, *ROTATION_TREND_KEYS, *GRANT_KEYS)))
        series = [(key, str(indicators.INDICATORS[key].label)) for key in TREND_KEYS]
        rotation_series = [(key, str(indicators.INDICATORS[key].label)) for key in ROTATION_TREND_KEYS]
        # The chart draws the two shares (per cent); the median months stand in the table beside them.
        rotation_charted = rotation_series[:2]
        trend = content["trend"]
        context = {
            "content": content,
            "funder_name": funder_label(funder),
            "period_from": date.fromisoformat(content["from"]),
            "period_to": date.fromisoformat(content["to"]),
            "cumulative_from": date.fromisoformat(content["cumulative_from"])
            if content["cumulative_from"]
            else None,
            "generated_at": generated_at,
            "key_rows": figure_rows(keys, content["figures"], content["cumulative"]),
            "chart": trend_chart(trend, series) if trend else None,
            "chart_alt": _chart_alt(trend, series),
            "trend_series": series,
            "rotation_chart": trend_chart(trend, rotation_charted) if trend else None,
            "rotation_chart_alt": _chart_alt(trend, rotation_charted),
            "rotation_series": rotation_series,
            "rotation_trend_rows": [
                {
                    "label": row["label"],
                    "values": [format_value(key, row.get(key)) for key, _label in rotation_series],
                }
                for row in trend
            ],
            "rotation_rows": figure_rows(indicators.ROTATION_KEYS, content["figures"], content["cumulative"]),
            "trend_rows": [
                {"label": row["label"], "values": [format_value(key, row[key]) for key, _label in series]}
                for row in trend
            ],
            "narrative": [
                (ReportNarrative._meta.get_field(field).verbose_name, narrative.get(field, ""))
                for field in NARRATIVE_FIELDS
                if narrative.get(field, "").strip()
            ],
            "definitions": definition_rows(shown),
            "is_husbanken": funder == Funder.HUSBANKEN,
            "grants": [
                {
                    **grant,
                    "from": date.fromisoformat(grant["from"]),
                    "to": date.fromisoformat(grant["to"]),
                    "reported_until": date.fromisoformat(grant["reported_until"]),
                    "rows": figure_rows(list(grant["reported"]), grant["reported"]),
                }
                for grant in content["grants"]
            ],
        }
        for name in ("exits_by_reason", "followups_by_kind", "partner_agencies", "housing_at_start"):
            if name in content:
                context[name] = breakdown_rows(name, content[name])
        if funder == Funder.HUSBANKEN:
            context["outcome_rows"] = figure_rows(
                (
                    "municipal_units_freed",
                    "households_bought_home",
                    "households_moved_to_private_rental",
                    "persons_moved_out",
                    "children_moved_out",
                ),
                content["figures"],
                content["cumulative"],
            )
            context["startloan_rows"] = figure_rows(
                (
                    "startloan_applications_received",
                    "startloan_applications_approved",
                    "startloan_amount_approved_nok",
                ),
                content["figures"],
                content["cumulative"],
            )
            context["flag_rows"] = figure_rows(
                ("long_tenure_flags_raised", "long_tenure_flags_resolved"),
                content["figures"],
                content["cumulative"],
            )
        else:
            context["followup_rows"] = figure_rows(
                (
                    "households_assisted",
                    "persons_assisted",
                    "children_assisted",
                    "followups",
                    "followup_hours",
                ),
                content["figures"],
                content["cumulative"],
            )
            context["decision_rows"] = figure_rows(
                indicators.DECISION_KEYS, content["figures"], content["cumulative"]
            )
        return render_pdf("reports/pdf/funder_report.html", context)


def _locked(report_id) -> FunderReport | None:
    return FunderReport.objects.select_for_update().filter(pk=report_id).first()


def _lease_name(report_id) -> str:
    return f"funder-report:{report_id}"


def funder_report_render(*, report_id: int) -> FunderReport | None:
    """Render a queued report exactly once. Safe to run twice, at once or after a crash: a live render
    holds the report's lease (a second delivery does nothing), a report already done is left alone,
    and the file has one fixed name, written under the row lock."""
    token = lease_take(_lease_name(report_id))
    if token is None:
        return FunderReport.objects.filter(pk=report_id).first()  # a live render has it
    with lease_kept(_lease_name(report_id), token):
        return _render(report_id)


def _render(report_id: int) -> FunderReport | None:
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.status == FunderReport.Status.DONE:
            return report
        report.status = FunderReport.Status.RENDERING
        report.save(update_fields=["status"])
    try:
        content = report_content(
            municipality=report.municipality,
            funder=report.funder,
            first=report.period_from,
            last=report.period_to,
        )
        finished_at = timezone.now()
        pdf = report_pdf(content=content, narrative=report.narrative, generated_at=finished_at)
    except Exception as error:
        log.exception("funder report %s failed", report_id)
        with transaction.atomic():
            report = _locked(report_id)
            if report and report.status != FunderReport.Status.DONE:
                report.status = FunderReport.Status.FAILED
                report.error = f"{type(error).__name__}: {error}"[:2000]
                report.save(update_fields=["status", "error"])
        return report  # recorded as failed for the manager to see; a new request tries again
    with transaction.atomic():
        report = _locked(report_id)
        if report is None or report.status == FunderReport.Status.DONE:
            return report  # another delivery finished first: keep its file
        # One fixed name per report (its id and request time), so a second render overwrites, never adds.
        stamp = f"{report.requested_at:%Y%m%d%H%M%S%f}"
        name = f"reports/{report.requested_at:%Y}/funder-report-{report.pk}-{stamp}.pdf"
        storage = report.pdf.storage
        if storage.exists(name):  # left by a render that died before it could commit
            storage.delete(name)
        report.pdf.name = storage.save(name, ContentFile(pdf))
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.figures = content
        report.status = FunderReport.Status.DONE
        report.finished_at = finished_at
        report.error = ""
        report.save()
    return report


def funder_reports_recover() -> dict:
    """Queue again every report whose worker died while rendering it (its lease ran out) or whose
    message was lost (queued past JOB_QUEUED_SECONDS, no lease), or after JOB_MAX_ATTEMPTS runs mark it
    failed for the manager to try again. Returns how many of each."""
    from reports.tasks import funder_report_render as task

    return jobs_recover(
        jobs=FunderReport.objects.all(),
        lease_name=_lease_name,
        queue=task.delay,
        stopped="The worker rendering the report stopped, or never got it.",
    )


@transaction.atomic
def funder_report_retry(*, report: FunderReport, by) -> bool:
    """Queue a failed report again (the manager's «Try again»); False if it has not failed."""
    if not FunderReport.objects.filter(pk=report.pk, status=FunderReport.Status.FAILED).update(
        status=FunderReport.Status.QUEUED, error="", queued_at=timezone.now()
    ):
        return False
    lease_attempts_reset(_lease_name(report.pk))
    log.info("funder report %s queued again by user %s", report.pk, getattr(by, "pk", None))
    _queue(report.pk)
    return True


def funder_report_bytes(report: FunderReport) -> bytes:
    """The archived file, checked against the hash taken when it was made."""
    with report.pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise ValueError(f"funder report {report.pk}: stored file does not match its sha256")
    return data


def funder_reports_draft(*, quarter: Quarter) -> list[FunderReport]:
    """Draft every municipality's reports for `quarter` for both funders, once: municipalities that
    already have a report for that funder and quarter are skipped, so running it twice does nothing."""
    drafted = []
    with transaction.atomic():
        for municipality in Municipality.objects.select_for_update().order_by("pk"):
            for funder in Funder.values:
                exists = FunderReport.objects.filter(
                    municipality=municipality,
                    funder=funder,
                    period_from=quarter.first,
                    period_to=quarter.last,
                ).exclude(status=FunderReport.Status.FAILED)
                if not exists.exists():
                    drafted.append(
                        funder_report_request(
                            municipality=municipality,
                            funder=funder,
                            period_from=quarter.first,
                            period_to=quarter.last,
                            by=None,
                        )
                    )
    return drafted
