"""The funder observer: figures of the county's sharing municipalities side by side, suppressed;
the reports they sent; 404 on every other page, a household's above all."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.observer_world import observer_world


@pytest.fixture
def world(db):
    return observer_world(timezone.localdate())


def test_the_table_shows_the_sharing_municipalities_with_small_counts_suppressed(client_for, world):
    page = client_for(world["user"]).get(reverse("reports:observer")).content.decode()
    assert "Ålesund" in page and "Molde" in page
    assert "Volda" not in page  # does not share
    assert "1–4" in page  # Molde's two households
    assert ">2<" not in page
    assert "Husbanken Midt" in page


def test_every_other_page_is_404_for_an_observer(client_for, world):
    client = client_for(world["user"])
    household = world["households"]["molde"][0]
    for url in (
        reverse("cases:household_detail", args=[household.pk]),
        reverse("reports:dashboard"),
        reverse("reports:records", args=["followups"]),
        reverse("cases:caseload"),
        reverse("reports:download", args=[world["report"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/").url == reverse("reports:observer")


def test_the_archived_pdf_of_a_sharing_municipality_and_no_other(client_for, world):
    client = client_for(world["user"])
    page = client.get(reverse("reports:observer_archive")).content.decode()
    assert reverse("reports:observer_download", args=[world["report"].pk]) in page
    assert reverse("reports:observer_download", args=[world["hidden_report"].pk]) not in page
    response = client.get(reverse("reports:observer_download", args=[world["report"].pk]))
    assert response.status_code == 200 and response.content == world["pdf"]
    assert (
        client.get(reverse("reports:observer_download", args=[world["hidden_report"].pk])).status_code == 404
    )


def test_the_trend_of_one_indicator_and_no_unknown_one(client_for, world):
    client = client_for(world["user"])
    page = client.get(reverse("reports:observer_trend", args=["households_assisted"])).content.decode()
    assert page.count("<tr>") >= 9  # a heading and eight quarters
    assert client.get(reverse("reports:observer_trend", args=["no_such_key"])).status_code == 404


def test_staff_get_403_and_anonymous_the_login(client, client_for, world, manager):
    assert client_for(manager).get(reverse("reports:observer")).status_code == 403
    client.logout()
    assert client.get(reverse("reports:observer")).status_code == 302


def test_any_period_and_a_bad_one(client_for, world):
    client = client_for(world["user"])
    today = timezone.localdate()
    page = client.get(reverse("reports:observer"), {"from": f"{today.year}-01-01", "to": today.isoformat()})
    assert f"01.01.{today.year}–{today:%d.%m.%Y}" in page.content.decode()
    for bad in (
        {"from": "2026-13-01", "to": "x"},
        {"from": "2026-05-01", "to": "2026-04-01"},
        {"from": "9999-01-01", "to": "9999-02-01"},
    ):
        response = client.get(reverse("reports:observer"), bad)
        assert response.status_code == 200
        assert "Viser kvartalet eller året som er valgt over." in response.content.decode()


def test_the_table_and_the_trend_cost_the_same_for_more_data(client_for, world, django_assert_num_queries):
    from reports.services.sharing import figure_sharing_set
    from tests.factories import FollowUpFactory, HouseholdFactory, ManagerFactory, MunicipalityFactory

    client = client_for(world["user"])
    trend = reverse("reports:observer_trend", args=["followups"])
    client.get(reverse("reports:observer"))  # the session settles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as table_queries:
        client.get(reverse("reports:observer"))
    with CaptureQueriesContext(connection) as trend_queries:
        client.get(trend)
    today = timezone.localdate()
    more = MunicipalityFactory(name="Stranda", slug="stranda", number="1525")
    figure_sharing_set(
        municipality=more, funder="husbanken", shared=True, by=ManagerFactory(municipality=more)
    )
    for place in (world["alesund"], world["molde"], more):
        for _n in range(5):
            FollowUpFactory(household=HouseholdFactory(municipality=place), date=today)
    with django_assert_num_queries(len(table_queries.captured_queries)):
        assert "Stranda" in client.get(reverse("reports:observer")).content.decode()
    with django_assert_num_queries(len(trend_queries.captured_queries)):
        client.get(trend)
