"""The yearly overview of housing needs: the year beside the year before, as CSV and as a PDF that
reads back with pdftotext."""

import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    PersonFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)
from tests.services import pdftotext

D = date


def run(*args) -> str:
    out = io.StringIO()
    call_command("yearly_overview", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def year(municipality):
    # A family with a child, living in a municipal unit since 2021 (4 years on 31.12.2025).
    family = HouseholdFactory(municipality=municipality)
    PersonFactory(household=family, birth_date=D(1985, 1, 1))
    PersonFactory(household=family, birth_date=D(2015, 1, 1))
    FollowUpFactory(household=family, date=D(2025, 3, 1))
    TenancyFactory(household=family, start_date=D(2021, 6, 1), contract_end_date=None)
    # A single adult who bought a home in 2025 after 2 years.
    single = HouseholdFactory(municipality=municipality)
    PersonFactory(household=single, birth_date=D(1990, 1, 1))
    FollowUpFactory(household=single, date=D(2025, 1, 10))
    TenancyFactory(
        household=single,
        start_date=D(2023, 2, 1),
        contract_end_date=None,
        moved_out_on=D(2025, 2, 1),
        move_out_reason="bought",
    )
    # In 2024: one household followed up; an application received in December, decided in 2025.
    earlier = HouseholdFactory(municipality=municipality)
    PersonFactory(household=earlier, birth_date=D(1970, 1, 1))
    FollowUpFactory(household=earlier, date=D(2024, 5, 1))
    StartLoanApplicationFactory(
        household=earlier, received_on=D(2024, 12, 1), decided_on=None, status="received"
    )
    return municipality


def test_the_csv_has_the_year_beside_the_year_before(year):
    rows = {
        row["key"]: row
        for row in csv.DictReader(
            io.StringIO(run("--municipality", "alesund", "--year", "2025", "--format", "csv"))
        )
    }
    assert (rows["households_assisted"]["2025"], rows["households_assisted"]["2024"]) == ("2", "1")
    assert rows["households_with_children"]["2025"] == "1"
    assert rows["households_single_adult"]["2025"] == "1"
    assert rows["tenure_3_to_5_years"]["2025"] == "1"  # the family: 54 months
    assert rows["exits_bought"]["2025"] == "1"
    assert rows["startloans_in_pipeline"]["2024"] == "1"
    assert rows["median_months_lived_exits"]["2025"] == "24.0"
    assert rows["median_months_lived_exits"]["2024"] == ""  # no exits: empty
    assert rows["households_assisted"]["section"] == "Husstander som er fulgt opp"


def test_the_pdf_reads_back(year, tmp_path):
    target = tmp_path / "o.pdf"
    run("--municipality", "alesund", "--year", "2025", "--output", str(target))
    text = pdftotext(target.read_bytes())
    for words in (
        "Boligsosial behovsoversikt 2025",
        "Husstander med barn",
        "Botid i kommunal bolig",
        "Hvor de flyttet",
        "Søknader under behandling ved årets slutt",
        "Rullering i de kommunale boligene",
        "Vedlegg",
    ):
        assert words in text, words


def test_a_year_not_begun_is_refused(year):
    with pytest.raises(CommandError, match="not a year that has begun"):
        run("--municipality", "alesund", "--year", "9999", "--format", "csv")
