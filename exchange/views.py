"""Import and export in the browser, for managers: upload, preview with every problem, confirm,
a progress bar while the import runs; the template workbook; the export, written in the background
and fetched by the manager who asked for it."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from boveileder.access import role_required
from boveileder.models import Role
from exchange import jobs
from exchange.export import template_xlsx
from exchange.forms import ExportForm, ImportForm
from exchange.labels import codes, column_label, column_text, kind_format, sheet_label
from exchange.schema import SHEETS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Import and export run in the background; with Redis down neither can be kept nor run.
UNAVAILABLE = _(
    "Import and export run in the background, which does not answer just now. Nothing was saved: "
    "try again in a few minutes, and tell your IT department if it lasts."
)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _page(request, import_form=None, export_form=None, status=200):
    return render(
        request,
        "exchange/index.html",
        {
            "import_form": import_form or ImportForm(),
            "export_form": export_form or ExportForm(),
            "sheets": [
                {
                    "name": sheet.name,
                    "label": sheet_label(sheet.name),
                    "columns": [
                        {
                            "name": c.name,
                            "label": column_text(sheet.name, c.name)[0],
                            "optional": c.optional,
                            "format": kind_format(c),
                            "codes": codes(c, sheet.name),
                        }
                        for c in sheet.columns
                    ],
                }
                for sheet in SHEETS
            ],
        },
        status=status,
    )


@require_GET
@role_required(Role.MANAGER)
def exchange(request):
    return _page(request)


@require_POST
@role_required(Role.MANAGER)
def import_upload(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form, status=400)
    try:
        job_id = jobs.import_job_create(
            user=request.user, upload=form.cleaned_data["file"], suffix=form.suffix, language=get_language()
        )
    except jobs.Unavailable:
        form.add_error(None, UNAVAILABLE)
        return _page(request, import_form=form, status=503)
    return redirect("exchange:import_job", job_id=job_id)


def _job_for(request, job_id) -> dict:
    job = jobs.job_get(str(job_id), request.user.municipality_id)
    if job is None:
        raise Http404
    return job


@require_GET
@role_required(Role.MANAGER)
def import_job(request, job_id):
    job = _job_for(request, job_id)
    rows = (
        [(sheet.name, sheet_label(sheet.name), job["counts"].get(sheet.name)) for sheet in SHEETS]
        if job["counts"]
        else []
    )
    problems = [
        {
            **p,
            "sheet_label": sheet_label(p["sheet"]) if p["sheet"] else "",
            "column_label": column_label(p["column"], p["sheet"]),
        }
        for p in job["problems"]
    ]
    context = {
        "job": job,
        "rows": rows,
        "problems": problems,
        "working": job["state"] in jobs.WORKING,
        "percent": round(100 * job["done"] / job["total"]) if job["total"] else 0,
        "import_form": ImportForm(),
    }
    template = "exchange/_job.html" if request.htmx else "exchange/job.html"
    return render(request, template, context)


@require_POST
@role_required(Role.MANAGER)
def import_confirm(request, job_id):
    job = _job_for(request, job_id)
    jobs.import_job_confirm(job=job)
    return redirect("exchange:import_job", job_id=job_id)


@require_POST
@role_required(Role.MANAGER)
def import_retry(request, job_id):
    """Run again an import whose worker died."""
    job = _job_for(request, job_id)
    jobs.import_job_retry(job=job)
    return redirect("exchange:import_job", job_id=job_id)


@require_GET
@role_required(Role.MANAGER)
def template_download(request):
    return _attachment(template_xlsx(), XLSX, "boveileder-mal.xlsx")


@require_POST
@role_required(Role.MANAGER)
def export_download(request):
    """Queue the export; its page says when the file is ready."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    try:
        job_id = jobs.export_job_create(
            user=request.user,
            file_format=form.cleaned_data["format"],
            national_ids=form.cleaned_data["national_ids"],
        )
    except jobs.Unavailable:
        form.add_error(None, UNAVAILABLE)
        return _page(request, export_form=form, status=503)
    return redirect("exchange:export_job", export_id=job_id)


def _export_for(request, export_id) -> dict:
    job = jobs.export_job_get(str(export_id), request.user)
    if job is None:
        raise Http404
    return job


@require_GET
@role_required(Role.MANAGER)
def export_job(request, export_id):
    job = _export_for(request, export_id)
    context = {"job": job, "working": job["state"] in jobs.WORKING}
    template = "exchange/_export_job.html" if request.htmx else "exchange/export_job.html"
    return render(request, template, context)


@require_POST
@role_required(Role.MANAGER)
def export_retry(request, export_id):
    """Write again an export that failed."""
    job = _export_for(request, export_id)
    jobs.export_job_retry(job=job)
    return redirect("exchange:export_job", export_id=export_id)


@require_GET
@role_required(Role.MANAGER)
def export_file(request, export_id):
    job = _export_for(request, export_id)
    if job["state"] != jobs.State.DONE or not default_storage.exists(job["path"]):
        raise Http404
    content_type = XLSX if job["format"] == "xlsx" else "application/zip"
    return FileResponse(
        default_storage.open(job["path"], "rb"),
        as_attachment=True,
        filename=job["filename"],
        content_type=content_type,
    )
