"""Figures across municipalities: `funder_report --county NN | --all`, only municipalities that share
with the funder, pooled figures equal to the sum (and pooled shares) of each one's own report."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from reports import indicators, selectors
from reports.indicators import median, per_hundred
from reports.models import FigureSharing
from reports.services.sharing import figure_sharing_set
from reports.suppression import HIDDEN, SMALL
from tests.factories import (
    FollowUpFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
    TenancyFactory,
)
from tests.services import pdftotext

D = date
SUMMED = [key for key in indicators.REPORT_KEYS if key not in indicators.ROTATION_KEYS[2:]]


def run(*args) -> str:
    out = io.StringIO()
    call_command("funder_report", *args, stdout=out)
    return out.getvalue()


def household(municipality, *, persons=2, followups=(), start=None, moved_out=None, reason=""):
    h = HouseholdFactory(municipality=municipality)
    for _n in range(persons):
        PersonFactory(household=h, birth_date=D(1980, 1, 1))
    for on in followups:
        FollowUpFactory(household=h, date=on, minutes=50)
    if start:
        TenancyFactory(
            household=h,
            start_date=start,
            contract_end_date=None,
            moved_out_on=moved_out,
            move_out_reason=reason,
        )
    return h


@pytest.fixture
def region(db):
    """Three municipalities of county 15 (two share with Husbanken), one of county 46 sharing."""
    alesund = MunicipalityFactory(name="Ålesund", slug="alesund", number="1508")
    molde = MunicipalityFactory(name="Molde", slug="molde", number="1506")
    volda = MunicipalityFactory(name="Volda", slug="volda", number="1577")  # does not share
    bergen = MunicipalityFactory(name="Bergen", slug="bergen", number="4601")
    for place in (alesund, molde, bergen):
        figure_sharing_set(
            municipality=place, funder="husbanken", shared=True, by=ManagerFactory(municipality=place)
        )
    figure_sharing_set(
        municipality=volda, funder="husbanken", shared=False, by=ManagerFactory(municipality=volda)
    )
    q1 = D(2026, 2, 1)
    for _n in range(6):
        household(alesund, persons=3, followups=[q1], start=D(2020, 1, 1))  # long tenancies
    household(
        alesund, followups=[q1], start=D(2024, 1, 1), moved_out=D(2026, 3, 1), reason="bought"
    )  # 26 months
    household(
        alesund, followups=[q1], start=D(2025, 1, 1), moved_out=D(2026, 2, 1), reason="bought"
    )  # 13 months
    household(molde, followups=[q1, q1], start=D(2025, 6, 1))
    household(
        molde, followups=[q1], start=D(2023, 1, 1), moved_out=D(2026, 2, 20), reason="private_rental"
    )  # 37
    household(molde, followups=[q1], start=D(2022, 1, 1), moved_out=D(2026, 3, 31), reason="other")  # 50
    household(volda, followups=[q1], start=D(2020, 1, 1))
    household(bergen, followups=[q1], start=D(2010, 1, 1))
    return {"alesund": alesund, "molde": molde, "volda": volda, "bergen": bergen}


def test_a_countys_json_is_the_sum_and_the_pooled_shares_of_each_municipalitys_own_report(region):
    result = json.loads(
        run("--funder", "husbanken", "--quarter", "2026Q1", "--county", "15", "--format", "json")
    )
    assert list(result) == ["funder", "from", "to", "figures", "municipalities", "by_municipality"]
    assert result["municipalities"] == ["alesund", "molde"]  # Volda does not share, Bergen is county 46
    own = {
        slug: json.loads(
            run("--funder", "husbanken", "--quarter", "2026Q1", "--municipality", slug, "--format", "json")
        )
        for slug in ("alesund", "molde")
    }
    for slug in own:
        assert result["by_municipality"][slug] == own[slug]["figures"]
    pooled = result["figures"]
    assert list(pooled) == list(indicators.REPORT_KEYS)
    for key in SUMMED:
        assert pooled[key] == pytest.approx(sum(own[slug]["figures"][key] for slug in own)), key
    let = pooled["tenancies_running_last_day"]
    assert pooled["long_tenancies_share_pct"] == per_hundred(pooled["long_tenancies_last_day"], let)
    # The median over the pooled exits (13, 26, 37, 50), not the mean of the two medians (19.5, 43.5).
    assert (
        own["alesund"]["figures"]["median_months_lived_exits"],
        own["molde"]["figures"]["median_months_lived_exits"],
    ) == (19.5, 43.5)
    assert pooled["median_months_lived_exits"] == median([13, 26, 37, 50]) == 31.5
    assert pooled["units_freed_per_100_let"] == per_hundred(4, 6 + 4 + 1)  # 4 exits / 11 let on 1 January


def test_all_takes_every_sharing_municipality_and_csv_has_a_column_each(region):
    text = run("--funder", "husbanken", "--quarter", "2026Q1", "--all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["key", "from", "to", "value", "alesund", "bergen", "molde"]
    followups = next(row for row in rows if row["key"] == "followups")
    assert (followups["value"], followups["alesund"], followups["bergen"], followups["molde"]) == (
        "13",
        "8",
        "1",
        "4",
    )


def test_published_json_suppresses_small_counts_and_what_would_reveal_them(region):
    result = json.loads(
        run(
            "--funder",
            "husbanken",
            "--quarter",
            "2026Q1",
            "--county",
            "15",
            "--format",
            "json",
            "--published",
        )
    )
    assert result["by_municipality"]["molde"]["followups"] == SMALL  # 4
    assert result["by_municipality"]["alesund"]["followups"] == 8
    assert result["figures"]["followups"] == HIDDEN  # 12 - 8 would give Molde's 4
    assert result["country"]["followups"] == HIDDEN
    assert result["by_municipality"]["molde"]["followup_hours"] == HIDDEN


def test_the_regional_pdf_is_suppressed_and_reads_back(region, tmp_path):
    target = tmp_path / "r.pdf"
    run("--funder", "husbanken", "--quarter", "2026Q1", "--county", "15", "--output", str(target))
    text = pdftotext(target.read_bytes())
    assert "Rapport til Husbanken" in text and "fylke 15" in text
    assert "Ålesund" in text and "Molde" in text and "Volda" not in text
    assert "1–4" in text and "Alle til sammen" in text


def test_a_municipality_that_stops_sharing_leaves_and_the_change_is_kept(region):
    manager = ManagerFactory(municipality=region["molde"])
    figure_sharing_set(municipality=region["molde"], funder="husbanken", shared=False, by=manager)
    result = json.loads(
        run("--funder", "husbanken", "--quarter", "2026Q1", "--county", "15", "--format", "json")
    )
    assert result["municipalities"] == ["alesund"]
    changes = FigureSharing.history.filter(municipality_id=region["molde"].pk).order_by("history_date")
    assert [(c.shared, c.history_user_id) for c in changes][-1] == (False, manager.pk)
    assert changes.count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--county", "1"), "not a county number"),
        (("--county", "٣٣"), "not a county number"),
        (("--county", "99"), "no municipality in county 99 shares"),
    ],
)
def test_bad_scopes_are_refused_with_a_message(region, args, message):
    with pytest.raises(CommandError, match=message):
        run("--funder", "husbanken", "--quarter", "2026Q1", "--format", "json", *args)


def test_no_one_shares_with_statsforvalteren(region):
    with pytest.raises(CommandError, match="shares its figures with statsforvalteren"):
        run("--funder", "statsforvalteren", "--quarter", "2026Q1", "--all", "--format", "json")


def test_by_municipality_is_a_few_grouped_queries(region, django_assert_max_num_queries):
    places = list(FigureSharing.objects.municipalities_sharing_with("husbanken"))
    with django_assert_max_num_queries(12):
        selectors.figures_by_municipality(places, D(2026, 1, 1), D(2026, 3, 31), indicators.REPORT_KEYS)
