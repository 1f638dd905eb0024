"""Reading a file in the exchange format into plain tables, reporting what makes it unreadable.

Accepts an .xlsx workbook, a .zip of .csv files, or a folder of .csv files named after the sheets.
Every failure becomes a `Problem`; nothing here raises anything but `ImportRejected`.

Memory stays bounded whatever the file holds: an archive may unpack to `UNPACKED_FACTOR` times the
size limit; a file with more than `IMPORT_MAX_ROWS` rows (counted in the worksheets' XML or the CSV
lines, in chunks, before anything is parsed) is refused before its rows are read; the rows are then
read as a stream (openpyxl's read-only mode, csv) and counted again.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .problems import ImportRejected, Problem
from .schema import GUIDE_SHEET, SHEETS_BY_NAME

# An .xlsx or .zip may unpack to this many times the size limit, and no more (zip bombs).
UNPACKED_FACTOR = 30
# openpyxl keeps a workbook's shared strings in memory: they may unpack to this many times the limit.
SHARED_STRINGS_FACTOR = 8
SUFFIXES = (".xlsx", ".zip", ".csv")
CHUNK = 1 << 20


@dataclass
class Workbook:
    """The sheets read, and what is wrong with their shape (unknown sheets, missing columns)."""

    tables: dict
    problems: list = field(default_factory=list)


@dataclass
class Table:
    """A sheet's header and its rows that hold anything, as (row number, values) in header order."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, tuple]] = field(default_factory=list)

    def records(self):
        """(row number, {column: value}) for the sheet's known columns, one row at a time."""
        known = sheet_columns(SHEETS_BY_NAME[self.sheet])
        for number, values in self.rows:
            yield number, {h: v for h, v in zip(self.headers, values, strict=False) if h in known}


def _limit() -> int:
    return settings.IMPORT_MAX_BYTES


def _max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def _too_many_rows(sheet: str = "") -> ImportRejected:
    return ImportRejected(
        [
            Problem(
                sheet=sheet,
                message=_(
                    "The file has more than %(n)s rows, the most one import takes: split it into "
                    "smaller files and import them one after the other."
                )
                % {"n": f"{_max_rows():,}".replace(",", "\u00a0")},
            )
        ]
    )


class _Rows:
    """Counts the rows read across the file's sheets; refuses the row past the cap."""

    def __init__(self):
        self.read = 0

    def declare(self, count: int, sheet: str = "") -> None:
        """What a sheet says it holds: refused before anything is read when it is over the cap."""
        if self.read + count > _max_rows():
            raise _too_many_rows(sheet)

    def count(self, sheet: str = "") -> None:
        self.read += 1
        if self.read > _max_rows():
            raise _too_many_rows(sheet)


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


CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _ControlBytes(io.RawIOBase):
    """An XML part with each raw control byte (never valid XML) replaced by the private-use character
    U+E000 + its code, so the cell is read and `boveileder.text` names the character in its row and
    column instead of the whole workbook being unreadable."""

    def __init__(self, raw):
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.raw.read(max(len(buffer) // 3, 1))  # each byte may become three
        if CONTROL_BYTES.search(chunk):
            chunk = CONTROL_BYTES.sub(lambda m: chr(0xE000 + m[0][0]).encode(), chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self.raw.close()
        super().close()


class _CleanArchive(zipfile.ZipFile):
    def open(self, name, mode="r", *args, **kwargs):
        handle = super().open(name, mode, *args, **kwargs)
        filename = getattr(name, "filename", name)
        if mode == "r" and str(filename).endswith(".xml"):
            return io.BufferedReader(_ControlBytes(handle), CHUNK)
        return handle

    def read(self, name, pwd=None):
        with self.open(name) as handle:
            return handle.read()


def _open_workbook(data: bytes):
    """openpyxl's read-only workbook, its XML parts read through `_ControlBytes`."""
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.archive = _CleanArchive(io.BytesIO(data))
    reader.read()
    return reader.wb


ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _xml_rows(handle) -> int:
    """The rows a worksheet's XML holds, counted in chunks without parsing it (openpyxl would parse
    the whole sheet to size it when it declares no dimension)."""
    rows, tail = 0, b""
    while chunk := handle.read(CHUNK):
        text = tail + chunk
        cut = max(len(text) - 16, 0)  # a tag starting in the last bytes is counted with the next chunk
        rows += sum(1 for match in ROW_TAG.finditer(text) if match.start() < cut)
        tail = text[cut:]
    return rows + len(ROW_TAG.findall(tail))


def _xlsx_checked(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook before openpyxl reads it: too big unpacked, or more rows than the cap."""
    if not _unpacked_ok(archive):
        raise ImportRejected([_too_big(0)])
    strings = sum(i.file_size for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml"))
    if strings > _limit() * SHARED_STRINGS_FACTOR:
        raise ImportRejected([_too_big(0)])
    rows = _Rows()
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            with archive.open(info) as handle:
                rows.declare(_xml_rows(handle))


def _read_xlsx(data: bytes) -> Workbook:
    not_a_workbook = Problem(message=_("The file is not a readable .xlsx workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _xlsx_checked(archive)
        workbook = _open_workbook(data)
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected([not_a_workbook]) from None
    rows = _Rows()
    try:
        sources = [(ws.title, _xlsx_rows(ws, rows)) for ws in workbook.worksheets]
        return _tables(sources)
    finally:
        workbook.close()


def _xlsx_rows(worksheet, rows: _Rows):
    """A worksheet's rows as a stream; a row the XML parser cannot read is a problem of that row."""
    worksheet.reset_dimensions()  # a declared dimension may be wrong: read what is there
    number = 0
    try:
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):  # noqa: B007
            rows.count(worksheet.title)
            yield row
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected(
            [
                Problem(
                    sheet=str(worksheet.title)[:40],
                    row=number + 1,
                    message=_("The row cannot be read: the workbook is damaged here."),
                )
            ]
        ) from None


# --- csv --------------------------------------------------------------------------------------


def _csv_member(info: zipfile.ZipInfo) -> bool:
    return (
        not info.is_dir()
        and not info.filename.startswith("__MACOSX/")
        and not Path(info.filename).name.startswith(".")
        and info.filename.lower().endswith(".csv")
    )


def _line_count(handle) -> int:
    """Lines in a stream, read in chunks (the declared size of a CSV file: refused before parsing)."""
    lines = 0
    while chunk := handle.read(CHUNK):
        lines += chunk.count(b"\n")
    return lines


def _read_zip(data: bytes) -> Workbook:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not _unpacked_ok(archive):
                raise ImportRejected([_too_big(len(data))])
            members = [info for info in archive.infolist() if _csv_member(info)]
            rows = _Rows()
            for info in members:
                with archive.open(info) as handle:
                    rows.declare(_line_count(handle), Path(info.filename).name.rsplit(".", 1)[0])
            files = [(Path(info.filename).name, archive.read(info)) for info in members]
    except ImportRejected:
        raise
    except Exception:
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
    """Each file's rows as a stream. The files together hold at most the size limit (the zip is
    checked for its unpacked size and its line count before), so their text may be decoded whole."""
    problems, sources = [], []
    rows = _Rows()
    for filename, data in files:
        name = filename.rsplit(".", 1)[0]
        if not data.strip():
            problems.append(Problem(sheet=name, message=_("The file is empty.")))
            continue
        rows.declare(data.count(b"\n"), name)
        text, problem = _decode(name, data)
        if problem:
            problems.append(problem)
            continue
        sources.append((name, _csv_rows(name, text, rows)))
    return _tables(sources, problems)


def _csv_rows(name: str, text: str, rows: _Rows):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            rows.count(name)
            yield row
    except csv.Error:
        raise ImportRejected(
            [
                Problem(
                    sheet=name,
                    row=reader.line_num,
                    message=_("The row is not readable as CSV: check its quotes."),
                )
            ]
        ) from None


# --- from rows to tables ----------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(value) -> str:
    return "" if value is None else str(value).strip().lower().replace(" ", "_")


def _tables(sources, problems: list | None = None) -> Workbook:
    """Check the sheets and their header rows; keep the rows that hold anything. Each source's rows
    are an iterator, read here once."""
    problems = list(problems or [])
    tables: dict[str, Table] = {}
    for title, stream in sources:
        name = str(title).strip().lower()
        sheet = SHEETS_BY_NAME.get(name)
        if sheet is None or name in tables:
            has_content = any(not _blank(v) for row in stream for v in row)
            if name == GUIDE_SHEET or not has_content:
                continue
            if sheet is None:
                problems.append(
                    Problem(
                        sheet=str(title)[:40],
                        message=_("Unknown sheet: the sheets are called %(names)s.")
                        % {"names": ", ".join(SHEETS_BY_NAME)},
                    )
                )
            else:
                problems.append(Problem(sheet=name, message=_("This sheet appears twice.")))
            continue
        header_row = next(stream, None)
        if header_row is None or (
            all(_blank(v) for v in header_row) and all(_blank(v) for row in stream for v in row)
        ):
            problems.append(
                Problem(sheet=name, message=_("The sheet is empty: it needs at least a header row."))
            )
            continue
        headers = [_header(v) for v in header_row]
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
        for number, row in enumerate(stream, start=2):
            if all(_blank(v) for v in row):
                continue
            table.rows.append((number, tuple(row)))
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
