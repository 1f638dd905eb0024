"""The round trip: export a municipality, import it into an empty one, and every report's figures
are the same (and so is a second export)."""

import random
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from boveileder.models import Municipality, User
from cases.models import Appeal, Decision, FollowUp
from exchange.export import export_rows
from housing.models import LongTenureFlag
from reports import indicators
from tests.factories import (
    ConsentFactory,
    FollowUpFactory,
    HouseholdFactory,
    ManagerFactory,
    PartnerAgencyFactory,
    PersonFactory,
    RentalUnitFactory,
    StartLoanApplicationFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db

PERIODS = [
    (date(2024, 1, 1), date(2024, 3, 31)),
    (date(2024, 4, 1), date(2024, 6, 30)),
    (date(2024, 7, 1), date(2024, 12, 31)),
    (date(2023, 1, 1), date(2025, 12, 31)),
]


def history(municipality, counsellor, rng):
    """Households with children and members who left, follow-ups of every kind, move-outs for every
    reason, start-up loans in every state."""
    reasons = ["bought", "private_rental", "transfer", "other", None]
    statuses = [
        ("received", None),
        ("in_review", None),
        ("approved", 20),
        ("rejected", 30),
        ("withdrawn", None),
        ("disbursed", 40),
    ]
    approver = ManagerFactory(municipality=municipality)
    agencies = [
        PartnerAgencyFactory(municipality=municipality, name="NAV Ålesund", kind="nav"),
        PartnerAgencyFactory(municipality=municipality, name="Flyktningkontoret", kind="refugee_office"),
    ]
    for n in range(12):
        household = HouseholdFactory(municipality=municipality, counsellor=counsellor if n % 3 else None)
        adult = PersonFactory(
            household=household, birth_date=date(1980 + n, 1 + n % 12, 1 + n), with_national_id=n % 2 == 0
        )
        if n % 3 != 2:
            given = date(2024, 1, 5) + timedelta(days=20 * n)
            ConsentFactory(
                household=household,
                agency=agencies[n % 2],
                person=adult if n % 2 else None,
                purpose=f"Økonomi og bolig {n}",
                given_on=given,
                valid_until=given + timedelta(days=365) if n % 4 else None,
                withdrawn_on=given + timedelta(days=30) if n % 5 == 0 else None,
                recorded_by=counsellor if n % 2 else None,
            )
        PersonFactory(household=household, birth_date=date(2006 + n % 4, 6, 15))  # a child in some periods
        if n % 4 == 0:
            PersonFactory(household=household, birth_date=None)
        if n % 5 == 0:
            PersonFactory(household=household, birth_date=date(1990, 1, 1), left_on=date(2024, 5, 1))
        for k, kind in enumerate(FollowUp.Kind.values[: 2 + n % 5]):
            FollowUpFactory(
                household=household,
                date=date(2024, 1, 1) + timedelta(days=rng.randint(0, 500)),
                kind=kind,
                minutes=rng.choice([None, 15, 30, 45, 90]),
                note=f"Samtale {k}",
                by=counsellor if k % 2 else None,
            )
        unit = RentalUnitFactory(municipality=municipality, area_m2=rng.choice([None, 45, 62.5]))
        reason = reasons[n % 5]
        moved_out = date(2024, 2, 1) + timedelta(days=40 * n) if reason else None
        tenancy = TenancyFactory(
            household=household,
            unit=unit,
            start_date=date(2020, 1, 1) + timedelta(days=30 * n),
            moved_out_on=moved_out,
            move_out_reason=reason or "",
        )
        if n % 3 == 0:
            first = Decision.objects.create(
                household=household,
                person=adult,
                status="approved",
                outcome="granted" if n % 2 else "refused",
                main_content=f"Oppfølging {n}",
                period_from=date(2024, 2, 1),
                period_to=date(2024, 12, 31) if n % 2 else None,
                reasons="Begrunnelse\nmed linjeskift",
                drafted_by=counsellor,
                approved_by=approver,
                approved_on=date(2024, 1, 20) + timedelta(days=n),
            )
            Decision.objects.create(
                household=household, person=adult, replaces=first, drafted_by=counsellor, status="submitted"
            )
            Appeal.objects.create(
                decision=first,
                received_on=first.approved_on + timedelta(days=7 * n),
                within_deadline=n < 3,
                second_look="kept" if n else "",
                note="Klage",
                recorded_by=counsellor if n else None,
            )
        if n % 2 == 0:
            LongTenureFlag.objects.create(
                municipality=municipality,
                tenancy=tenancy,
                raised_on=date(2024, 1, 2) + timedelta(days=10 * n),
                reasons=["tenure", "contract_expiry"] if n % 4 else ["tenure"],
                status="resolved" if moved_out else ("referred" if n % 3 else "open"),
                referred_to=counsellor if n % 3 else None,
                resolved_on=moved_out,
            )
        status, decided_after = statuses[n % 6]
        received = date(2024, 1, 10) + timedelta(days=25 * n)
        StartLoanApplicationFactory(
            household=household,
            received_on=received,
            status=status,
            decided_on=received + timedelta(days=decided_after) if decided_after else None,
            loan_amount_nok=2_000_000 + 100_000 * n,
        )


@pytest.mark.parametrize("name", ["export.xlsx", "export.zip", "csv-folder"])
def test_export_then_import_into_an_empty_municipality_gives_the_same_figures(
    tmp_path, municipality, counsellor, name
):
    history(municipality, counsellor, random.Random(7))
    path = tmp_path / name
    call_command(
        "export_cases",
        str(path),
        "--municipality",
        municipality.slug,
        "--with-national-ids",
        stdout=StringIO(),
    )
    before = {period: indicators.figures(municipality, *period) for period in PERIODS}
    exported = export_rows(municipality, national_ids=True)

    # An empty municipality with the same staff (usernames are unique across the installation).
    new = Municipality.objects.create(name="Ny kommune", slug="ny")
    User.objects.filter(municipality=municipality).update(municipality=new)
    err = StringIO()
    try:
        call_command("import_cases", str(path), "--municipality", "ny", stdout=StringIO(), stderr=err)
    except CommandError:
        raise AssertionError(err.getvalue()) from None
    assert err.getvalue() == ""
    after = {period: indicators.figures(new, *period) for period in PERIODS}
    assert after == before
    assert any(value for figures in before.values() for value in figures.values())  # not all zero
    assert export_rows(new, national_ids=True) == exported
    assert len(exported["consents"]) == 1 + 8  # the header and every consent, with their agencies
    assert len(exported["flags"]) == 1 + 6
    assert len(exported["decisions"]) == 1 + 8 and len(exported["appeals"]) == 1 + 4


def test_an_export_without_national_ids_imported_again_keeps_the_stored_numbers(
    tmp_path, municipality, counsellor
):
    from cases.models import Person

    history(municipality, counsellor, random.Random(3))
    stored = dict(Person.objects.exclude(national_id="").values_list("pk", "national_id"))
    assert stored
    path = tmp_path / "without-ids.xlsx"
    call_command("export_cases", str(path), "--municipality", municipality.slug, stdout=StringIO())
    out = StringIO()
    call_command(
        "import_cases", str(path), "--municipality", municipality.slug, "--language", "en", stdout=out
    )
    assert "persons: 0 created, 0 updated" in out.getvalue()
    assert dict(Person.objects.exclude(national_id="").values_list("pk", "national_id")) == stored
