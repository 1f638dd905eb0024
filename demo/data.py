"""Believable synthetic demo data for one municipality. Names from Faker's Norwegian locale; national
IDs only from the synthetic test-number range.

The story of each household holds together: it is registered on its first follow-up, its follow-ups
lie between that day and its move-out (or today), children are born after their parents turned 18,
a household that bought a home had its start-up loan paid out before it moved, and every step is on
its timeline in the words the services use. The data of national size for the benchmark is in
`demo.national`."""

import random
from datetime import date, timedelta

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _
from faker import Faker

from boveileder.models import Municipality, User
from boveileder.national_id import synthetic
from cases.models import (
    Consent,
    FollowUp,
    Household,
    PartnerAgency,
    Person,
    StartLoanApplication,
    StartLoanStatusChange,
)
from cases.services.timeline import timeline_record
from housing.models import MoveOutReason, RentalUnit, Tenancy, TenancyRenewal
from housing.services.flags import flags_raise_due

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105 - printed for the demo, never used in production
DEMO_STAFF = [
    ("kari.boveileder", "Kari", "Nordmann", {"is_counsellor": True}),
    ("jon.boveileder", "Jon", "Berg", {"is_counsellor": True}),
    ("ola.saksbehandler", "Ola", "Hansen", {"is_officer": True}),
    ("lise.leder", "Lise", "Dahl", {"is_manager": True}),
]
YEAR = timedelta(days=365)
SL = StartLoanApplication.Status
AGENCIES = [
    ("NAV Ålesund", "nav"),
    ("Flyktningkontoret", "refugee_office"),
    ("Sparebanken Møre", "bank"),
    ("Helsestasjonen Sentrum", "health"),
    ("Barnevernet", "child_welfare"),
]
NOTES = [
    "Gikk gjennom budsjettet sammen.",
    "Snakket om startlån og hva banken trenger.",
    "Hjemmebesøk, alt vel.",
    "Fulgte til banken for å snakke om finansieringsbevis.",
    "Var med på visning.",
    "Ringte NAV om bostøtte sammen med husstanden.",
    "Snakket om skolen og barnehageplass.",
]
NEXT_STEPS = ["Ring NAV", "Hente lønnsslipper", "Visning på lørdag", "Søke startlån", "Møte i banken"]


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


class _Story:
    """The dates and records of one demo municipality, built in order so every timeline makes sense."""

    def __init__(self, *, municipality, staff, rng, fake, today):
        self.m = municipality
        self.rng = rng
        self.fake = fake
        self.today = today
        self.counsellors = [u for u in staff if u.is_counsellor]
        self.officer = next(u for u in staff if u.is_officer)
        self.ids_taken = set()
        self.agencies = [
            PartnerAgency.objects.create(municipality=municipality, name=n, kind=k) for n, k in AGENCIES
        ]

    def day_between(self, first, last):
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def unit(self, n):
        rng = self.rng
        rooms = rng.randint(1, 5)
        return RentalUnit.objects.create(
            municipality=self.m,
            reference=f"U-{n:04d}",
            address=f"{self.fake.street_name()} {rng.randint(1, 60)}",
            postcode=f"{rng.randint(6002, 6020):04d}",
            city=self.m.name,
            rooms=rooms,
            area_m2=20 + rooms * rng.randint(12, 20),
            monthly_rent_nok=5000 + rooms * rng.randrange(1500, 2500, 250),
            kobo_id=f"KOBO-{rng.randint(100000, 999999)}",
            bruksenhetsnummer=f"H0{rng.randint(1, 4)}0{rng.randint(1, 9)}",
        )

    def members(self, household, enrolled):
        rng, fake = self.rng, self.fake
        last_name = fake.last_name()
        born = self.day_between(date(1962, 1, 1), self.today - 21 * YEAR)
        adults = [born]
        if rng.random() < 0.5:
            adults.append(min(self.today - 19 * YEAR, born + timedelta(days=rng.randint(-2000, 2000))))
        interpreter = rng.choice(["", "", "", "", "arabisk", "tigrinja", "somali"])
        people = []
        for n, b in enumerate(adults):
            people.append(
                Person.objects.create(
                    municipality=self.m,
                    household=household,
                    first_name=fake.first_name(),
                    last_name=last_name,
                    birth_date=b,
                    national_id=self.national_id(b) if rng.random() < 0.8 else "",
                    household_role="applicant" if n == 0 else "partner",
                    phone=f"9{rng.randint(1000000, 9999999)}",
                    needs_interpreter=bool(interpreter),
                    interpreter_language=interpreter,
                )
            )
        # Children are born after both parents turned 18, and not after today.
        earliest = max(adults) + 18 * YEAR
        for _c in range(rng.choice([0, 0, 1, 1, 2, 3])):
            if earliest >= self.today:
                break
            b = self.day_between(max(earliest, self.today - 17 * YEAR), self.today - timedelta(days=30))
            people.append(
                Person.objects.create(
                    municipality=self.m,
                    household=household,
                    first_name=fake.first_name(),
                    last_name=last_name,
                    birth_date=b,
                    national_id=self.national_id(b) if rng.random() < 0.5 else "",
                    household_role="child",
                )
            )
        return people

    def national_id(self, born):
        for _try in range(50):
            nid = synthetic(born, self.rng)
            if nid not in self.ids_taken:
                self.ids_taken.add(nid)
                return nid
        return ""

    def followups(self, household, first, last, with_bank=False):
        """Visits and calls from `first` (registration) to `last`, every one to six weeks."""
        rng, day = self.rng, first
        logged = []
        while day <= last:
            kind = (
                FollowUp.Kind.ACCOMPANIMENT
                if with_bank and rng.random() < 0.15
                else rng.choice(FollowUp.Kind.values)
            )
            minutes = rng.choice([15, 30, 45, 60, 90])
            step = rng.random() < 0.6
            followup = FollowUp.objects.create(
                household=household,
                date=day,
                kind=kind,
                minutes=minutes,
                topics=rng.sample(FollowUp.Topic.values, k=rng.randint(1, 3)),
                note=rng.choice(NOTES),
                by=household.counsellor,
                next_step=rng.choice(NEXT_STEPS) if step else "",
                next_step_due=day + timedelta(days=rng.randint(7, 21)) if step else None,
            )
            if rng.random() < 0.3:
                followup.partner_agencies.set(rng.sample(self.agencies[:3], k=1))
            timeline_record(
                household=household,
                kind="followup",
                summary=_("%(kind)s, %(minutes)s min")
                % {"kind": followup.get_kind_display(), "minutes": minutes},
                on=day,
                actor=household.counsellor,
                subject=followup,
            )
            logged.append(followup)
            day += timedelta(days=rng.randint(7, 45))
        return logged

    def loan(self, household, path, received, *, decided=None, disbursed=None):
        """An application taken along `path` (the statuses after `received`), each step recorded."""
        rng = self.rng
        price = rng.randrange(2_200_000, 4_200_000, 50_000)
        loan = StartLoanApplication.objects.create(
            household=household,
            startskudd_ref=f"SS-{received:%Y}-{rng.randint(10000, 99999)}",
            received_on=received,
            income_after_tax_nok=rng.randrange(280_000, 620_000, 5000),
            debts_nok=rng.randrange(0, 150_000, 5000),
            equity_nok=rng.randrange(0, 120_000, 5000),
            documents_received=["tax_return", "payslips", "bank_statements"][: rng.randint(1, 3)],
        )
        steps = [("", SL.RECEIVED, received, household.counsellor)]
        timeline_record(
            household=household,
            kind="startloan_received",
            summary=_("Start-up loan application received"),
            on=received,
            actor=household.counsellor,
            subject=loan,
        )
        decided = decided or min(self.today, received + timedelta(days=rng.randint(14, 45)))
        day, status = received, SL.RECEIVED
        for to in path:
            if to == SL.IN_REVIEW:
                day = min(decided, received + timedelta(days=rng.randint(1, 7)))
            elif to in (SL.APPROVED, SL.REJECTED):
                day = decided
                loan.decided_on = decided
                if to == SL.APPROVED:
                    loan.approval_kind = StartLoanApplication.ApprovalKind.CERTIFICATE
                    loan.certificate_valid_until = decided + timedelta(days=180)
                    loan.loan_amount_nok = int(price * rng.uniform(0.6, 0.9)) // 10_000 * 10_000
                    loan.grant_amount_nok = rng.choice([0, 100_000, 150_000])
                else:
                    loan.rejection_reason = "Betjeningsevnen er for lav etter Husbankens beregning."
            elif to == SL.APPEALED:
                day = min(self.today, decided + timedelta(days=rng.randint(3, 18)))
                loan.appealed_on = day
            elif to == SL.WITHDRAWN:
                day = min(self.today, day + timedelta(days=rng.randint(5, 30)))
            elif to == SL.DISBURSED:
                day = disbursed
                loan.disbursed_on = disbursed
                loan.purchase_price_nok = price
                loan.purchased_address = f"{self.fake.street_name()} {rng.randint(1, 40)}"
            who = self.officer if to in (SL.APPROVED, SL.REJECTED, SL.DISBURSED) else household.counsellor
            steps.append((status, to, day, who))
            timeline_record(
                household=household,
                kind=f"startloan_{to}",
                summary=_("Start-up loan application: %(status)s") % {"status": SL(to).label},
                on=day,
                actor=who,
                subject=loan,
            )
            status = to
        loan.status = status
        loan.save()
        StartLoanStatusChange.objects.bulk_create(
            StartLoanStatusChange(application=loan, from_status=f, to_status=t, on=on, by=by)
            for f, t, on, by in steps
        )
        return loan

    def tenancy(self, household, unit, start, *, renew=True):
        end = start + 3 * YEAR
        tenancy = Tenancy.objects.create(
            municipality=self.m, unit=unit, household=household, start_date=start, contract_end_date=end
        )
        timeline_record(
            household=household,
            kind="tenancy_started",
            summary=_("Moved in to %(address)s") % {"address": unit.address},
            on=start,
            actor=self.officer,
            subject=tenancy,
        )
        # Contracts that ran out while the household stayed were renewed on time, mostly.
        while (
            renew and tenancy.contract_end_date < self.today + timedelta(days=60) and self.rng.random() < 0.85
        ):
            renewed_on = tenancy.contract_end_date - timedelta(days=self.rng.randint(20, 60))
            new_end = tenancy.contract_end_date + 3 * YEAR
            TenancyRenewal.objects.create(
                tenancy=tenancy,
                renewed_on=renewed_on,
                previous_end_date=tenancy.contract_end_date,
                new_end_date=new_end,
                by=self.officer,
            )
            tenancy.contract_end_date = new_end
            tenancy.save(update_fields=["contract_end_date"])
            timeline_record(
                household=household,
                kind="tenancy_renewed",
                summary=_("Contract renewed until %(date)s") % {"date": f"{new_end:%d.%m.%Y}"},
                on=renewed_on,
                actor=self.officer,
                subject=tenancy,
            )
        return tenancy

    def move_out(self, tenancy, on, reason, startloan=None):
        tenancy.moved_out_on = on
        tenancy.move_out_reason = reason
        tenancy.startloan = startloan
        tenancy.full_clean()
        tenancy.save()
        timeline_record(
            household=tenancy.household,
            kind="tenancy_ended",
            summary=_("Moved out of %(address)s: %(reason)s")
            % {"address": tenancy.unit.address, "reason": MoveOutReason(reason).label},
            on=on,
            actor=self.officer,
            subject=tenancy,
        )

    def close(self, household, on, reason):
        household.closed_on = on
        household.close_reason = reason
        household.save(update_fields=["closed_on", "close_reason"])
        timeline_record(
            household=household,
            kind="household_closed",
            summary=_("Case closed: %(reason)s") % {"reason": Household.CloseReason(reason).label},
            on=on,
            actor=household.counsellor,
        )

    def consent(self, household, person, agency, given_on, purpose, withdrawn_on=None):
        consent = Consent.objects.create(
            household=household,
            person=person,
            agency=agency,
            purpose=purpose,
            given_on=given_on,
            valid_until=given_on + YEAR,
            withdrawn_on=withdrawn_on,
            recorded_by=household.counsellor,
        )
        timeline_record(
            household=household,
            kind="consent_recorded",
            summary=_("Consent to share with %(agency)s") % {"agency": agency.name},
            on=given_on,
            actor=household.counsellor,
            subject=consent,
        )


def _raise_flags(municipality, today):
    """Raise the long-tenure flags that are due, through the nightly job's own service."""
    return flags_raise_due(municipality=municipality, as_of=today)


def _grants(municipality, project_start):
    """Husbanken's competence grant (Ålesund got 193 000 kr) and Statsforvalteren's follow-up grant.
    Through the app registry: housing does not import reports."""
    grant = apps.get_model("reports", "FundingGrant")
    for funder, amount, purpose in (
        ("husbanken", 193_000, "Kompetansetilskudd: boveileder for vanskeligstilte på boligmarkedet"),
        ("statsforvalteren", 450_000, "Tilskudd til oppfølgingstjenester i egen bolig"),
    ):
        grant.objects.get_or_create(
            municipality=municipality,
            funder=funder,
            period_from=project_start,
            defaults={
                "amount_nok": amount,
                "period_to": project_start + 3 * YEAR,
                "purpose": purpose,
                "reference": f"{funder[:2].upper()}-{project_start:%Y}-{municipality.number or '0000'}",
            },
        )


@transaction.atomic
def seed_municipality(*, name="Ålesund", slug="alesund", households=40, seed=2013, today=None):
    """Create one municipality with staff, units, households with members, tenancies past and present,
    follow-ups, start-up loans at every status, consents, flags, timelines and funding grants.

    Runs once: a municipality that already has households is left as it is."""
    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    project_start = date(today.year - 3, today.month, 1)
    municipality, _created = Municipality.objects.get_or_create(
        slug=slug, defaults={"name": name, "number": "1508", "project_start": project_start}
    )
    staff = demo_staff(municipality)
    if municipality.households.exists():
        return municipality
    if municipality.project_start is None:
        municipality.project_start = project_start
        municipality.save(update_fields=["project_start"])
    if not municipality.postal_address:
        # The sender block of decision letters (a manager keeps it under Administrasjon).
        municipality.service_unit = "Boveiledertjenesten"
        municipality.postal_address = "Postboks 1521"
        municipality.postcode = "6025"
        municipality.post_town = name
        municipality.phone = "70 16 20 00"
        municipality.email = f"postmottak@{slug}.kommune.example"
        municipality.save(
            update_fields=["service_unit", "postal_address", "postcode", "post_town", "phone", "email"]
        )
    story = _Story(municipality=municipality, staff=staff, rng=rng, fake=fake, today=today)
    units = [story.unit(n + 1) for n in range(households + 12)]
    free_units = units[households:]
    purposes = {
        "nav": "Samarbeid om bostøtte og økonomisk rådgivning",
        "refugee_office": "Samarbeid om bosetting og introduksjonsprogram",
        "bank": "Dele budsjett og inntekt for søknad om startlån",
    }
    agencies = {a.kind: a for a in story.agencies}
    under_way = 0
    for i in range(households):
        # Registered on the first follow-up, spread over the project so far.
        enrolled = story.day_between(project_start, today - timedelta(days=21))
        counsellor = story.counsellors[i % len(story.counsellors)]
        in_unit = i % 5 != 4
        household = Household.objects.create(
            municipality=municipality,
            reference=f"H-{enrolled.year}-{i + 1:04d}",
            counsellor=counsellor,
            enrolled_on=enrolled,
            housing_at_start="municipal_rental" if in_unit else rng.choice(["temporary", "homeless"]),
            restricted=i == 7,
            # Letters go to the unit the household lives in (or will move in to).
            postal_address=units[i].address,
            postcode=units[i].postcode,
            post_town=units[i].city,
        )
        timeline_record(
            household=household, kind="household_registered", summary=_("Household registered"), on=enrolled
        )
        people = story.members(household, enrolled)
        # Lived in the unit before the counselling began, or moved in from temporary housing after it.
        start = (
            enrolled - timedelta(days=rng.randint(30, 5 * 365))
            if in_unit
            else min(today, enrolled + timedelta(days=rng.randint(20, 120)))
        )
        tenancy = story.tenancy(household, units[i], start)
        outcome = ["bought", "stay", "private_rental", "stay", "stay", "other", "bought", "transfer", "stay"][
            i % 9
        ]
        room = (today - max(enrolled, start)).days
        end = today
        if outcome != "stay" and room > 150:
            end = max(enrolled, start) + timedelta(days=rng.randint(120, room - 10))
        else:
            outcome = "stay"
        story.consent(household, people[0], agencies["nav"], enrolled, purposes["nav"])
        if household.housing_at_start != "municipal_rental" or rng.random() < 0.3:
            story.consent(
                household, people[0], agencies["refugee_office"], enrolled, purposes["refugee_office"]
            )
        story.followups(
            household, enrolled, today if outcome == "transfer" else end, with_bank=outcome == "bought"
        )
        if outcome == "bought":
            disbursed = end - timedelta(days=rng.randint(5, 30))
            decided = disbursed - timedelta(days=rng.randint(20, 60))
            received = max(enrolled, decided - timedelta(days=rng.randint(14, 40)))
            decided = max(decided, received)
            story.consent(household, people[0], agencies["bank"], received, purposes["bank"])
            loan = story.loan(
                household,
                [SL.IN_REVIEW, SL.APPROVED, SL.DISBURSED],
                received,
                decided=decided,
                disbursed=disbursed,
            )
            story.move_out(tenancy, end, MoveOutReason.BOUGHT, startloan=loan)
        elif outcome in ("private_rental", "other"):
            story.move_out(tenancy, end, outcome)
        elif outcome == "transfer" and free_units:
            story.move_out(tenancy, end, MoveOutReason.TRANSFER)
            story.tenancy(household, free_units.pop(), end, renew=False)
        if outcome in ("bought", "private_rental", "other"):
            closed = min(today, end + timedelta(days=rng.randint(14, 60)))
            story.close(household, closed, "goal_reached" if outcome != "other" else "moved_away")
        elif i % 3 != 0 and (today - enrolled).days > 60 and under_way < 12:
            # Applications still under way, at every status the pipeline knows.
            path = [
                [],
                [SL.IN_REVIEW],
                [SL.IN_REVIEW, SL.APPROVED],
                [SL.IN_REVIEW, SL.REJECTED],
                [SL.IN_REVIEW, SL.REJECTED, SL.APPEALED],
                [SL.WITHDRAWN],
            ][under_way % 6]
            under_way += 1
            received = story.day_between(enrolled + timedelta(days=14), today - timedelta(days=40))
            if not path:
                received = today - timedelta(days=rng.randint(2, 10))
            story.consent(household, people[0], agencies["bank"], min(received, today), purposes["bank"])
            story.loan(household, path, received)
    _raise_flags(municipality, today)
    _grants(municipality, project_start)
    return municipality
