"""The journal and the public journal of a period as CSV and PDF (the report PDFs' style)."""

import csv
import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boveileder.pdf import render_pdf
from journal.arkivmelding import arkivmelding_package
from journal.periods import Period
from journal.selectors import JournalRow, entries_for, rows_for


def _headers() -> list[str]:
    return [
        _("Journal number"),
        _("Journal date"),
        _("Document date"),
        _("Direction"),
        _("Sender or recipient"),
        _("Title"),
        _("Case"),
        _("Case title"),
        _("Document"),
    ]


def journal_csv(rows: list[JournalRow]) -> bytes:
    """Semicolon-separated with a BOM, as Excel in Norway opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_headers())
    for row in rows:
        writer.writerow(
            [
                row.reference,
                f"{row.journal_date:%d.%m.%Y}",
                f"{row.document_date:%d.%m.%Y}",
                row.direction,
                row.correspondent,
                row.title,
                row.case_reference,
                row.case_title,
                row.case_document,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def journal_pdf(*, municipality, period: Period, rows: list[JournalRow], public: bool) -> bytes:
    """The journal as an A4 landscape PDF in Norwegian."""
    with translation.override("nb"):
        return render_pdf(
            "journal/pdf/journal.html",
            {
                "municipality": municipality,
                "period": period,
                "rows": rows,
                "public": public,
                "generated_at": timezone.localtime(),
                "pdf_language": "nb",
            },
        )


def journal_file(*, municipality, period: Period, direction: str, public: bool, kind: str):
    """The file a manager downloads: (bytes, content type, file name). `kind` is pdf, csv or xml (the
    arkivmelding package, of the journal only)."""
    entries = entries_for(municipality, period, direction).select_related("letter")
    if kind == "xml":
        data = arkivmelding_package(municipality=municipality, entries=entries)
        return data, "application/zip", f"arkivmelding-{municipality.slug}-{period.slug}.zip"
    name = f"{'offentlig-journal' if public else 'journal'}-{municipality.slug}-{period.slug}"
    rows = rows_for(entries, public=public)
    if kind == "csv":
        return journal_csv(rows), "text/csv; charset=utf-8", f"{name}.csv"
    data = journal_pdf(municipality=municipality, period=period, rows=rows, public=public)
    return data, "application/pdf", f"{name}.pdf"
