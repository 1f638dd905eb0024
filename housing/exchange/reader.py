"""Reading a file in the exchange format into plain tables, reporting what makes it unreadable.

Accepts an .xlsx workbook, a .zip of .csv files, or a folder of .csv files named after the sheets.
Every failure becomes a `Problem`; nothing here raises anything but `ImportRejected`.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .problems import ImportRejected, Problem
from .schema import SHEETS_BY_NAME

# An .xlsx or .zip may unpack to this many times the size limit, and no more (zip bombs).
UNPACKED_FACTOR = 30
SUFFIXES = (".xlsx", ".zip", ".csv")


@dataclass
class Workbook:
    """The sheets read, and what is wrong with their shape (unknown sheets, missing columns)."""

    tables: dict
    problems: list = field(default_factory=list)


@dataclass
class Table:
    sheet: str
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def _limit() -> int:
    return settings.IMPORT_MAX_BYTES


def _too_big(size: int) -> Problem:
    return Problem(
        message=_("The file is larger than the limit of %(mb)s MB: split it, or import one sheet at a time.")
        % {"mb": round(_limit() / 1024 / 1024, 1)}
    )


def read_path(path) -> Workbook:
    """Read a workbook, a zip or a folder from disk."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        if sum(p.stat().st_size for p in files) > _limit():
            raise ImportRejected([_too_big(0)])
        return _read_csv_files([(p.name, p.read_bytes()) for p in files])
    if not path.is_file():
        raise ImportRejected([Problem(message=_("There is no file or folder at the path given."))])
    if path.stat().st_size > _limit():
        raise ImportRejected([_too_big(path.stat().st_size)])
    return read_bytes(path.read_bytes(), path.suffix)


def read_bytes(data: bytes, suffix: str) -> Workbook:
    """Read an uploaded or loaded file by its suffix (.xlsx, .zip, or a single sheet's .csv)."""
    suffix = suffix.lower()
    if len(data) > _limit():
        raise ImportRejected([_too_big(len(data))])
    if not data.strip():
        raise ImportRejected([Problem(message=_("The file is empty."))])
    if suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix == ".zip":
        return _read_zip(data)
    raise ImportRejected(
        [Problem(message=_("Use an .xlsx workbook, or a .zip of .csv files named after the sheets."))]
    )


# --- xlsx -------------------------------------------------------------------------------------


def _unpacked_ok(archive: zipfile.ZipFile) -> bool:
    return sum(info.file_size for info in archive.infolist()) <= _limit() * UNPACKED_FACTOR


def _read_xlsx(data: bytes) -> Workbook:
    import openpyxl

    not_a_workbook = Problem(message=_("The file is not a readable .xlsx workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not _unpacked_ok(archive):
                raise ImportRejected([_too_big(len(data))])
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception:  # noqa: BLE001 - any broken workbook is a problem to report, not a crash
        raise ImportRejected([not_a_workbook]) from None
    sources = []
    try:
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()
            sources.append((worksheet.title, [list(row) for row in worksheet.iter_rows(values_only=True)]))
    except Exception:  # noqa: BLE001
        raise ImportRejected([not_a_workbook]) from None
    finally:
        workbook.close()
    return _tables(sources)


# --- csv --------------------------------------------------------------------------------------


def _read_zip(data: bytes) -> Workbook:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not _unpacked_ok(archive):
                raise ImportRejected([_too_big(len(data))])
            files = [
                (Path(info.filename).name, archive.read(info))
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not Path(info.filename).name.startswith(".")
                and info.filename.lower().endswith(".csv")
            ]
    except ImportRejected:
        raise
    except Exception:  # noqa: BLE001
        raise ImportRejected([Problem(message=_("The file is not a readable .zip archive."))]) from None
    return _read_csv_files(files)


def _decode(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    number = next((n for n, line in enumerate(data.split(b"\n"), start=1) if not _utf8(line)), None)
    return None, Problem(
        sheet=name,
        row=number,
        message=_("The file is not UTF-8 text: save it as «CSV UTF-8» and try again."),
    )


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _read_csv_files(files: list[tuple[str, bytes]]) -> Workbook:
    problems, sources = [], []
    for filename, data in files:
        name = filename.rsplit(".", 1)[0]
        if not data.strip():
            problems.append(Problem(sheet=name, message=_("The file is empty.")))
            continue
        text, problem = _decode(name, data)
        if problem:
            problems.append(problem)
            continue
        try:
            rows = [
                list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
            ]
        except csv.Error:
            problems.append(Problem(sheet=name, message=_("The file is not readable as CSV.")))
            continue
        sources.append((name, rows))
    return _tables(sources, problems)


# --- from rows to tables ----------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(value) -> str:
    return "" if value is None else str(value).strip().lower().replace(" ", "_")


def _tables(sources: list[tuple[str, list[list]]], problems: list | None = None) -> Workbook:
    """Check the sheets and their header rows; keep the rows that hold anything."""
    problems = list(problems or [])
    tables: dict[str, Table] = {}
    for title, rows in sources:
        name = str(title).strip().lower()
        has_content = any(not _blank(v) for row in rows for v in row)
        sheet = SHEETS_BY_NAME.get(name)
        if sheet is None:
            if has_content:
                problems.append(
                    Problem(
                        sheet=str(title)[:40],
                        message=_("Unknown sheet: the sheets are called %(names)s.")
                        % {"names": ", ".join(SHEETS_BY_NAME)},
                    )
                )
            continue
        if name in tables:
            problems.append(Problem(sheet=name, message=_("This sheet appears twice.")))
            continue
        if not has_content:
            problems.append(
                Problem(sheet=name, message=_("The sheet is empty: it needs at least a header row."))
            )
            continue
        headers = [_header(v) for v in rows[0]]
        seen = set()
        for header in headers:
            if header and header in seen:
                problems.append(
                    Problem(sheet=name, row=1, column=header[:40], message=_("This column appears twice."))
                )
            seen.add(header)
        for column in sheet.required_names:
            if column not in seen:
                problems.append(
                    Problem(sheet=name, row=1, column=column, message=_("The column is missing."))
                )
        table = Table(name, headers)
        known = sheet_columns(sheet)
        for number, row in enumerate(rows[1:], start=2):
            if all(_blank(v) for v in row):
                continue
            table.rows.append((number, {h: v for h, v in zip(headers, row, strict=False) if h in known}))
        tables[name] = table
    if not tables and not problems:
        problems.append(
            Problem(
                message=_("No sheet in the file is called %(names)s.") % {"names": ", ".join(SHEETS_BY_NAME)}
            )
        )
    if not tables:
        raise ImportRejected(problems)
    return Workbook(tables, problems)


def sheet_columns(sheet) -> set[str]:
    return {c.name for c in sheet.columns}
