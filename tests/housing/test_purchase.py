"""Purchase done: from a disbursed start-up loan the counsellor registers the move-out (reason
`bought`) in one step, linked to the application, and it shows on the household's timeline."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import StartLoanApplication, TimelineEvent
from housing.models import Tenancy
from tests.factories import StartLoanApplicationFactory, TenancyFactory, UserFactory

S = StartLoanApplication.Status
TODAY = date.today()


@pytest.fixture
def disbursed(household):
    return StartLoanApplicationFactory(
        household=household,
        status=S.DISBURSED,
        received_on=TODAY - timedelta(days=90),
        decided_on=TODAY - timedelta(days=60),
        approval_kind="commitment",
        disbursed_on=TODAY - timedelta(days=2),
    )


@pytest.fixture
def tenancy(household):
    return TenancyFactory(household=household)


def url(application):
    return reverse("housing:startloan_purchase", args=[application.pk])


@pytest.mark.django_db
def test_the_counsellor_registers_the_move_out_in_one_step(client_for, counsellor, disbursed, tenancy):
    client = client_for(counsellor)
    page = client.get(url(disbursed))
    assert page.status_code == 200
    assert tenancy.unit.address in page.content.decode()
    response = client.post(url(disbursed), {"tenancy": tenancy.pk, "moved_out_on": f"{TODAY:%Y-%m-%d}"})
    assert response.status_code == 302
    assert response.url == reverse("cases:household_detail", args=[disbursed.household_id])
    tenancy.refresh_from_db()
    assert (tenancy.moved_out_on, tenancy.move_out_reason, tenancy.startloan) == (TODAY, "bought", disbursed)
    event = TimelineEvent.objects.get(household=disbursed.household, kind="tenancy_ended")
    assert event.actor == counsellor
    household_page = client.get(response.url).content.decode()
    assert event.summary in household_page
    # The application page now tells the move-out is done instead of offering it again.
    detail = client.get(reverse("cases:startloan_detail", args=[disbursed.pk])).content.decode()
    assert url(disbursed) not in detail
    assert "flyttet ut av den kommunale boligen" in detail


@pytest.mark.django_db
def test_the_application_page_links_to_the_move_out(client_for, counsellor, disbursed, tenancy):
    detail = client_for(counsellor).get(reverse("cases:startloan_detail", args=[disbursed.pk]))
    assert url(disbursed) in detail.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.RECEIVED, S.IN_REVIEW, S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_only_a_disbursed_application_leads_to_the_move_out(
    client_for, counsellor, household, tenancy, status
):
    application = StartLoanApplicationFactory(household=household, status=status)
    client = client_for(counsellor)
    assert "utbetalt" in client.get(url(application)).content.decode()
    response = client.post(url(application), {"tenancy": tenancy.pk, "moved_out_on": f"{TODAY:%Y-%m-%d}"})
    assert response.status_code == 409
    tenancy.refresh_from_db()
    assert tenancy.moved_out_on is None


@pytest.mark.django_db
def test_twice_is_refused(client_for, counsellor, disbursed, tenancy):
    client = client_for(counsellor)
    data = {"tenancy": tenancy.pk, "moved_out_on": f"{TODAY:%Y-%m-%d}"}
    assert client.post(url(disbursed), data).status_code == 302
    assert client.post(url(disbursed), data).status_code == 409


@pytest.mark.django_db
def test_a_household_without_a_running_tenancy_is_told_so(client_for, counsellor, disbursed):
    response = client_for(counsellor).get(url(disbursed))
    assert "ikke noe løpende leieforhold" in response.content.decode()


@pytest.mark.django_db
def test_another_households_tenancy_cannot_be_posted(
    client_for, counsellor, disbursed, tenancy, municipality
):
    stranger = TenancyFactory(household__municipality=municipality)
    response = client_for(counsellor).post(
        url(disbursed), {"tenancy": stranger.pk, "moved_out_on": f"{TODAY:%Y-%m-%d}"}
    )
    assert response.status_code == 200
    stranger.refresh_from_db()
    assert stranger.moved_out_on is None


@pytest.mark.django_db
@pytest.mark.parametrize("moved_out_on", ["", "2026-13-01", "1990-01-01"])
def test_a_bad_date_is_shown_again_never_a_500(client_for, counsellor, disbursed, tenancy, moved_out_on):
    response = client_for(counsellor).post(
        url(disbursed), {"tenancy": tenancy.pk, "moved_out_on": moved_out_on}
    )
    assert response.status_code == 200
    assert "alert" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert Tenancy.objects.get(pk=tenancy.pk).moved_out_on is None


# --- persona checks -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["counsellor", "officer", "manager"])
def test_staff_of_the_municipality_open_it(request, client_for, disbursed, tenancy, role):
    assert client_for(request.getfixturevalue(role)).get(url(disbursed)).status_code == 200


@pytest.mark.django_db
def test_another_municipality_gets_404(client_for, other_manager, disbursed):
    assert client_for(other_manager).get(url(disbursed)).status_code == 404


@pytest.mark.django_db
def test_staff_without_a_role_get_403(client_for, municipality, disbursed):
    assert client_for(UserFactory(municipality=municipality)).get(url(disbursed)).status_code == 403


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, disbursed):
    response = client.get(url(disbursed))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_wrong_method_is_405(client_for, counsellor, disbursed):
    assert client_for(counsellor).put(url(disbursed)).status_code == 405


@pytest.mark.django_db
def test_a_move_out_after_the_purchase_dated_ahead_is_shown_as_planned(
    client_for, counsellor, disbursed, tenancy
):
    """The keys to the new home come next month; until then the household still lives here."""
    ahead = TODAY + timedelta(days=30)
    client = client_for(counsellor)
    response = client.post(url(disbursed), {"tenancy": tenancy.pk, "moved_out_on": ahead.isoformat()})
    assert response.status_code == 302
    body = client.get(reverse("cases:startloan_detail", args=[disbursed.pk])).content.decode()
    assert f"Husstanden flytter ut av den kommunale boligen {ahead:%d.%m.%Y}" in body
    assert "flyttet ut av" not in body
