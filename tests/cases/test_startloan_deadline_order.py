"""Start-up loan deadlines: listed by date wherever they are listed, and a financing
certificate that has run out says so («gikk ut 3. mars 2026»), not «går ut»."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, translation

from cases.models import StartLoanApplication
from tests.cases.test_startloans_service import application_in
from tests.factories import StartLoanApplicationFactory

S = StartLoanApplication.Status
TODAY = date.today()


def _approved(household, valid_until):
    application = application_in(S.APPROVED, household)
    application.approval_kind, application.certificate_valid_until = "certificate", valid_until
    application.save()
    return application


@pytest.fixture
def three_deadlines(household):
    """Made in an order that is not the order of their dates."""
    rejected = application_in(S.REJECTED, household)  # the appeal deadline: decided + 3 weeks
    soon = _approved(household, TODAY + timedelta(days=5))
    expired = _approved(household, TODAY - timedelta(days=10))
    waiting = StartLoanApplicationFactory(household=household, received_on=TODAY - timedelta(days=40))
    return [expired, waiting, soon, rejected]


def _listed(html, applications):
    positions = [html.index(reverse("cases:startloan_detail", args=[a.pk]) + '"') for a in applications]
    return positions == sorted(positions)


@pytest.mark.django_db
def test_the_pipeline_lists_start_up_loan_deadlines_by_date(client_for, counsellor, three_deadlines):
    response = client_for(counsellor).get(reverse("cases:startloan_pipeline"))
    deadlines = response.context["deadlines"]
    assert [d.due for d in deadlines] == sorted(d.due for d in deadlines)
    assert [d.pk for d in deadlines] == [a.pk for a in three_deadlines]
    html = response.content.decode()
    assert _listed(html[html.index("<h2") :], three_deadlines)


@pytest.mark.django_db
def test_the_caseload_lists_them_by_date_too(client_for, counsellor, three_deadlines):
    html = client_for(counsellor).get(reverse("cases:caseload")).content.decode()
    panel = html[html.index('id="deadlines-heading"') : html.index("</section>")]
    assert _listed(panel, three_deadlines)


@pytest.mark.django_db
def test_an_expired_financing_certificate_reads_as_expired_with_its_date(client_for, counsellor, household):
    expired_on = TODAY - timedelta(days=10)
    expired = _approved(household, expired_on)
    _approved(household, TODAY + timedelta(days=5))
    client = client_for(counsellor)
    with translation.override("nb"):
        when = formats.date_format(expired_on, "j. F Y")  # «3. mars 2026»
    for url, still_valid in (
        (reverse("cases:caseload"), 1),
        (reverse("cases:startloan_pipeline"), 1),
        (reverse("cases:startloan_detail", args=[expired.pk]), 0),
    ):
        html = client.get(url).content.decode()
        assert f"Startlån: finansieringsbeviset gikk ut {when}" in html, url
        assert html.count("finansieringsbeviset går ut") == still_valid, url
