"""The import applies the rules the forms apply: the template imports into the demo data as it is,
dates outside the plausible range are refused like in the forms, text with control characters is
refused, and every problem names its sheet, row and column."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from boveileder.models import User
from cases.models import Household, StartLoanApplication
from demo.data import seed_municipality
from tests.exchange.exchange_helpers import data, xlsx, zipped
from tests.factories import CounsellorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks():
    from boveileder.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def upload(client, content: bytes, name="import.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("exchange:import_upload"), {"file": SimpleUploadedFile(name, content)})


def problems_of(tmp_path, content: bytes, name="import.xlsx", language="nb"):
    path = tmp_path / name
    path.write_bytes(content)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_cases",
            str(path),
            "--municipality",
            "alesund",
            "--language",
            language,
            stdout=StringIO(),
            stderr=err,
        )
    return err.getvalue().splitlines()


def test_the_downloaded_template_uploaded_unchanged_imports_into_the_demo(client):
    """Bug 9: the template's example unit was the demo's let unit U-0001, so the file was refused."""
    municipality = seed_municipality(households=12)
    manager = User.objects.get(username="lise.leder")
    client.force_login(manager)
    template = client.get(reverse("exchange:import_template"))
    assert template.status_code == 200
    response = upload(
        client, b"".join(template.streaming_content) if template.streaming else template.content
    )
    assert response.status_code == 302
    job_page = client.get(response.url).content.decode()
    assert "Filen har ingen feil" in job_page, job_page
    households = Household.objects.filter(municipality=municipality).count()
    with TestCase.captureOnCommitCallbacks(execute=True):
        confirm = client.post(response.url + "confirm/")
    assert "Importen er ferdig." in client.get(confirm.url).content.decode()
    assert Household.objects.filter(municipality=municipality).count() == households + 1


@pytest.fixture
def kari(municipality):
    return CounsellorFactory(municipality=municipality, username="kari")


def test_a_far_future_received_date_is_refused_like_in_the_form(tmp_path, kari):
    """9999-12-31 («no end date» elsewhere) was accepted, then broke the pages."""
    row = {"received_on": "9999-12-31", "status": "received", "decided_on": ""}
    lines = problems_of(tmp_path, xlsx(data(startloans=[(0, row)])))
    assert lines == ["startloans, rad 2, received_on: Datoen kan ikke være fram i tid."], lines
    assert StartLoanApplication.objects.count() == 0


@pytest.mark.parametrize(
    ("sheet", "column", "message"),
    [
        ("followups", "date", "The date cannot be in the future."),
        ("households", "enrolled_on", "The date cannot be in the future."),
        ("persons", "birth_date", "The birth date cannot be after today."),
        ("startloans", "decided_on", "The date cannot be in the future."),
    ],
)
def test_dates_that_have_happened_cannot_be_in_the_future(tmp_path, kari, sheet, column, message):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    changes = {sheet: [(0, {column: tomorrow})]}
    if column == "decided_on":
        changes[sheet][0][1]["received_on"] = timezone.localdate().isoformat()
    lines = problems_of(tmp_path, xlsx(data(**changes)), language="en")
    assert lines == [f"{sheet}, row 2, {column}: {message}"], lines


@pytest.mark.parametrize("column", ["start_date", "moved_out_on"])
def test_tenancy_dates_far_ahead_are_refused_as_in_the_move_in_and_out_forms(tmp_path, kari, column):
    lines = problems_of(tmp_path, xlsx(data(tenancies=[(0, {column: "9999-12-31"})])), language="en")
    assert f"tenancies, row 2, {column}: The date is too far ahead" in lines[0], lines


def test_a_contract_end_far_ahead_is_refused_with_a_hint(tmp_path, kari):
    lines = problems_of(tmp_path, zipped(data(tenancies=[(1, {"contract_end_date": "31.12.9999"})])), "f.zip")
    assert len(lines) == 1, lines
    assert lines[0].startswith("tenancies, rad 3, contract_end_date: ")
    assert "tom" in lines[0]  # leave the cell empty when there is no end date


def test_a_date_before_1900_is_refused(tmp_path, kari):
    lines = problems_of(tmp_path, xlsx(data(persons=[(0, {"birth_date": "1066-10-14"})])), language="en")
    assert any(line.startswith("persons, row 2, birth_date: ") for line in lines), lines


def test_the_rules_are_the_forms_own(kari):
    """One definition: the follow-up form and the import give the same message for the same date."""
    from boveileder import dates

    assert dates.happened_problem(date(9999, 12, 31)) == "Datoen kan ikke være fram i tid."
    assert dates.happened_problem(timezone.localdate()) is None


def test_a_nul_byte_in_a_csv_names_sheet_row_and_column(tmp_path, kari):
    """A NUL byte gave «line contains NUL» with no sheet, row or column."""
    content = zipped(data(households=[(1, {"notes": "før\x00etter"})]))
    lines = problems_of(tmp_path, content, "f.zip")
    assert lines == ["households, rad 3, notes: Teksten har et kontrolltegn (NUL) som ikke er tillatt."], (
        lines
    )


def test_a_control_character_in_a_reference_is_refused(tmp_path, kari):
    lines = problems_of(tmp_path, zipped(data(units=[(0, {"unit_ref": "U-\x071"})])), "f.zip")
    assert "units, rad 2, unit_ref: Teksten har et kontrolltegn (BEL) som ikke er tillatt." in lines, lines


def test_a_nul_byte_in_a_workbook_names_sheet_row_and_column(tmp_path, kari):
    """A workbook cannot hold NUL in its XML: written raw, it is still reported by sheet, row and column."""
    import io
    import re
    import zipfile

    source = xlsx(data(followups=[(0, {"note": "NULHERE"})]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as before, zipfile.ZipFile(out, "w") as after:
        for info in before.infolist():
            content = before.read(info)
            if info.filename.startswith("xl/"):
                content = re.sub(rb"NULHERE", b"a\x00b", content)
            after.writestr(info, content)
    lines = problems_of(tmp_path, out.getvalue())
    assert len(lines) == 1, lines
    assert lines[0].startswith("followups, rad 2, note: "), lines


def test_the_screens_name_sheets_and_columns_in_norwegian(client, municipality, kari):
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory(municipality=municipality))
    page = client.get(reverse("exchange:index")).content.decode()
    assert "Husstander" in page and "Fødselsnummer" in page and "bought = Kjøpte egen bolig" in page
    bad = upload(client, xlsx(data(persons=[(0, {"national_id": "12096342567"})])))
    text = client.get(bad.url).content.decode()
    assert "Personer <span" in text and "Fødselsnummer <span" in text and "(national_id)" in text
    good = upload(client, xlsx())
    text = client.get(good.url).content.decode()
    assert "Husstander <span" in text and "Oppfølginger <span" in text
    assert ">Importer</button>" in text


def test_the_template_has_a_guide_explaining_every_column_and_code(client, municipality):
    import io

    import openpyxl

    from exchange.schema import SHEETS
    from tests.factories import ManagerFactory

    client.force_login(ManagerFactory(municipality=municipality))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("exchange:import_template")).content))
    guide = list(workbook["veiledning"].values)
    assert guide[0][:4] == ("Ark", "Ark (navn)", "Kolonne", "Kolonne (navn)")
    described = {(row[0], row[2]) for row in guide[1:] if row and row[0] and row[2]}
    assert described == {(sheet.name, column.name) for sheet in SHEETS for column in sheet.columns}
    assert all(row[3] and row[5] and row[6] for row in guide[1:] if row and row[0] and row[2])
    status = next(row for row in guide if row[2] == "status")
    assert "disbursed = " in status[7] and status[1] == "Startlånsøknader"


def test_the_forms_apply_the_same_rules_as_the_import(client, municipality):
    """A reference with a control character and a contract ending 9999-12-31 are refused in the forms
    with the messages the import gives."""
    from housing.models import RentalUnit
    from tests.factories import OfficerFactory

    client.force_login(OfficerFactory(municipality=municipality))
    unit = {"reference": "B-\x0712", "address": "Havnegata 3", "postcode": "6002", "city": "Ålesund"}
    page = client.post(reverse("housing:unit_create"), unit).content.decode()
    assert "Teksten har et kontrolltegn (BEL) som ikke er tillatt." in page
    assert not RentalUnit.objects.exists()
    unit = RentalUnit.objects.create(municipality=municipality, reference="B-1", address="Havnegata 3")
    household = Household.objects.create(municipality=municipality, reference="H-9")
    move_in = {"household_reference": "H-9", "start_date": "2024-01-01", "contract_end_date": "9999-12-31"}
    page = client.post(reverse("housing:tenancy_move_in", args=[unit.pk]), move_in).content.decode()
    assert "Datoen er for langt fram i tid" in page and "la feltet stå tomt" in page
    assert not household.tenancies.exists()
