"""Believable synthetic demo data for one municipality. Names from Faker's Norwegian locale; national
IDs only from the synthetic test-number range."""

import random
from datetime import date, timedelta

from django.db import transaction
from faker import Faker

from boveileder.models import Municipality, User
from boveileder.national_id import synthetic
from cases.models import FollowUp, Household, PartnerAgency, Person
from housing.models import MoveOutReason, RentalUnit, Tenancy

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105 - printed for the demo, never used in production
DEMO_STAFF = [
    ("kari.boveileder", "Kari", "Nordmann", {"is_counsellor": True}),
    ("jon.boveileder", "Jon", "Berg", {"is_counsellor": True}),
    ("ola.saksbehandler", "Ola", "Hansen", {"is_officer": True}),
    ("lise.leder", "Lise", "Dahl", {"is_manager": True}),
]


def demo_staff(municipality):
    staff = []
    for username, first, last, roles in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "municipality": municipality, **roles},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        staff.append(user)
    return staff


@transaction.atomic
def seed_municipality(*, name="Ålesund", slug="alesund", households=40, seed=2013, today=None):
    """Create one municipality with staff, units, households, tenancies and follow-ups.

    Runs once: a municipality that already has households is left as it is."""
    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    municipality, _ = Municipality.objects.get_or_create(
        slug=slug, defaults={"name": name, "number": "1508", "project_start": today - timedelta(days=3 * 365)}
    )
    staff = demo_staff(municipality)
    if municipality.households.exists():
        return municipality
    counsellors = [u for u in staff if u.is_counsellor]
    agencies = [
        PartnerAgency.objects.create(municipality=municipality, name=n, kind=k)
        for n, k in [("NAV Ålesund", "nav"), ("Flyktningkontoret", "refugee_office"), ("Sparebanken", "bank")]
    ]
    units = [
        RentalUnit.objects.create(
            municipality=municipality,
            reference=f"U-{i + 1:04d}",
            address=fake.street_address(),
            postcode=f"{rng.randint(6000, 6099)}",
            city=name,
            rooms=rng.randint(1, 5),
            area_m2=rng.randint(30, 110),
            monthly_rent_nok=rng.randrange(6000, 16000, 250),
            kobo_id=f"KOBO-{rng.randint(100000, 999999)}",
        )
        for i in range(households + 10)
    ]
    for i in range(households):
        enrolled = today - timedelta(days=rng.randint(60, 3 * 365))
        household = Household.objects.create(
            municipality=municipality,
            reference=f"H-{enrolled.year}-{i + 1:04d}",
            counsellor=rng.choice(counsellors),
            enrolled_on=enrolled,
        )
        last_name = fake.last_name()
        adults = rng.choice([1, 1, 2])
        for a in range(adults):
            born = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
            Person.objects.create(
                municipality=municipality,
                household=household,
                first_name=fake.first_name(),
                last_name=last_name,
                birth_date=born,
                national_id=synthetic(born, rng) if rng.random() < 0.7 else "",
                household_role="applicant" if a == 0 else "partner",
                phone=f"9{rng.randint(1000000, 9999999)}",
            )
        for _c in range(rng.choice([0, 0, 1, 2, 3])):
            born = date(rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28))
            Person.objects.create(
                municipality=municipality,
                household=household,
                first_name=fake.first_name(),
                last_name=last_name,
                birth_date=born,
                household_role="child",
            )
        start = enrolled - timedelta(days=rng.randint(0, 4 * 365))
        tenancy = Tenancy(
            municipality=municipality,
            unit=units[i],
            household=household,
            start_date=start,
            contract_end_date=start + timedelta(days=3 * 365),
        )
        if i % 4 == 0:  # a quarter of them have moved on
            tenancy.moved_out_on = min(today, enrolled + timedelta(days=rng.randint(90, 700)))
            tenancy.move_out_reason = rng.choice(
                [
                    MoveOutReason.BOUGHT,
                    MoveOutReason.BOUGHT,
                    MoveOutReason.PRIVATE_RENTAL,
                    MoveOutReason.OTHER,
                ]
            )
        tenancy.save()
        day = enrolled
        end = tenancy.moved_out_on or today
        while True:
            day += timedelta(days=rng.randint(7, 45))
            if day > end:
                break
            FollowUp.objects.create(
                household=household,
                date=day,
                kind=rng.choice(FollowUp.Kind.values),
                minutes=rng.choice([15, 30, 45, 60, 90]),
                topics=rng.sample(FollowUp.Topic.values, k=rng.randint(1, 3)),
                note=rng.choice(["Gikk gjennom budsjett.", "Snakket om startlån.", "Hjemmebesøk, alt vel."]),
                by=household.counsellor,
                next_step=rng.choice(["Ring NAV", "Hente lønnsslipper", "Visning", ""]),
                next_step_due=day + timedelta(days=14),
            ).partner_agencies.set(rng.sample(agencies, k=rng.randint(0, 1)))
    return municipality
