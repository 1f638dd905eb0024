"""Files with bad rows write nothing and report each problem by sheet, row and column; the command
never crashes, whatever the file holds."""

import zipfile
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Household, Person
from exchange.importer import cases_import
from exchange.problems import ImportRejected
from exchange.reader import read_bytes
from housing.models import Tenancy
from tests.exchange.exchange_helpers import data, rows_of, xlsx, zipped
from tests.factories import CounsellorFactory

pytestmark = pytest.mark.django_db

BAD_ID = "12096342567"  # one check digit wrong


@pytest.fixture(autouse=True)
def kari(municipality):
    return CounsellorFactory(municipality=municipality, username="kari")


def problems_of(tmp_path, content: bytes, name="import.xlsx", language="en"):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_cases",
            str(path),
            "--municipality",
            "alesund",
            "--language",
            language,
            stdout=out,
            stderr=err,
        )
    assert raised.value.returncode == 1
    assert Household.objects.count() == 0 and Person.objects.count() == 0  # nothing written
    return err.getvalue().splitlines(), str(raised.value)


def test_every_bad_row_is_listed_and_nothing_is_written(tmp_path):
    bad = data(
        households=[(1, {"enrolled_on": "31.02.2024"})],  # a wrong date
        persons=[
            (0, {"national_id": BAD_ID}),
            (2, {"household_ref": "H-9"}),
        ],  # invalid ID, unknown reference
        tenancies=[(0, {"move_out_reason": "evicted"})],  # unknown reason
        startloans=[(0, {"status": "granted"})],  # unknown status
        followups=[
            (1, {"date": "2024-02-20", "kind": "home_visit", "minutes": "60", "note": "Budsjett"})
        ],  # dup
    )
    lines, summary = problems_of(tmp_path, xlsx(bad))
    assert lines == [
        "households, row 3, enrolled_on: «31.02.2024» is not a date: write it as YYYY-MM-DD or DD.MM.YYYY.",
        "persons, row 2, national_id: invalid national ID number",
        "persons, row 4, household_ref: No household «H-9» in the households sheet or in the municipality.",
        "tenancies, row 2, move_out_reason: «evicted» is not one of: bought, private_rental, transfer, "
        "other.",
        "startloans, row 2, status: «granted» is not one of: received, in_review, approved, rejected, "
        "withdrawn, disbursed.",
        "followups, row 3, household_ref, date, kind, minutes, note: The same key as row 2: each row must be "
        "unique by household_ref, date, kind, minutes, note.",
    ]
    assert "6 problem(s)" in summary
    assert BAD_ID not in "\n".join(lines)


def test_problems_are_in_norwegian_by_default(tmp_path):
    lines, summary = problems_of(tmp_path, xlsx(data(persons=[(0, {"national_id": BAD_ID})])), language="nb")
    assert lines == ["persons, rad 2, national_id: ugyldig fødselsnummer"]
    assert "ingenting ble lagret" in summary.lower()


def test_a_national_id_is_never_echoed_even_in_the_wrong_column(tmp_path):
    bad = data(persons=[(0, {"birth_date": "12096342568"}), (1, {"national_id": "12096342568"})])
    lines, _summary = problems_of(tmp_path, xlsx(bad))
    text = "\n".join(lines)
    assert "persons, row 2, birth_date" in text and "persons, row 3, national_id" in text
    assert "12096342568" not in text


def test_a_missing_column_is_reported_with_the_rows_of_other_sheets(tmp_path):
    bad = data(units=[(0, {"rooms": "tre"})])
    lines, _summary = problems_of(tmp_path, xlsx(bad, drop_columns={("persons", "birth_date")}))
    assert "persons, row 1, birth_date: The column is missing." in lines
    assert "units, row 2, rooms: «tre» is not a whole number." in lines


def test_a_csv_in_the_wrong_encoding_is_reported_with_its_line(tmp_path):
    folder = tmp_path / "csv"
    with zipfile.ZipFile(BytesIO(zipped())) as archive:
        archive.extractall(folder)
    text = (folder / "units.csv").read_text(encoding="utf-8-sig")
    (folder / "units.csv").write_bytes(text.encode("latin-1"))  # «Ålesund» as Latin-1
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(folder), "--municipality", "alesund", "--language", "en", stderr=err)
    assert "units, row 2: The file is not UTF-8 text" in err.getvalue()
    assert Household.objects.count() == 0


def test_an_empty_file_is_reported(tmp_path):
    lines, _summary = problems_of(tmp_path, b"")
    assert lines == ["file: The file is empty."]


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1000
    lines, _summary = problems_of(tmp_path, xlsx())
    assert len(lines) == 1 and "larger than the limit" in lines[0]


def test_a_file_that_is_not_a_workbook_is_reported(tmp_path):
    lines, _summary = problems_of(tmp_path, b"PK\x03\x04 not really a zip")
    assert lines == ["file: The file is not a readable .xlsx workbook."]


def test_unknown_sheets_and_a_sheet_without_rows(tmp_path):
    sheets = rows_of(data())
    sheets["Household"] = [["household_ref"], ["H-1"]]
    from exchange.export import to_xlsx

    lines, _summary = problems_of(tmp_path, to_xlsx(sheets))
    assert lines[0].startswith("Household: Unknown sheet")


def test_overlapping_tenancies_are_found_by_the_model_and_roll_everything_back(tmp_path):
    bad = data(tenancies=[(1, {"start_date": "2024-05-01"})])  # starts before the first one ended
    lines, _summary = problems_of(tmp_path, xlsx(bad))
    assert lines == ["tenancies, row 3, start_date: The unit is let to another household in this period."]
    assert Tenancy.objects.count() == 0


def test_a_decision_date_needs_a_decided_status(tmp_path):
    lines, _summary = problems_of(tmp_path, xlsx(data(startloans=[(0, {"status": "in_review"})])))
    assert lines == [
        "startloans, row 2, status: An application with a decision date is approved, rejected, disbursed."
    ]


def test_a_national_id_used_twice_is_reported_without_the_number(tmp_path):
    bad = data(persons=[(1, {"national_id": "12096342568"})])
    lines, _summary = problems_of(tmp_path, xlsx(bad))
    assert lines == ["persons, row 3, national_id: invalid: the same number as in row 2"]


# --- never a crash ----------------------------------------------------------------------------

cell = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.sampled_from(["", "2024-13-01", "01.01.2024", "bought", "kari", "H-1", "U-1", "12096342568", "=cmd"]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sheet=st.sampled_from(["households", "persons", "units", "tenancies", "startloans", "followups"]),
    row=st.integers(min_value=0, max_value=1),
    column=st.sampled_from(
        [
            "household_ref",
            "unit_ref",
            "first_name",
            "birth_date",
            "national_id",
            "start_date",
            "moved_out_on",
            "move_out_reason",
            "status",
            "decided_on",
            "kind",
            "minutes",
            "area_m2",
            "postcode",
            "counsellor",
            "date",
        ]
    ),
    value=cell,
)
def test_any_cell_value_gives_a_result_or_problems_never_a_crash(municipality, sheet, row, column, value):
    broken = data()
    rows = broken[sheet]
    if column in rows[row % len(rows)]:
        rows[row % len(rows)][column] = value
    try:
        workbook = read_bytes(xlsx(broken), ".xlsx")
        cases_import(municipality=municipality, workbook=workbook, dry_run=True)
    except ImportRejected as rejected:
        assert rejected.problems and all(p.message for p in rejected.problems)
        assert not any("12096342568" in str(p) for p in rejected.problems)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.builds(lambda b, cut: b[:cut], st.just(xlsx()), st.integers(min_value=0, max_value=4000)),
        st.builds(lambda b, cut: b[:cut], st.just(zipped()), st.integers(min_value=0, max_value=3000)),
    ),
    suffix=st.sampled_from([".xlsx", ".zip", ".csv"]),
)
def test_any_bytes_give_problems_never_a_crash(municipality, raw, suffix):
    try:
        workbook = read_bytes(raw, suffix)
        cases_import(municipality=municipality, workbook=workbook, dry_run=True)
    except ImportRejected as rejected:
        assert rejected.problems
