"""The caseload: what a counsellor sees first, with what needs doing next; and the team's view."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import StartLoanApplication
from housing.models import LongTenureFlag
from tests.factories import (
    ConsentFactory,
    CounsellorFactory,
    FollowUpFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    PersonFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date.today()


def caseload(client, **params):
    response = client.get(reverse("cases:caseload"), params)
    assert response.status_code == 200
    return response.content.decode()


def table(html):
    return html[html.index("<table") :]


def full_household(municipality, counsellor, n=0, overdue=False):
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    PersonFactory(household=household, first_name=f"Kari{n}", last_name="Nordmann")
    PersonFactory(household=household, first_name=f"Ola{n}", last_name="Nordmann")
    tenancy = TenancyFactory(household=household, start_date=TODAY - timedelta(days=800))
    FollowUpFactory(
        household=household,
        date=TODAY - timedelta(days=10),
        next_step=f"Søke startlån {n}",
        next_step_due=TODAY - timedelta(days=2) if overdue else TODAY + timedelta(days=5),
    )
    StartLoanApplicationFactory(household=household, status=StartLoanApplication.Status.IN_REVIEW)
    LongTenureFlagFactory(tenancy=tenancy)
    ConsentFactory(household=household, valid_until=TODAY + timedelta(days=10))
    return household


def test_caseload_shows_members_unit_contact_next_step_loan_and_flag(client_for, municipality, counsellor):
    household = full_household(municipality, counsellor, overdue=True)
    unit = household.tenancies.get().unit
    html = caseload(client_for(counsellor))
    assert household.reference in html
    assert "Kari0 Nordmann" in html and "Ola0 Nordmann" in html
    assert unit.address in html
    assert "bodd der 2\xa0år" in html  # length of residence
    assert (TODAY - timedelta(days=10)).strftime("%d.%m.%Y") in html  # last contact
    assert "Søke startlån 0" in html
    assert "forfalt" in html  # overdue, in text
    assert "Under behandling" in html  # start-up loan status
    assert 'text-bg-info">Botidsvarsel</span>' in html
    assert reverse("cases:followup_log", args=[household.pk]) in html


def test_a_flag_referred_to_me_says_so(client_for, municipality, counsellor):
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    LongTenureFlagFactory(
        tenancy=TenancyFactory(household=household),
        status=LongTenureFlag.Status.REFERRED,
        referred_to=counsellor,
    )
    html = caseload(client_for(counsellor))
    assert 'text-bg-warning">Henvist til deg</span>' in html
    assert ">Botidsvarsel</span>" not in html


def test_a_colleagues_household_referred_to_me_is_on_my_caseload(client_for, municipality, counsellor):
    """The officer may refer a flag to a counsellor other than the household's own: it reaches them."""
    household = HouseholdFactory(
        municipality=municipality, counsellor=CounsellorFactory(municipality=municipality)
    )
    flag = LongTenureFlagFactory(
        tenancy=TenancyFactory(household=household),
        status=LongTenureFlag.Status.REFERRED,
        referred_to=counsellor,
    )
    html = caseload(client_for(counsellor))
    assert household.reference in html
    assert 'text-bg-warning">Henvist til deg</span>' in html
    flag.resolved_on, flag.status = TODAY, LongTenureFlag.Status.RESOLVED
    flag.save()
    assert household.reference not in caseload(client_for(counsellor))


def test_a_restricted_household_referred_to_me_stays_hidden(client_for, municipality, counsellor):
    household = HouseholdFactory(
        municipality=municipality, counsellor=CounsellorFactory(municipality=municipality), restricted=True
    )
    LongTenureFlagFactory(
        tenancy=TenancyFactory(household=household),
        status=LongTenureFlag.Status.REFERRED,
        referred_to=counsellor,
    )
    assert household.reference not in caseload(client_for(counsellor))


def test_a_resolved_flag_or_a_past_tenancy_does_not_show(client_for, municipality, counsellor):
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    LongTenureFlagFactory(
        tenancy=TenancyFactory(household=household), status=LongTenureFlag.Status.RESOLVED, resolved_on=TODAY
    )
    html = caseload(client_for(counsellor))
    assert ">Botidsvarsel</span>" not in html and "Henvist til deg" not in html


def test_a_tenancy_without_a_flag_shows_no_badge(client_for, municipality, counsellor):
    TenancyFactory(household=HouseholdFactory(municipality=municipality, counsellor=counsellor))
    html = table(caseload(client_for(counsellor)))
    assert "Botidsvarsel</span>" not in html and "Henvist til deg" not in html
    flagged = client_for(counsellor).get(reverse("cases:caseload"), {"show": "flagged"})
    assert not list(flagged.context["households"])


def test_only_my_open_households_are_listed(client_for, municipality, counsellor):
    mine = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    closed = HouseholdFactory(
        municipality=municipality, counsellor=counsellor, closed_on=TODAY, close_reason="other"
    )
    colleagues = HouseholdFactory(municipality=municipality)
    html = caseload(client_for(counsellor))
    assert mine.reference in html
    assert closed.reference not in html
    assert colleagues.reference not in html


def test_filter_overdue_and_sort(client_for, municipality, counsellor):
    late = full_household(municipality, counsellor, n=1, overdue=True)
    on_time = full_household(municipality, counsellor, n=2)
    client = client_for(counsellor)
    html = table(caseload(client, show="overdue"))
    assert late.reference in html and on_time.reference not in html
    html = table(caseload(client, sort="due"))
    assert html.index(late.reference) < html.index(on_time.reference)


def test_deadlines_panel_has_next_steps_and_lapsing_consents(client_for, municipality, counsellor):
    full_household(municipality, counsellor, overdue=True)
    html = caseload(client_for(counsellor))
    panel = html[html.index('id="deadlines-heading"') : html.index("</section>")]
    assert "Neste steg: Søke startlån 0" in panel
    assert "(forfalt)" in panel
    assert "Samtykke til å dele med" in panel


def test_the_deadlines_panel_shows_the_earliest_ten_and_opens_the_rest(
    client_for, municipality, counsellor, monkeypatch
):
    for n in range(4):  # four next steps, four lapsing consents
        full_household(municipality, counsellor, n=n, overdue=n < 2)
    monkeypatch.setattr("cases.views.households.DEADLINES_SHOWN", 3)
    client = client_for(counsellor)

    def panel(**params):
        html = caseload(client, **params)
        return html[html.index('id="deadlines-heading"') : html.index("</section>")]

    short = panel(sort="reference")
    assert short.count("<li") == 3
    assert "8 frister, 2 av dem forfalt." in short
    assert "Vis alle 8 frister" in short and "sort=reference&amp;deadlines=all" in short
    full = panel(sort="reference", deadlines="all")
    assert full.count("<li") == 8 and "Vis alle" not in full
    assert full.index("Søke startlån 0") < full.index("Søke startlån 3")  # the earliest first


def _count(django_assert_num_queries, client, url, n):
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


# 3 of them are the start-up loan and decision deadline sources; 1 the decisions waiting for the user;
# 1 the letters not delivered (the deadline source dispatch registers).
CASELOAD_QUERIES = 12
TEAM_QUERIES = 5


def test_caseload_query_count_is_pinned_and_does_not_grow(
    client_for, municipality, counsellor, django_assert_num_queries
):
    client = client_for(counsellor)
    url = reverse("cases:caseload")
    full_household(municipality, counsellor, n=0)
    client.get(url)  # warm the content-type cache and the session
    _count(django_assert_num_queries, client, url, CASELOAD_QUERIES)
    for n in range(1, 20):
        full_household(municipality, counsellor, n=n, overdue=n % 2 == 0)
    _count(django_assert_num_queries, client, url, CASELOAD_QUERIES)


def test_team_view_filters_by_counsellor_and_pages_by_key(
    client_for, municipality, manager, counsellor, monkeypatch
):
    colleague = CounsellorFactory(municipality=municipality, first_name="Jon", last_name="Boveileder")
    for i in range(3):
        HouseholdFactory(municipality=municipality, counsellor=counsellor, reference=f"A-{i:03d}")
    HouseholdFactory(municipality=municipality, counsellor=colleague, reference="B-001")
    client = client_for(manager)
    html = client.get(reverse("cases:team"), {"counsellor": colleague.pk}).content.decode()
    assert "B-001" in html and "A-000" not in html

    monkeypatch.setattr("cases.views.households.TEAM_PAGE_SIZE", 2)
    first = client.get(reverse("cases:team")).content.decode()
    assert "A-000" in first and "A-001" in first and "A-002" not in first
    assert 'after=A-001">Neste</a>' in first
    second = client.get(reverse("cases:team"), {"after": "A-001"}).content.decode()
    assert "A-002" in second and "B-001" in second and "A-000" not in second
    assert ">Neste</a>" not in second  # the last page


def test_team_view_query_count_does_not_grow(client_for, municipality, counsellor, django_assert_num_queries):
    client = client_for(counsellor)
    url = reverse("cases:team")
    full_household(municipality, counsellor)
    client.get(url)
    _count(django_assert_num_queries, client, url, TEAM_QUERIES)
    for n in range(1, 20):
        full_household(municipality, counsellor, n=n)
    _count(django_assert_num_queries, client, url, TEAM_QUERIES)


@pytest.mark.parametrize("name", ["cases:caseload", "cases:team"])
def test_persona_checks(client, client_for, counsellor, officer, manager, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    assert client_for(officer).get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 200
    assert client_for(counsellor).get(url).status_code == 200
    assert client_for(counsellor).post(url).status_code == 405


def test_the_caseload_pages_by_twenty_five(client_for, municipality, counsellor):
    for i in range(26):
        HouseholdFactory(municipality=municipality, counsellor=counsellor, reference=f"P-{i:03d}")
    client = client_for(counsellor)
    first = caseload(client, sort="reference")
    assert "P-024" in table(first) and "P-025" not in table(first)
    assert "Side 1 av 2" in first
    second = caseload(client, sort="reference", page=2)
    assert "P-025" in table(second) and "P-000" not in table(second)
