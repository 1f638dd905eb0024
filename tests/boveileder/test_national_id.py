import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from boveileder import national_id
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    "value",
    [
        "12096342568",  # fødselsnummer
        "31129956715",  # fødselsnummer
        "30108299939",  # valid only under the 2032 rule
        "52096342551",  # D-number (first digit + 4)
        "12496342540",  # H-number (third digit + 4)
        "12896342523",  # synthetic test number (third digit + 8)
    ],
)
def test_valid_numbers_are_accepted(value):
    national_id.validate_national_id(value)


def test_the_2032_example_fails_the_classic_rule_only():
    from stdnum.no import fodselsnummer

    assert not fodselsnummer.is_valid("30108299939")
    assert national_id.is_valid("30108299939")


@pytest.mark.parametrize(
    "value", ["12096342569", "1209634256", "120963425681", "abcdefghijk", "00000000000", "32136342568"]
)
def test_invalid_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        national_id.validate_national_id(value)


def test_refusal_is_in_norwegian():
    with translation.override("nb"), pytest.raises(ValidationError) as error:
        national_id.validate_national_id("12096342569")
    assert "ikke et gyldig fødselsnummer" in str(error.value.messages[0])


@pytest.mark.django_db
def test_person_with_invalid_id_is_refused_on_the_field():
    from tests.factories import HouseholdFactory

    person = PersonFactory.build(household=HouseholdFactory(), national_id="12096342569")
    with translation.override("nb"), pytest.raises(ValidationError) as error:
        person.full_clean(exclude=["household", "municipality"])
    assert "national_id" in error.value.message_dict


@pytest.mark.django_db
def test_person_keeps_leading_zeros_as_text():
    import random
    from datetime import date

    number = national_id.synthetic(date(2001, 1, 5), random.Random(1))
    assert number.startswith("0")
    person = PersonFactory(national_id=number)
    person.refresh_from_db()
    assert person.national_id == number


def test_synthetic_numbers_are_valid_test_numbers():
    import random
    from datetime import date

    rng = random.Random(7)
    for year in range(1950, 2025, 7):
        number = national_id.synthetic(date(year, 6, 15), rng)
        assert national_id.is_valid(number)
        assert int(number[2]) >= 8


def test_masking_hides_the_personal_digits():
    assert national_id.mask("12096342568") == "120963•••••"
    assert "42568" not in national_id.mask("12096342568")
