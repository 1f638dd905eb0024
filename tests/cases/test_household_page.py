"""The household page: members, tenancies, consents, partner agencies, one timeline; every view logged."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import Document, FollowUp, RecordView
from cases.services.decisions import decision_draft
from cases.services.followups import followup_log
from housing.models import LongTenureFlag, MoveOutReason
from housing.services.tenancies import tenancy_end
from tests.factories import (
    ConsentFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    PartnerAgencyFactory,
    PersonFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date.today()


def page(client, household):
    response = client.get(reverse("cases:household_detail", args=[household.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_members_with_ages_tenancies_consents_and_timeline(client_for, municipality, counsellor, household):
    PersonFactory(household=household, first_name="Amina", last_name="Hassan", birth_date=date(1990, 1, 1))
    child = PersonFactory(
        household=household,
        first_name="Sara",
        last_name="Hassan",
        birth_date=TODAY - timedelta(days=365 * 7 + 10),
    )
    past = TenancyFactory(household=household, start_date=TODAY - timedelta(days=2000))
    tenancy_end(tenancy=past, on=TODAY - timedelta(days=900), reason=MoveOutReason.TRANSFER)
    current = TenancyFactory(household=household, start_date=TODAY - timedelta(days=800))
    LongTenureFlagFactory(tenancy=current, status=LongTenureFlag.Status.REFERRED, referred_to=counsellor)
    nav = PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund")
    bank = PartnerAgencyFactory(municipality=municipality, name="Sparebanken")
    ConsentFactory(household=household, agency=nav, purpose="Økonomiopplysninger")
    ConsentFactory(
        household=household, agency=bank, purpose="Lånesøknad", withdrawn_on=TODAY - timedelta(days=1)
    )
    followup_log(
        household=household,
        by=counsellor,
        date=TODAY,
        kind=FollowUp.Kind.PHONE,
        minutes=20,
        topics=["economy"],
        note="Snakket om budsjett",
        partner_agencies=[nav],
    )

    html = page(client_for(counsellor), household)
    assert (
        "Amina Hassan" in html and f"({TODAY.year - 1990 - ((TODAY.month, TODAY.day) < (1, 1))} år)" in html
    )
    assert f"{child} </a>" not in html and "(7 år)" in html
    assert current.unit.address in html and past.unit.address in html
    assert "Flyttet til en annen kommunal bolig" in html  # the move-out reason
    assert "Henvist til deg" in html
    shared_today = html[html.index("Kan deles i dag") : html.index("Utløpt eller trukket tilbake")]
    assert "NAV Ålesund" in shared_today and "Sparebanken" not in shared_today
    agencies = html[html.index('id="agencies-heading"') :]
    assert "NAV Ålesund" in agencies[: agencies.index("</section>")]
    timeline = html[html.index('id="timeline-heading"') :]
    assert "Telefon, 20 min" in timeline and "Snakket om budsjett" in timeline and "Økonomi" in timeline
    assert timeline.index("Telefon, 20 min") < timeline.index("Flyttet ut av")  # newest first


def test_every_view_is_logged(client_for, household, officer):
    page(client_for(officer), household)
    page(client_for(officer), household)
    views = RecordView.objects.filter(household=household, user=officer, what="household")
    assert views.count() == 2


# Session, the user with their municipality, the household with the partner agencies involved, the
# view log, one query per section
# (members, tenancies with their open flag, consents, the timeline with its follow-ups,
# start-up loans, decisions, documents), the session's refresh.
HOUSEHOLD_QUERIES = 11


def test_household_page_query_count_is_pinned_and_does_not_grow(
    client_for, municipality, counsellor, household, django_assert_num_queries, monkeypatch
):
    # Every row of every kind on one page, the timeline's follow-ups too (its paging is tested below).
    monkeypatch.setattr("cases.views.households.TIMELINE_PAGE_SIZE", 1000)
    client = client_for(counsellor)
    agency = PartnerAgencyFactory(municipality=municipality)

    def add_rows(n):
        for i in range(n):
            person = PersonFactory(household=household)
            tenancy = TenancyFactory(
                household=household,
                start_date=TODAY - timedelta(days=6000 - i * 100),
                moved_out_on=TODAY - timedelta(days=5960 - i * 100),
                move_out_reason="other",
            )
            LongTenureFlagFactory(tenancy=tenancy, status="referred", referred_to=counsellor)
            ConsentFactory(household=household, agency=agency, person=person)
            StartLoanApplicationFactory(household=household)
            decision_draft(household=household, person=person, by=counsellor, main_content=f"vedtak {i}")
            followup_log(
                household=household,
                by=counsellor,
                date=TODAY,
                kind="home_visit",
                minutes=30,
                topics=["economy"],
                note=f"besøk {i}",
                next_step="Ring",
                partner_agencies=[agency],
            )
            Document.objects.create(
                household=household,
                title=f"lønnsslipp {i}.pdf",
                file=f"private/documents/walk-{i}",
                content_type="application/pdf",
                size=1000,
            )

    url = reverse("cases:household_detail", args=[household.pk])
    client.get(url)
    with django_assert_num_queries(HOUSEHOLD_QUERIES):  # an empty household
        assert client.get(url).status_code == 200
    add_rows(1)
    with django_assert_num_queries(HOUSEHOLD_QUERIES):
        assert client.get(url).status_code == 200
    add_rows(49)
    with django_assert_num_queries(HOUSEHOLD_QUERIES):
        html = client.get(url).content.decode()
    for link in (
        "/cases/persons/",
        "/cases/decisions/",
        "/cases/startloans/",
        "/cases/followups/",
        "/cases/documents/",
    ):
        assert len(set(re.findall(rf'href="{link}\d+/"', html))) == 50, link
    assert html.count("Henvist til deg") == 50 and "besøk 48" in html


def test_persona_checks(client, client_for, household, counsellor, officer, manager, other_counsellor):
    url = reverse("cases:household_detail", args=[household.pk])
    assert client.get(url).status_code == 302
    for user in (counsellor, officer, manager):
        assert client_for(user).get(url).status_code == 200
    assert client_for(other_counsellor).get(url).status_code == 404
    assert client_for(counsellor).post(url).status_code == 405


def test_restricted_household_is_404_for_other_counsellors(client_for, municipality, household):
    from tests.factories import CounsellorFactory

    household.restricted = True
    household.save()
    colleague = CounsellorFactory(municipality=municipality)
    url = reverse("cases:household_detail", args=[household.pk])
    assert client_for(colleague).get(url).status_code == 404
    assert not RecordView.objects.filter(user=colleague).exists()


def test_another_municipalitys_household_is_not_in_my_lists(client_for, counsellor, other_municipality):
    theirs = HouseholdFactory(municipality=other_municipality)
    client = client_for(counsellor)
    assert theirs.reference not in client.get(reverse("cases:team")).content.decode()


def test_the_timeline_pages_to_older_events(client_for, counsellor, household, monkeypatch):
    from cases.services.timeline import timeline_record

    for day in range(5):
        timeline_record(
            household=household,
            kind="legacy_note",
            params={"text": f"Hendelse {day}"},
            on=TODAY - timedelta(days=day),
        )
    monkeypatch.setattr("cases.views.households.TIMELINE_PAGE_SIZE", 2)
    client = client_for(counsellor)
    first = page(client, household)
    assert "Hendelse 0" in first and "Hendelse 1" in first and "Hendelse 2" not in first
    older = household.events.get(params__text="Hendelse 1").pk
    assert f"?before_event={older}" in first
    url = reverse("cases:household_detail", args=[household.pk])
    second = client.get(url, {"before_event": older}).content.decode()
    assert "Hendelse 2" in second and "Hendelse 3" in second and "Hendelse 1" not in second
    last = client.get(
        url, {"before_event": household.events.get(params__text="Hendelse 3").pk}
    ).content.decode()
    assert "Hendelse 4" in last and "Eldre hendelser" not in last
