"""An administrator (superuser or `is_staff`) given a municipality and staff roles is never offered
as one of its staff: not as the one to take over a caseload, nor to approve a decision, nor as a
household's counsellor, nor in the team filter or the flag referral (`User.objects.staff_of`).
Posted by hand, the services refuse it too."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import selectors
from cases.forms.households import HouseholdEditForm, HouseholdForm, TeamFilter
from cases.models import Household
from cases.services import decisions as services
from cases.services.caseload import caseload_transfer
from cases.services.households import household_register, household_update
from housing.forms import FlagDecisionForm
from tests.factories import CounsellorFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["is_staff", "is_superuser"])
def admin(request, municipality):
    """An administrator who also holds every role in the municipality, to try the app."""
    return CounsellorFactory(
        municipality=municipality,
        is_manager=True,
        can_approve_decisions=True,
        first_name="Ada",
        last_name="Administrator",
        **{request.param: True},
    )


@pytest.fixture
def colleague(municipality):
    return CounsellorFactory(municipality=municipality, first_name="Jon", last_name="Vik")


def test_the_caseload_transfer_does_not_offer_or_accept_an_administrator(
    client_for, manager, counsellor, colleague, admin, household
):
    client = client_for(manager)
    url = reverse("cases:caseload_transfer", args=[counsellor.pk])
    page = client.get(url).content.decode()
    assert "Jon Vik" in page and "Ada Administrator" not in page
    response = client.post(url, {"to_user": admin.pk})
    assert response.status_code == 200 and "Velg en aktiv boveileder" in response.content.decode()
    assert Household.objects.get(pk=household.pk).counsellor == counsellor
    with pytest.raises(ValidationError):
        caseload_transfer(from_user=counsellor, to_user=admin, by=manager)


def test_an_administrator_is_no_approver_of_a_decision(
    client_for, household, counsellor, manager, admin, django_capture_on_commit_callbacks
):
    household.postal_address, household.postcode, household.post_town = "Storgata 1", "6002", "Ålesund"
    household.save()
    sender = household.municipality
    sender.postal_address, sender.postcode, sender.post_town = "Postboks 1", "6025", "Ålesund"
    sender.save()
    decision = services.decision_draft(
        household=household,
        person=PersonFactory(household=household),
        by=counsellor,
        outcome="refused",
        reasons="Husstanden har et trygt sted å bo.",
    )
    assert manager in selectors.approver_choices(decision)
    assert admin not in selectors.approver_choices(decision)
    page = client_for(counsellor).get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()
    assert "Ada Administrator" not in page
    with pytest.raises(ValidationError):
        services.decision_submit(decision=decision, by=counsellor, approver=admin)
    approvers = client_for(manager).get(reverse("cases:decision_approvers")).content.decode()
    assert "Ada Administrator" not in approvers


def test_an_administrator_is_no_counsellor_to_choose_for_a_household(
    client_for, municipality, manager, counsellor, admin, household
):
    for queryset in (
        HouseholdForm(user=manager).fields["counsellor"].queryset,
        HouseholdEditForm(instance=household, user=manager).fields["counsellor"].queryset,
        TeamFilter(queryset=Household.objects.all(), user=manager).filters["counsellor"].queryset,
        FlagDecisionForm(municipality=municipality.pk).fields["referred_to"].queryset,
    ):
        assert counsellor in queryset and admin not in queryset
    assert "Ada Administrator" not in client_for(manager).get(reverse("cases:team")).content.decode()
    with pytest.raises(ValidationError):
        household_register(municipality=municipality, by=manager, reference="H-9", counsellor=admin)
    with pytest.raises(ValidationError):
        household_update(household=household, by=manager, counsellor=admin)


def test_a_household_an_administrator_followed_keeps_it_on_its_edit_form(manager, admin, municipality):
    """What is there is shown as it is (not silently changed on the next save); only new choices are bound."""
    household = HouseholdFactory(municipality=municipality, counsellor=admin)
    assert admin in HouseholdEditForm(instance=household, user=manager).fields["counsellor"].queryset
