"""Export of a municipality in the exchange format, as an .xlsx workbook, a .zip of .csv files or a
folder of them. Text that a spreadsheet would take for a formula is neutralised; national ID numbers
are left out unless asked for."""

import csv
import io
import re
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

from cases.models import Appeal, Consent, Decision, FollowUp, Household, Person, StartLoanApplication
from housing.models import LongTenureFlag, RentalUnit, Tenancy

from .cells import DANGEROUS_FIRST
from .schema import GUIDE_SHEET, SHEETS

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in a workbook


def neutralise(value):
    """A cell a spreadsheet would run as a formula gets a leading «'»; the import takes it off again.
    Control characters a workbook cannot hold are dropped."""
    if isinstance(value, str):
        value = CONTROL.sub("", value)
        if value.startswith(DANGEROUS_FIRST):
            return "'" + value
    return value


def _username(user, municipality_id) -> str:
    return user.username if user is not None and user.municipality_id == municipality_id else ""


def export_rows(municipality, *, national_ids: bool = False) -> dict[str, list[list]]:
    """Every sheet as a list of rows, the header row first, values neutralised."""
    m = municipality.pk
    households = (
        Household.objects.filter(municipality_id=m).select_related("counsellor").order_by("reference")
    )
    persons = (
        Person.objects.filter(municipality_id=m)
        .select_related("household")
        .order_by("household__reference", "pk")
    )
    units = RentalUnit.objects.filter(municipality_id=m).order_by("reference")
    tenancies = (
        Tenancy.objects.filter(municipality_id=m)
        .select_related("unit", "household")
        .order_by("unit__reference", "start_date")
    )
    startloans = (
        StartLoanApplication.objects.filter(household__municipality_id=m)
        .select_related("household")
        .order_by("household__reference", "received_on")
    )
    followups = (
        FollowUp.objects.filter(municipality_id=m)
        .select_related("household", "by")
        .order_by("household__reference", "date", "pk")
    )
    consents = (
        Consent.objects.filter(household__municipality_id=m)
        .select_related("household", "agency", "person", "recorded_by")
        .order_by("household__reference", "given_on", "pk")
    )
    flags = (
        LongTenureFlag.objects.filter(municipality_id=m)
        .select_related("tenancy__unit", "referred_to")
        .order_by("tenancy__unit__reference", "tenancy__start_date", "raised_on", "pk")
    )
    # A decision is numbered 1, 2, 3… within its household in order of drafting; appeals use the number.
    decisions, numbers, per_household = [], {}, Counter()
    for d in (
        Decision.objects.filter(household__municipality_id=m)
        .select_related("household", "person", "drafted_by", "approved_by")
        .order_by("household__reference", "created_at", "pk")
        .iterator(chunk_size=2000)
    ):
        per_household[d.household.reference] += 1
        numbers[d.pk] = (d.household.reference, per_household[d.household.reference])
        decisions.append(
            [
                d.household.reference,
                numbers[d.pk][1],
                d.person.first_name,
                d.person.last_name,
                d.status,
                d.outcome,
                d.main_content,
                d.period_from,
                d.period_to,
                d.assessment,
                d.participation,
                d.legal_basis,
                d.reasons,
                numbers[d.replaces_id][1] if d.replaces_id in numbers else None,
                _username(d.drafted_by, m),
                _username(d.approved_by, m),
                d.approved_on,
            ]
        )
    appeals = (
        Appeal.objects.filter(decision__household__municipality_id=m)
        .select_related("recorded_by")
        .order_by(
            "decision__household__reference", "decision__created_at", "decision_id", "received_on", "pk"
        )
    )
    data = {
        "households": [
            [h.reference, h.enrolled_on, _username(h.counsellor, m), h.notes, h.housing_at_start]
            for h in households.iterator(chunk_size=2000)
        ],
        "persons": [
            [
                p.household.reference,
                p.first_name,
                p.last_name,
                p.birth_date,
                p.national_id if national_ids else "",
                p.phone,
                p.left_on,
            ]
            for p in persons.iterator(chunk_size=2000)
        ],
        "units": [
            [
                u.reference,
                u.address,
                u.postcode,
                u.city,
                u.rooms,
                u.area_m2,
                u.monthly_rent_nok,
                u.kobo_id,
                u.bruksenhetsnummer,
            ]
            for u in units.iterator(chunk_size=2000)
        ],
        "tenancies": [
            [
                t.unit.reference,
                t.household.reference,
                t.start_date,
                t.contract_end_date,
                t.moved_out_on,
                t.move_out_reason,
            ]
            for t in tenancies.iterator(chunk_size=2000)
        ],
        "startloans": [
            [
                s.household.reference,
                s.received_on,
                s.status,
                s.decided_on,
                s.loan_amount_nok,
                s.grant_amount_nok,
                s.purchase_price_nok,
                s.startskudd_ref,
            ]
            for s in startloans.iterator(chunk_size=2000)
        ],
        "followups": [
            [f.household.reference, f.date, f.kind, f.minutes, _username(f.by, m), f.note]
            for f in followups.iterator(chunk_size=2000)
        ],
        "consents": [
            [
                c.household.reference,
                c.agency.name,
                c.agency.kind,
                c.purpose,
                c.given_on,
                c.valid_until,
                c.withdrawn_on,
                c.person.first_name if c.person else "",
                c.person.last_name if c.person else "",
                _username(c.recorded_by, m),
            ]
            for c in consents.iterator(chunk_size=2000)
        ],
        "flags": [
            [
                f.tenancy.unit.reference,
                f.tenancy.start_date,
                f.raised_on,
                ",".join(f.reasons or []),
                f.contract_end_date,
                f.status,
                _username(f.referred_to, m),
                f.sleep_until,
                f.resolved_on,
            ]
            for f in flags.iterator(chunk_size=2000)
        ],
        "decisions": decisions,
        "appeals": [
            [
                *numbers[a.decision_id],
                a.received_on,
                a.second_look,
                a.second_look_on,
                a.forwarded_on,
                a.outcome,
                a.outcome_on,
                a.note,
                _username(a.recorded_by, m),
            ]
            for a in appeals.iterator(chunk_size=2000)
        ],
    }
    return {
        sheet.name: [[c.name for c in sheet.columns]]
        + [[neutralise(v) for v in row] for row in data[sheet.name]]
        for sheet in SHEETS
    }


def to_xlsx(sheets: dict[str, list[list]]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        worksheet.freeze_panes = "A2"
        if name == GUIDE_SHEET:  # wide enough to read the explanations
            for letter, width in zip("ABCDEFGH", (12, 22, 20, 26, 22, 30, 60, 60), strict=True):
                worksheet.column_dimensions[letter].width = width
        header = []
        for title in rows[0]:
            cell = WriteOnlyCell(worksheet, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        worksheet.append(header)
        for row in rows[1:]:
            cells = []
            for value in row:
                if isinstance(value, str):
                    value = CONTROL.sub("", value)
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str):
                    cell.data_type = "s"  # never a formula
                cells.append(cell)
            worksheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_text(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads it as UTF-8


def to_zip(sheets: dict[str, list[list]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in sheets.items():
            archive.writestr(f"{name}.csv", _csv_text(rows))
    return out.getvalue()


def to_folder(sheets: dict[str, list[list]], folder) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_bytes(_csv_text(rows))


def template_xlsx() -> bytes:
    """The template workbook: a guide sheet naming and explaining every sheet, column and code in the
    user's language, then the ten sheets, their column keys and one example row each."""
    from .labels import guide_rows

    example = {GUIDE_SHEET: guide_rows()}
    example.update(
        {
            sheet.name: [[c.name for c in sheet.columns], [_example(c) for c in sheet.columns]]
            for sheet in SHEETS
        }
    )
    return to_xlsx(example)


def _example(column):
    if column.kind == "date" and column.example:
        return date.fromisoformat(column.example)
    if column.kind == "decimal" and column.example:
        return float(column.example)
    return column.example if column.example != "" else None
