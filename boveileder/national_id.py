"""Norwegian national identity numbers (fødselsnummer, D-number, H-number, synthetic test numbers).

Two check-digit rules are accepted: the classic one, and the one in force from 1 January 2032, where
check digit 1 may take any of four values (remainders 0-3). The birth date is never derived from the
number: a person's birth date is its own field.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _weighted(digits, weights) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False))


def _check_digit_2_ok(digits) -> bool:
    k2 = (11 - _weighted(digits[:10], WEIGHTS_2) % 11) % 11
    return k2 != 10 and k2 == digits[10]


def _check_digit_1_ok(digits) -> bool:
    """The weighted sum of the first ten digits (check digit 1 weighted 1) modulo 11.

    The classic rule (k1 = 11 - sum mod 11, 11 -> 0, 10 invalid) is exactly a remainder of 0; from
    2032 a remainder of 0, 1, 2 or 3 is valid. Accepting 0-3 accepts both rules.
    """
    remainder = (_weighted(digits[:9], WEIGHTS_1) + digits[9]) % 11
    return remainder in (0, 1, 2, 3)


def _date_part_plausible(digits) -> bool:
    day = digits[0] * 10 + digits[1]
    month = digits[2] * 10 + digits[3]
    if day > 40:  # D-number: first digit + 4
        day -= 40
    if month > 80:  # synthetic test number: third digit + 8
        month -= 80
    elif month > 40:  # H-number: third digit + 4
        month -= 40
    return 1 <= day <= 31 and 1 <= month <= 12


def is_valid(value: str) -> bool:
    if not re.fullmatch(r"\d{11}", value or ""):
        return False
    digits = [int(c) for c in value]
    if not _date_part_plausible(digits):
        return False
    return _check_digit_1_ok(digits) and _check_digit_2_ok(digits)


def normalise(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "")


def validate_national_id(value: str) -> None:
    """Model and form validator: 11 digits with valid check digits."""
    cleaned = normalise(value)
    if not re.fullmatch(r"\d{11}", cleaned):
        raise ValidationError(_("A national ID number has exactly 11 digits."), code="national_id_length")
    if not is_valid(cleaned):
        raise ValidationError(
            _("This is not a valid national ID number or D-number: check the digits."),
            code="national_id_invalid",
        )


def mask(value: str) -> str:
    """Shown masked unless asked for: the birth part stays, the personal digits are hidden."""
    if not value:
        return ""
    return value[:6] + "•••••"


def synthetic(birth_date, rng) -> str:
    """A valid synthetic test number (third digit + 8) for `birth_date`: for demo and test data only."""
    while True:
        base = f"{birth_date:%d}{birth_date.month + 80:02d}{birth_date:%y}{rng.randint(0, 999):03d}"
        digits = [int(c) for c in base]
        k1 = (11 - _weighted(digits, WEIGHTS_1) % 11) % 11
        if k1 == 10:
            continue
        k2 = (11 - _weighted([*digits, k1], WEIGHTS_2) % 11) % 11
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"
