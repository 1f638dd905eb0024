"""Start-up loan pages: persona checks for every view, hand-posted forms, amounts, query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import StartLoanApplication, StartLoanStatusChange
from cases.services.startloans import DECIDE, MACHINE
from tests.cases.test_startloans_service import application_in
from tests.factories import HouseholdFactory, StartLoanApplicationFactory, UserFactory

S = StartLoanApplication.Status
TODAY = date.today()
ISO = f"{TODAY:%Y-%m-%d}"

# What a form for each target status posts, as a browser would.
GOOD_POST = {
    S.RECEIVED: {"on": ISO},
    S.IN_REVIEW: {"on": ISO, "note": "Alt klart"},
    S.WITHDRAWN: {"on": ISO},
    S.APPROVED: {
        "on": ISO,
        "approval_kind": "certificate",
        "certificate_valid_until": f"{TODAY + timedelta(days=180):%Y-%m-%d}",
        "loan_amount_nok": "2500000",
    },
    S.REJECTED: {"on": ISO, "rejection_reason": "For høy gjeld"},
    S.APPEALED: {"on": ISO},
    S.DISBURSED: {"on": ISO, "purchased_address": "Nygata 1"},
}
ALLOWED = [(src, step.target) for step in MACHINE.transitions for src in step.source]
REFUSED = [(src, dst) for src in S.values for dst in S.values if (src, dst) not in ALLOWED]


def transition_url(application, to_status):
    return reverse("cases:startloan_transition", args=[application.pk, to_status])


@pytest.fixture
def application(household):
    return StartLoanApplicationFactory(household=household, startskudd_ref="SK-2026-17")


@pytest.fixture
def nobody(municipality):
    return UserFactory(municipality=municipality)


# --- persona checks --------------------------------------------------------------------------------


def page_urls(application):
    return {
        "pipeline": reverse("cases:startloan_pipeline"),
        "detail": reverse("cases:startloan_detail", args=[application.pk]),
        "create": reverse("cases:startloan_create", args=[application.household_id]),
        "update": reverse("cases:startloan_update", args=[application.pk]),
        "transition": transition_url(application, S.IN_REVIEW),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["counsellor", "officer", "manager"])
@pytest.mark.parametrize("page", ["pipeline", "detail", "create", "update", "transition"])
def test_the_right_roles_open_every_page(request, client_for, application, role, page):
    response = client_for(request.getfixturevalue(role)).get(page_urls(application)[page])
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["detail", "create", "update", "transition"])
def test_another_municipality_gets_404(client_for, application, other_manager, page):
    assert client_for(other_manager).get(page_urls(application)[page]).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["pipeline", "detail", "create", "update", "transition"])
def test_staff_without_a_role_get_403(client_for, application, nobody, page):
    assert client_for(nobody).get(page_urls(application)[page]).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["pipeline", "detail", "create", "update", "transition"])
def test_anonymous_goes_to_login(client, application, page):
    response = client.get(page_urls(application)[page])
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["pipeline", "detail", "create", "update", "transition"])
def test_wrong_method_is_405(client_for, application, manager, page):
    client = client_for(manager)
    url = page_urls(application)[page]
    response = client.post(url) if page in ("pipeline", "detail") else client.put(url)
    assert response.status_code == 405


@pytest.mark.django_db
def test_a_restricted_household_is_hidden_from_an_officer(client_for, application, officer):
    application.household.restricted = True
    application.household.save()
    assert client_for(officer).get(page_urls(application)["detail"]).status_code == 404


@pytest.mark.django_db
def test_a_counsellor_opening_a_decision_form_gets_403(client_for, household, counsellor):
    application = application_in(S.IN_REVIEW, household)
    client = client_for(counsellor)
    assert client.get(transition_url(application, S.APPROVED)).status_code == 403
    assert client.get(transition_url(application, S.IN_REVIEW)).status_code == 409  # already there


@pytest.mark.django_db
def test_unknown_status_is_404(client_for, application, manager):
    assert client_for(manager).post(transition_url(application, "paid")).status_code == 404


# --- hand-posted forms ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", ALLOWED)
def test_every_allowed_transition_works_through_the_form(
    src, dst, client_for, household, counsellor, officer
):
    application = application_in(src, household)
    by = officer if MACHINE.find(src, dst).who.roles == DECIDE else counsellor
    response = client_for(by).post(transition_url(application, dst), GOOD_POST[dst])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StartLoanApplication.objects.get(pk=application.pk).status == dst
    assert StartLoanStatusChange.objects.get(application=application).by == by


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", REFUSED)
def test_every_other_transition_posted_by_hand_is_refused(src, dst, client_for, household, manager):
    application = application_in(src, household)
    response = client_for(manager).post(transition_url(application, dst), GOOD_POST[dst])
    assert response.status_code == 409
    assert "kan ikke gå fra" in response.content.decode()
    assert StartLoanApplication.objects.get(pk=application.pk).status == src
    assert not StartLoanStatusChange.objects.filter(application=application).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", [(s, d) for s, d in ALLOWED if MACHINE.find(s, d).who.roles == DECIDE])
def test_a_counsellor_posting_a_decision_by_hand_gets_403(src, dst, client_for, household, counsellor):
    application = application_in(src, household)
    response = client_for(counsellor).post(transition_url(application, dst), GOOD_POST[dst])
    assert response.status_code == 403
    assert StartLoanApplication.objects.get(pk=application.pk).status == src


@pytest.mark.django_db
def test_a_decision_missing_its_details_is_shown_again_with_the_reason(client_for, household, officer):
    application = application_in(S.IN_REVIEW, household)
    response = client_for(officer).post(
        transition_url(application, S.APPROVED), {"on": ISO, "approval_kind": "certificate", "note": "Hei"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "finansieringsbeviset er gyldig" in page
    assert "Hei" in page  # what was typed is kept
    assert StartLoanApplication.objects.get(pk=application.pk).status == S.IN_REVIEW


@pytest.mark.django_db
def test_a_late_appeal_is_refused_with_a_clear_message(client_for, household, counsellor):
    application = application_in(S.REJECTED, household)
    application.decided_on = TODAY - timedelta(days=30)
    application.save()
    response = client_for(counsellor).post(transition_url(application, S.APPEALED), {"on": ISO})
    assert response.status_code == 200
    assert "Klagefristen" in response.content.decode()
    assert StartLoanApplication.objects.get(pk=application.pk).status == S.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize("on", ["", "31.02.2026", "not a date"])
def test_a_bad_date_never_gives_a_500(client_for, application, counsellor, on):
    response = client_for(counsellor).post(transition_url(application, S.IN_REVIEW), {"on": on})
    assert response.status_code == 200
    assert StartLoanApplication.objects.get(pk=application.pk).status == S.RECEIVED


# --- creating and editing -------------------------------------------------------------------------


def create_post(**overrides):
    data = {
        "startskudd_ref": "SK-1",
        "received_on": ISO,
        "purpose": "purchase",
        "loan_amount_nok": "2000000",
        "grant_amount_nok": "100000",
        "purchase_price_nok": "2400000",
        "income_after_tax_nok": "480000",
        "debts_nok": "20000",
        "equity_nok": "0",
        "documents_received": ["tax_return", "payslips"],
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_counsellor_registers_an_application(client_for, household, counsellor):
    response = client_for(counsellor).post(
        reverse("cases:startloan_create", args=[household.pk]), create_post()
    )
    application = StartLoanApplication.objects.get(household=household)
    assert response.status_code == 302 and response.url == reverse(
        "cases:startloan_detail", args=[application.pk]
    )
    assert (application.loan_amount_nok, application.status, application.startskudd_ref) == (
        2_000_000,
        S.RECEIVED,
        "SK-1",
    )
    page = client_for(counsellor).get(response.url).content.decode()
    assert "Kontoutskrifter" in page and "mangler" in page  # the documents still missing are shown


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["loan_amount_nok", "purchase_price_nok", "debts_nok", "equity_nok"])
def test_a_negative_amount_is_refused_and_the_form_keeps_what_was_typed(
    client_for, household, counsellor, field
):
    response = client_for(counsellor).post(
        reverse("cases:startloan_create", args=[household.pk]), create_post(**{field: "-5"})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Et beløp kan ikke være negativt." in page
    assert 'value="SK-1"' in page and 'value="480000"' in page
    assert not StartLoanApplication.objects.exists()


@pytest.mark.django_db
def test_a_loan_above_the_price_is_questioned_then_accepted_when_confirmed(client_for, household, counsellor):
    client = client_for(counsellor)
    url = reverse("cases:startloan_create", args=[household.pk])
    response = client.post(url, create_post(loan_amount_nok="2600000"))
    assert response.status_code == 200
    assert "over kjøpesummen" in response.content.decode()
    assert 'name="confirm_loan_above_price"' in response.content.decode()
    assert not StartLoanApplication.objects.exists()

    response = client.post(url, create_post(loan_amount_nok="2600000", confirm_loan_above_price="on"))
    assert response.status_code == 302
    assert StartLoanApplication.objects.get().loan_amount_nok == 2_600_000


@pytest.mark.django_db
def test_the_economy_and_checklist_are_edited(client_for, application, counsellor):
    response = client_for(counsellor).post(
        reverse("cases:startloan_update", args=[application.pk]),
        create_post(
            documents_received=[
                "tax_return",
                "payslips",
                "bank_statements",
                "debt_overview",
                "nav_benefits",
                "purchase_contract",
            ]
        ),
    )
    assert response.status_code == 302
    page = client_for(counsellor).get(response.url).content.decode()
    assert "Alle dokumentene er kommet inn." in page


@pytest.mark.django_db
def test_a_closed_application_cannot_be_edited(client_for, household, counsellor):
    application = application_in(S.WITHDRAWN, household)
    response = client_for(counsellor).post(
        reverse("cases:startloan_update", args=[application.pk]), create_post()
    )
    assert response.status_code == 302
    assert StartLoanApplication.objects.get(pk=application.pk).startskudd_ref == ""


# --- the pipeline ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pipeline_counts_and_medians(client_for, municipality, officer):
    household = HouseholdFactory(municipality=municipality)
    for received_ago, decided_ago, disbursed_ago in [(60, 50, 20), (40, 20, 10), (30, 0, None)]:
        StartLoanApplicationFactory(
            household=household,
            status=S.DISBURSED if disbursed_ago else S.APPROVED,
            received_on=TODAY - timedelta(days=received_ago),
            decided_on=TODAY - timedelta(days=decided_ago),
            disbursed_on=TODAY - timedelta(days=disbursed_ago) if disbursed_ago else None,
        )
    StartLoanApplicationFactory(household=household)
    response = client_for(officer).get(reverse("cases:startloan_pipeline"))
    assert [(s, n) for s, _l, n in response.context["counts"] if n] == [
        ("received", 1),
        ("approved", 1),
        ("disbursed", 2),
    ]
    assert response.context["median_to_decision"] == 20  # 10, 20, 30
    assert response.context["median_to_purchase"] == 20  # 30, 10


@pytest.mark.django_db
def test_a_counsellor_sees_only_their_own_households_in_the_pipeline(
    client_for, municipality, counsellor, officer
):
    mine = StartLoanApplicationFactory(
        household=HouseholdFactory(municipality=municipality, counsellor=counsellor)
    )
    StartLoanApplicationFactory(household=HouseholdFactory(municipality=municipality))
    assert list(client_for(counsellor).get(reverse("cases:startloan_pipeline")).context["applications"]) == [
        mine
    ]
    assert len(client_for(officer).get(reverse("cases:startloan_pipeline")).context["applications"]) == 2


@pytest.mark.django_db
def test_another_municipalitys_applications_are_not_counted(client_for, other_municipality, officer):
    StartLoanApplicationFactory(household=HouseholdFactory(municipality=other_municipality))
    response = client_for(officer).get(reverse("cases:startloan_pipeline"))
    assert sum(n for _s, _l, n in response.context["counts"]) == 0


@pytest.mark.django_db
def test_deadlines_show_on_the_pipeline_and_the_caseload(client_for, household, counsellor):
    waiting = StartLoanApplicationFactory(household=household, received_on=TODAY - timedelta(days=31))
    rejected = application_in(S.REJECTED, household)
    approved = application_in(S.APPROVED, household)
    approved.approval_kind, approved.certificate_valid_until = "certificate", TODAY + timedelta(days=10)
    approved.save()
    StartLoanApplicationFactory(household=household, received_on=TODAY - timedelta(days=29))  # not yet
    client = client_for(counsellor)
    deadlines = client.get(reverse("cases:startloan_pipeline")).context["deadlines"]
    assert sorted((d.due, d.url) for d in deadlines) == sorted(
        [
            (waiting.received_on + timedelta(days=30), reverse("cases:startloan_detail", args=[waiting.pk])),
            (rejected.decided_on + timedelta(days=21), reverse("cases:startloan_detail", args=[rejected.pk])),
            (TODAY + timedelta(days=10), reverse("cases:startloan_detail", args=[approved.pk])),
        ]
    )
    detail = client.get(reverse("cases:startloan_detail", args=[rejected.pk])).content.decode()
    assert "Startlån: klagefristen går ut" in detail
    assert f"{rejected.decided_on + timedelta(days=21):%d.%m.%Y}" in detail
    caseload = client.get(reverse("cases:caseload")).content.decode()
    assert "klagefristen" in caseload.lower() and "finansieringsbeviset" in caseload.lower()


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pipeline_queries_do_not_grow_with_the_applications(
    client_for, municipality, officer, django_assert_num_queries
):
    client = client_for(officer)
    url = reverse("cases:startloan_pipeline")
    StartLoanApplicationFactory(household=HouseholdFactory(municipality=municipality))
    client.get(url)  # warm the session
    with django_assert_num_queries(6):
        client.get(url)
    for days in range(19):
        StartLoanApplicationFactory(
            household=HouseholdFactory(municipality=municipality),
            received_on=TODAY - timedelta(days=days * 3),
        )
    with django_assert_num_queries(6):
        assert len(client.get(url).context["applications"]) == 20


@pytest.mark.django_db
def test_application_page_queries_do_not_grow_with_its_history(
    client_for, household, officer, django_assert_num_queries
):
    client = client_for(officer)
    application = application_in(S.DISBURSED, household)  # the page's fullest state: the purchase link
    url = reverse("cases:startloan_detail", args=[application.pk])
    StartLoanStatusChange.objects.create(application=application, to_status=S.RECEIVED, on=TODAY, by=officer)
    client.get(url)
    with django_assert_num_queries(7):  # 6 reads (its documents) and the innsynslogg's INSERT
        client.get(url)
    for _ in range(19):
        StartLoanStatusChange.objects.create(
            application=application, to_status=S.IN_REVIEW, on=TODAY, by=officer
        )
    with django_assert_num_queries(7):
        assert len(client.get(url).context["changes"]) == 20
