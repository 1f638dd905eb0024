"""Every unique constraint said in Norwegian on the field it guards, whether the
check or the database catches it; nothing typed is lost."""

import random
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from boveileder.constraints import refusal
from boveileder.national_id import synthetic
from cases.models import Household, PartnerAgency
from cases.services.households import household_register, person_add
from housing.models import RentalUnit, Tenancy
from housing.services.tenancies import tenancy_start
from tests.factories import HouseholdFactory, PersonFactory, RentalUnitFactory, TenancyFactory
from tests.html_forms import untouched

pytestmark = pytest.mark.django_db
TAKEN_REFERENCE = "En annen husstand i kommunen har allerede denne referansen."
TAKEN_ID = "En annen person i kommunen har allerede dette fødselsnummeret."
# Constraints no form can break: they hold data together behind the scenes.
# (A single sign-on link is written by the sign-in alone, under a lock: sso_link_unique_subject.)
INTERNAL = {
    "household_id_municipality",
    "flag_one_unresolved_per_tenancy",
    "narrative_unique_period",
    "sso_link_unique_subject",
}


def test_every_unique_constraint_of_every_app_says_its_message():
    unsaid = [
        f"{model._meta.label}.{constraint.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("boveileder", "cases", "housing", "reports")
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.name not in INTERNAL
        and constraint.name not in getattr(model, "constraint_messages", {})
    ]
    assert unsaid == []


def test_a_taken_reference_is_said_in_norwegian_on_the_reference_and_keeps_what_was_typed(
    client_for, counsellor, municipality
):
    HouseholdFactory(municipality=municipality, reference="H-2026-001")
    client = client_for(counsellor)
    url = reverse("cases:household_register")
    data = untouched(client.get(url).content.decode())
    data.update(
        {
            "reference": ["H-2026-001"],
            "notes": ["Henvist fra NAV."],
            "member-first_name": ["Amina"],
            "member-last_name": ["Hassan"],
            "member-birth_date": ["1985-04-12"],
            "member-phone": ["40000000"],
        }
    )
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<p id="error_1_id_reference"><strong>{TAKEN_REFERENCE}</strong></p>' in html
    assert "finnes allerede" not in html and "Municipality" not in html
    kept = ('value="H-2026-001"', "Henvist fra NAV.", 'value="Amina"', 'value="Hassan"', 'value="40000000"')
    assert all(value in html for value in kept)
    assert Household.objects.filter(reference="H-2026-001").count() == 1


def test_a_taken_national_id_is_said_on_the_national_id(household, counsellor, municipality):
    number = synthetic(date(1985, 4, 12), random.Random(3))
    PersonFactory(household=HouseholdFactory(municipality=municipality), national_id=number)
    with pytest.raises(ValidationError) as refused:
        person_add(household=household, by=counsellor, first_name="A", last_name="B", national_id=number)
    assert refused.value.message_dict == {"national_id": [TAKEN_ID]}


def test_a_write_that_raced_past_the_check_is_said_on_its_field(municipality, counsellor):
    """The database's refusal, not only the check: the same words on the same field."""
    HouseholdFactory(municipality=municipality, reference="H-1")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Household.objects.create(municipality=municipality, reference="H-1")
    assert refusal(Household, caught.value).message_dict == {"reference": [TAKEN_REFERENCE]}


@pytest.mark.parametrize(
    ("model", "make", "field", "message"),
    [
        (
            PartnerAgency,
            lambda m: PartnerAgency.objects.create(municipality=m, name="NAV"),
            "name",
            "Kommunen har allerede en samarbeidspartner med dette navnet.",
        ),
        (
            RentalUnit,
            lambda m: RentalUnit.objects.create(municipality=m, reference="U-1", address="Gata 1"),
            "reference",
            "En annen bolig har allerede denne referansen.",
        ),
    ],
)
def test_other_constraints_raced_past_the_check(municipality, model, make, field, message):
    make(municipality)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make(municipality)
    assert refusal(model, caught.value).message_dict == {field: [message]}


def test_a_second_running_tenancy_in_a_unit_is_said_in_norwegian(municipality, officer):
    unit = RentalUnitFactory(municipality=municipality)
    TenancyFactory(unit=unit, start_date=date(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        tenancy_start(
            unit=unit, household=HouseholdFactory(municipality=municipality), start_date=date(2025, 1, 1)
        )
    text = " ".join(refused.value.messages)
    assert "finnes allerede" not in text and "Tenancy" not in text, text
    assert Tenancy.objects.filter(unit=unit).count() == 1


def test_registering_with_a_taken_reference_in_the_service_names_the_field(municipality, counsellor):
    HouseholdFactory(municipality=municipality, reference="H-9")
    with pytest.raises(ValidationError) as refused:
        household_register(municipality=municipality, by=counsellor, reference="H-9")
    assert refused.value.message_dict == {"reference": [TAKEN_REFERENCE]}


def test_a_field_s_own_unique_is_said_on_it_too(municipality):
    from boveileder.models import User

    User.objects.create(username="kari.nordmann", municipality=municipality)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        User.objects.create(username="kari.nordmann", municipality=municipality)
    said = refusal(User, caught.value).message_dict
    # The field's own unique or the constraint that ignores case: whichever the database checks first.
    assert list(said) == ["username"]
    assert "allerede" in said["username"][0] or "Brukernavnet er tatt" in said["username"][0]
