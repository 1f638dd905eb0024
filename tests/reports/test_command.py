"""`manage.py funder_report`: JSON only on standard output, every key, cumulative from project start."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from reports import indicators
from tests.factories import FollowUpFactory, HouseholdFactory, MunicipalityFactory, PersonFactory


def run(*args) -> str:
    out = io.StringIO()
    call_command("funder_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data(municipality):
    household = HouseholdFactory(municipality=municipality)
    PersonFactory(household=household, birth_date=date(2010, 1, 1))
    FollowUpFactory(household=household, date=date(2013, 2, 1), minutes=90)
    FollowUpFactory(household=household, date=date(2012, 5, 1), minutes=30)
    return household


def test_json_for_a_quarter_has_every_key_and_nothing_else_on_stdout(data, municipality):
    result = json.loads(run("--funder", "husbanken", "--quarter", "2013Q1", "--format", "json"))
    assert result["funder"] == "husbanken"
    assert result["municipality"] == "alesund"
    assert (result["from"], result["to"]) == ("2013-01-01", "2013-03-31")
    assert list(result["figures"]) == list(indicators.REPORT_KEYS)
    assert result["figures"]["households_assisted"] == 1
    assert result["figures"]["children_assisted"] == 1
    assert result["figures"]["followup_hours"] == 1.5
    assert "cumulative" not in result  # no project start set


def test_cumulative_from_project_start_and_fylkesmannen_means_statsforvalteren(data, municipality):
    municipality.project_start = date(2012, 1, 1)
    municipality.save()
    result = json.loads(
        run("--funder", "fylkesmannen", "--from", "2013-01-01", "--to", "2013-03-31", "--format", "json")
    )
    assert result["funder"] == "statsforvalteren"
    assert result["cumulative"]["followups"] == 2
    assert result["figures"]["followups"] == 1


def test_csv_and_output_file(data, municipality, tmp_path):
    rows = list(
        csv.DictReader(io.StringIO(run("--funder", "husbanken", "--quarter", "2013Q1", "--format", "csv")))
    )
    assert [row["key"] for row in rows] == list(indicators.REPORT_KEYS)
    target = tmp_path / "r.json"
    assert (
        run("--funder", "husbanken", "--quarter", "2013Q1", "--format", "json", "--output", str(target)) == ""
    )
    assert json.loads(target.read_text())["figures"]["followups"] == 1


def test_pdf_to_a_file(data, municipality, tmp_path):
    from tests.services import pdftotext

    target = tmp_path / "r.pdf"
    assert run("--funder", "husbanken", "--quarter", "2013Q1", "--output", str(target)) == ""
    assert "Rapport til Husbanken" in pdftotext(target.read_bytes())


def test_municipality_must_be_named_when_there_are_several(data, municipality):
    MunicipalityFactory(name="Molde", slug="molde")
    with pytest.raises(CommandError):
        run("--funder", "husbanken", "--quarter", "2013Q1", "--format", "json")
    result = json.loads(
        run("--funder", "husbanken", "--quarter", "2013Q1", "--format", "json", "--municipality", "molde")
    )
    assert result["figures"]["followups"] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--quarter", "2013Q5"],
        ["--from", "2013-01-01"],
        ["--from", "2013-03-01", "--to", "2013-01-01"],
        ["--from", "yesterday", "--to", "2013-01-01"],
    ],
)
def test_bad_periods_are_refused(municipality, args):
    with pytest.raises(CommandError):
        run("--funder", "husbanken", "--format", "json", *args)
