"""The dashboard shows any quarter or year, with last year's figure beside each."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports.periods import Quarter
from tests.factories import FollowUpFactory, HouseholdFactory


def followups_on(municipality, *days):
    for day in days:
        FollowUpFactory(household=HouseholdFactory(municipality=municipality), date=day, minutes=30)


def rows(response) -> dict:
    return {row["key"]: row for row in response.context["rows"]}


def test_a_chosen_quarter_beside_the_same_quarter_last_year(client_for, manager, municipality):
    followups_on(municipality, date(2025, 8, 1), date(2025, 9, 30), date(2024, 7, 1), date(2025, 10, 1))
    response = client_for(manager).get(reverse("reports:dashboard"), {"period": "2025Q3"})
    assert response.status_code == 200
    figures = rows(response)["followups"]
    assert (figures["value"], figures["last_year"]) == ("2", "1")
    page = response.content.decode()
    assert "2025 K3" in page and "2024 K3" in page
    records = reverse("reports:records", args=["followups"])
    assert f'href="{records}?period=2025Q3"' in page
    assert f'href="{records}?period=2024Q3"' in page


@pytest.mark.parametrize("query", [{"year": "2025"}, {"period": "2025"}])
def test_a_chosen_year_beside_last_year(client_for, manager, municipality, query):
    followups_on(municipality, date(2025, 1, 1), date(2025, 12, 31), date(2024, 6, 6), date(2026, 1, 1))
    response = client_for(manager).get(reverse("reports:dashboard"), query)
    figures = rows(response)["followups"]
    assert (figures["value"], figures["last_year"]) == ("2", "1")
    page = response.content.decode()
    assert f'href="{reverse("reports:records", args=["followups"])}?period=2024"' in page


def test_the_current_quarter_is_the_default_and_says_it_is_not_over(client_for, manager, municipality):
    today = timezone.localdate()
    followups_on(municipality, today)
    response = client_for(manager).get(reverse("reports:dashboard"))
    assert rows(response)["followups"]["value"] == "1"
    page = response.content.decode()
    assert Quarter.containing(today).label in page
    assert "ikke over ennå" in page


@pytest.mark.parametrize(
    "value", ["2025Q5", "nonsense", "1850", "99999", "2025Q3<script>", "-1", "", "2025-13", "0Q1"]
)
def test_a_bad_period_says_so_and_shows_this_quarter(client_for, manager, value):
    response = client_for(manager).get(reverse("reports:dashboard"), {"period": value})
    assert response.status_code == 200
    page = response.content.decode()
    if value:
        assert "Velg et kvartal eller et år" in page
    assert Quarter.containing(timezone.localdate()).label in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_a_bad_year_says_so(client_for, manager):
    response = client_for(manager).get(reverse("reports:dashboard"), {"year": "2025Q3"})
    assert "Velg et kvartal eller et år" in response.content.decode()


def test_the_records_keep_the_chosen_period(client_for, manager, municipality):
    household = HouseholdFactory(municipality=municipality, reference="H-2024-Q3")
    FollowUpFactory(household=household, date=date(2024, 8, 1))
    FollowUpFactory(
        household=HouseholdFactory(municipality=municipality, reference="H-2025-Q3"), date=date(2025, 8, 1)
    )
    client = client_for(manager)
    page = client.get(reverse("reports:records", args=["followups"]), {"period": "2024Q3"}).content.decode()
    assert "H-2024-Q3" in page and "H-2025-Q3" not in page
    assert "01.07.2024–30.09.2024" in page
    assert f'href="{reverse("reports:dashboard")}?period=2024Q3"' in page
    page = client.get(reverse("reports:records", args=["followups"]), {"period": "2024"}).content.decode()
    assert "H-2024-Q3" in page and "H-2025-Q3" not in page


def test_records_with_a_bad_period_say_so(client_for, manager):
    response = client_for(manager).get(reverse("reports:records", args=["followups"]), {"period": "2025Q9"})
    assert response.status_code == 200
    assert "Velg et kvartal eller et år" in response.content.decode()


def test_the_records_pages_keep_the_period(client_for, manager, municipality):
    followups_on(municipality, *[date(2024, 8, 1)] * 51)
    page = client_for(manager).get(reverse("reports:records", args=["followups"]), {"period": "2024Q3"})
    assert "?page=2&amp;period=2024Q3" in page.content.decode()


def test_each_period_is_cached_and_the_query_count_stays(
    client_for, manager, municipality, django_assert_num_queries
):
    client = client_for(manager)
    url = reverse("reports:dashboard")
    followups_on(municipality, date(2025, 8, 1))
    client.get(reverse("reports:records", args=["followups"]))  # the session settles
    # 24 before rotation (the decisions waiting for the manager's approval are one): each of the
    # two periods adds three (let on its first and last day, the median).
    # On PostgreSQL each period's figures are one statement (reports.figures_sql): 12 in all.
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 29) as computed:
        client.get(url, {"period": "2025Q3"})
    with django_assert_num_queries(4):  # as test_views pins it
        client.get(url, {"period": "2025Q3"})
    with django_assert_num_queries(len(computed.captured_queries)):
        client.get(url, {"year": "2025"})  # another period is computed once
    with django_assert_num_queries(4):  # as test_views pins it
        client.get(url, {"year": "2025"})
    followups_on(municipality, *[date(2025, 8, 2)] * 10)
    with django_assert_num_queries(len(computed.captured_queries)):
        response = client.get(url, {"period": "2025Q3"})
    assert rows(response)["followups"]["value"] == "11"
