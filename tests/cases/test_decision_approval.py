"""Who approves a decision. The drafter names the approver, the approver finds it on their
landing page, sends it back with a comment or approves it; the addressee defaults to the main person."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Decision, DecisionStatusChange, TimelineEvent
from cases.services import decisions as services
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    OfficerFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def person(household):
    return PersonFactory(household=household, household_role="applicant")


@pytest.fixture
def approver(municipality):
    return CounsellorFactory(
        municipality=municipality, can_approve_decisions=True, first_name="Aud", last_name="Godkjenner"
    )


def _draft(household, person, by):
    return services.decision_draft(
        household=household,
        person=person,
        by=by,
        main_content="Oppfølgingsbesøk to ganger i måneden.",
        period_from=TODAY,
        period_to=TODAY + timedelta(days=180),
        reasons="Familien er vanskeligstilt på boligmarkedet.",
    )


def test_the_drafter_chooses_among_those_who_may_approve(
    client_for, household, person, counsellor, manager, approver, other_manager
):
    CounsellorFactory(municipality=household.municipality, first_name="Uten", last_name="Fullmakt")
    OfficerFactory(municipality=household.municipality, can_approve_decisions=True, first_name="Ola")
    decision = _draft(household, person, counsellor)
    page = client_for(counsellor).get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()
    assert "Hvem skal godkjenne det" in page
    options = page[
        page.index('name="submit-approver"') : page.index("</select>", page.index('name="submit-approver"'))
    ]
    assert f'value="{manager.pk}"' in options and f'value="{approver.pk}"' in options
    assert f'value="{counsellor.pk}"' not in options  # never the drafter
    assert "Uten Fullmakt" not in options and "Ola" not in options and str(other_manager) not in options


def test_submitting_to_someone_who_may_not_approve_is_explained(client_for, household, person, counsellor):
    colleague = CounsellorFactory(municipality=household.municipality)
    decision = _draft(household, person, counsellor)
    response = client_for(counsellor).post(
        reverse("cases:decision_submit", args=[decision.pk]), {"submit-approver": colleague.pk}
    )
    assert response.status_code == 400
    assert "Velg et gyldig valg" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT and decision.approver is None
    # Without a choice at all, the page says what to do.
    response = client_for(counsellor).post(reverse("cases:decision_submit", args=[decision.pk]), {})
    assert "Velg hvem som skal godkjenne vedtaket." in response.content.decode()


def test_the_approver_is_told_on_their_landing_page_and_no_one_else(
    client_for, household, person, counsellor, manager, approver
):
    other_manager_here = ManagerFactory(municipality=household.municipality)
    decision = _draft(household, person, counsellor)
    client_for(counsellor).post(
        reverse("cases:decision_submit", args=[decision.pk]), {"submit-approver": approver.pk}
    )
    decision.refresh_from_db()
    assert decision.status == Decision.Status.SUBMITTED and decision.approver == approver

    drafter_page = (
        client_for(counsellor).get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()
    )
    assert "Sendt til Aud Godkjenner for godkjenning." in drafter_page

    landing = client_for(approver).get(reverse("home"), follow=True)
    assert landing.redirect_chain[-1][0] == reverse("cases:caseload")
    html = landing.content.decode()
    assert "Vedtak som venter på din godkjenning" in html
    assert reverse("cases:decision_detail", args=[decision.pk]) in html
    for someone in (manager, other_manager_here):
        dashboard = client_for(someone).get(reverse("home"), follow=True).content.decode()
        assert "Vedtak som venter på din godkjenning" not in dashboard

    # A manager chosen as approver sees it on the dashboard, where managers land.
    services.decision_send_back(decision=decision, by=approver, comment="Tydeligere periode.")
    services.decision_submit(decision=decision, by=counsellor, approver=manager)
    dashboard = client_for(manager).get(reverse("home"), follow=True)
    assert dashboard.redirect_chain[-1][0] == reverse("reports:dashboard")
    assert "Vedtak som venter på din godkjenning" in dashboard.content.decode()


def test_sending_back_needs_a_comment_and_returns_the_draft_with_its_history(
    client_for, household, person, counsellor, approver
):
    decision = services.decision_submit(
        decision=_draft(household, person, counsellor), by=counsellor, approver=approver
    )
    url = reverse("cases:decision_send_back", args=[decision.pk])
    response = client_for(approver).post(url, {"send_back-comment": "   "})
    assert response.status_code == 400
    assert "Skriv hva som bør endres før vedtaket kan godkjennes." in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.SUBMITTED

    # The drafter cannot send their own decision back.
    assert client_for(counsellor).post(url, {"send_back-comment": "Nei"}).status_code == 403

    comment = "Beskriv hvordan familien deltok i samtalen."
    response = client_for(approver).post(url, {"send_back-comment": comment})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    change = DecisionStatusChange.objects.get(decision=decision, to_status="draft")
    assert (change.by, change.comment) == (approver, comment)
    event = TimelineEvent.objects.get(kind="decision_sent_back")
    assert comment in event.summary and event.actor == approver

    # The drafter reads the comment on the decision, and is told on their landing page.
    page = client_for(counsellor).get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()
    assert "Sendt tilbake av Aud Godkjenner" in page and comment in page
    assert "Vedtakets historikk" in page
    caseload = client_for(counsellor).get(reverse("cases:caseload")).content.decode()
    assert "Vedtak sendt tilbake til deg" in caseload
    # It goes back to the same approver by default.
    assert f'<option value="{approver.pk}" selected>' in page


def test_a_decision_is_addressed_to_the_household_s_main_person_by_default(client_for, household, counsellor):
    # The partner is older, so first in the list; the main person is chosen all the same.
    PersonFactory(
        household=household, household_role="partner", birth_date=TODAY.replace(year=TODAY.year - 60)
    )
    main = PersonFactory(
        household=household, household_role="applicant", birth_date=TODAY.replace(year=TODAY.year - 30)
    )
    form = client_for(counsellor).get(reverse("cases:decision_create", args=[household.pk])).context["form"]
    assert form["person"].value() == main.pk
    assert f'<option value="{main.pk}" selected>' in str(form["person"])


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_landing_pages_cost_the_same_for_one_waiting_decision_and_ten(
    client_for, municipality, counsellor, manager
):
    approver = CounsellorFactory(municipality=municipality, can_approve_decisions=True)

    def add(n):
        for _ in range(n):
            household = HouseholdFactory(municipality=municipality, counsellor=approver)
            person = PersonFactory(household=household, household_role="applicant")
            services.decision_submit(
                decision=_draft(household, person, counsellor), by=counsellor, approver=approver
            )
            services.decision_submit(
                decision=_draft(household, person, counsellor), by=counsellor, approver=manager
            )

    add(1)
    pages = {approver: reverse("cases:caseload"), manager: reverse("reports:dashboard")}
    for user, url in pages.items():
        _count(client_for(user), url)  # the session and caches settle
    before = {user: _count(client_for(user), url) for user, url in pages.items()}
    add(9)
    for user, url in pages.items():
        _count(client_for(user), url)  # the dashboard's figures are computed again after the writes
    after = {user: _count(client_for(user), url) for user, url in pages.items()}
    assert before == after
    assert client_for(approver).get(pages[approver]).content.decode().count("skrevet av") == 10


def test_the_service_refuses_the_drafter_or_someone_who_cannot_open_a_restricted_household(
    household, person, counsellor, manager, approver
):
    from django.core.exceptions import ValidationError

    decision = _draft(household, person, counsellor)
    with pytest.raises(ValidationError, match="ikke deg selv"):
        services.decision_submit(decision=decision, by=counsellor, approver=counsellor)
    household.restricted = True
    household.save()
    decision.refresh_from_db()
    # An authorised colleague who is not the household's counsellor cannot open it, so is not offered.
    assert list(services.approver_choices(decision)) == [manager]
    with pytest.raises(ValidationError):
        services.decision_submit(decision=decision, by=counsellor, approver=approver)
    assert services.decision_submit(decision=decision, by=counsellor, approver=manager).approver == manager
