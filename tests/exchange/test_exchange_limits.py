"""An import cannot take the worker's memory: a file of two million rows, well under the size limit
and the unpacked-size guard, is refused with a message naming the row cap, reading no more than the
cap (streamed) or nothing at all (when the sheet declares its size), in a process whose peak memory
stays small. Measured in a separate process, so the peak is that of the read alone."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.exchange.exchange_helpers import xlsx

ROWS = 2_000_000
ROW_XML = (
    b'<row><c t="inlineStr"><is><t>H-1</t></is></c><c t="inlineStr"><is><t>2024-01-15</t></is></c></row>'
)
BASE = Path(settings.BASE_DIR)
# A fresh Python with Django set up peaks at well under this; the 2 M-row file took 2.5 GB before.
MEMORY_BOUND_MB = 300


def big_workbook(declare: bool) -> bytes:
    """A real .xlsx whose households sheet holds two million rows, compressed to a few hundred kB."""
    source = zipfile.ZipFile(io.BytesIO(xlsx({"households": [{"household_ref": "H-1"}]})))
    sheet_path = next(n for n in source.namelist() if n.startswith("xl/worksheets/sheet"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != sheet_path:
                archive.writestr(info, source.read(info))
        with archive.open(sheet_path, "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>')
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            if declare:
                sheet.write(b'<dimension ref="A1:B%d"/>' % (ROWS + 1))
            sheet.write(b'<sheetData><row><c t="inlineStr"><is><t>household_ref</t></is></c>')
            sheet.write(b'<c t="inlineStr"><is><t>enrolled_on</t></is></c></row>')
            block = ROW_XML * 10_000
            for _ in range(ROWS // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def big_csv_zip() -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("households.csv", "w", force_zip64=True) as sheet,
    ):
        sheet.write(b"household_ref,enrolled_on\r\n")
        block = b"H-1,2024-01-15\r\n" * 10_000
        for _ in range(ROWS // 10_000):
            sheet.write(block)
    return out.getvalue()


def read_in_a_fresh_process(path: Path, max_rows: int | None = None) -> dict:
    """Read the file as the worker does, in its own process: its messages and its peak memory."""
    code = """
import json, sys
import django


def status_mb(field):
    # /proc, not getrusage: Linux carries ru_maxrss across fork and exec, so the child would report
    # the test runner's own size; VmHWM is the peak of this process's memory alone.
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

django.setup()
from django.conf import settings
from django.utils import translation
if len(sys.argv) > 2:
    settings.IMPORT_MAX_ROWS = int(sys.argv[2])
from exchange.problems import ImportRejected
from exchange.reader import read_bytes
path = sys.argv[1]
data = open(path, "rb").read()
before = status_mb("VmHWM")
with translation.override("nb"):
    try:
        read_bytes(data, "." + path.rsplit(".", 1)[1])
        problems = []
    except ImportRejected as rejected:
        problems = [str(p) for p in rejected.problems]
peak = status_mb("VmHWM")
print(json.dumps({"problems": problems, "before_mb": before, "peak_mb": peak}))
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
    env["DJANGO_SETTINGS_MODULE"] = env["DJANGO_SETTINGS_MODULE"] or "boveileder.settings.test"
    args = [sys.executable, "-c", code, str(path)] + ([str(max_rows)] if max_rows else [])
    done = subprocess.run(args, cwd=BASE, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def cap_message() -> str:
    return f"Filen har mer enn {settings.IMPORT_MAX_ROWS:,} rader".replace(",", "\u00a0")


@pytest.mark.parametrize("declare", [True, False], ids=["declared-size", "undeclared-size"])
def test_a_workbook_of_two_million_rows_is_refused_with_bounded_memory(tmp_path, declare):
    content = big_workbook(declare)
    assert len(content) < settings.IMPORT_MAX_BYTES  # it passes the size limit and the zip guard
    path = tmp_path / "stor.xlsx"
    path.write_bytes(content)
    result = read_in_a_fresh_process(path)
    assert len(result["problems"]) == 1 and cap_message() in result["problems"][0], result
    assert result["peak_mb"] < MEMORY_BOUND_MB, result


def test_a_zip_of_csv_with_two_million_lines_is_refused_before_it_is_parsed(tmp_path):
    content = big_csv_zip()
    assert len(content) < settings.IMPORT_MAX_BYTES
    path = tmp_path / "stor.zip"
    path.write_bytes(content)
    result = read_in_a_fresh_process(path)
    assert len(result["problems"]) == 1 and cap_message() in result["problems"][0], result
    assert result["peak_mb"] < MEMORY_BOUND_MB, result


def test_a_file_at_the_cap_is_read(settings, tmp_path):
    """The cap counts the rows, header included, and a file within it is read as before."""
    from exchange.reader import read_bytes

    settings.IMPORT_MAX_ROWS = 3
    workbook = read_bytes(xlsx({"households": [{"household_ref": "H-1"}, {"household_ref": "H-2"}]}), ".xlsx")
    assert [values[0] for _number, values in workbook.tables["households"].rows] == ["H-1", "H-2"]
