"""Believable synthetic demo data for one municipality. Names from Faker's Norwegian locale; national
IDs only from the synthetic test-number range.

The story of each household holds together: it is registered on its first follow-up, its follow-ups
lie between that day and its move-out (or today), children are born after their parents turned 18,
a household that bought a home had its start-up loan paid out before it moved, and every step is on
its timeline in the words the services use. The data of national size for the benchmark is in
`demo.national`."""

import random
from datetime import date, timedelta

from django.db import transaction
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
from cases.services.startloans import startloan_event_params
from cases.services.timeline import timeline_record
from cases.timeline import TimelineKind
from housing.models import MoveOutReason, RentalUnit, Tenancy, TenancyRenewal
from housing.services.flags import flags_raise_due
from housing.timeline import HousingKind
from reports.models import FundingGrant

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
        self.free_units = []  # units no one lives in, for households that move to another
        self.under_way = 0  # applications left under way so far

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
                kind=TimelineKind.FOLLOWUP,
                params={"kind": kind, "minutes": minutes},
                on=day,
                by=household.counsellor,
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
            kind=TimelineKind.STARTLOAN_RECEIVED,
            on=received,
            by=household.counsellor,
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
                kind=TimelineKind.startloan(to),
                params=startloan_event_params(loan, status, to),
                on=day,
                by=who,
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
            kind=HousingKind.TENANCY_STARTED,
            params={"address": unit.address},
            on=start,
            by=self.officer,
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
                kind=HousingKind.TENANCY_RENEWED,
                params={"date": new_end},
                on=renewed_on,
                by=self.officer,
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
            kind=HousingKind.TENANCY_ENDED,
            params={"address": tenancy.unit.address, "reason": reason},
            on=on,
            by=self.officer,
            subject=tenancy,
        )

    def close(self, household, on, reason):
        household.closed_on = on
        household.close_reason = reason
        household.save(update_fields=["closed_on", "close_reason"])
        timeline_record(
            household=household,
            kind=TimelineKind.HOUSEHOLD_CLOSED,
            params={"reason": reason},
            on=on,
            by=household.counsellor,
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
            kind=TimelineKind.CONSENT_RECORDED,
            params={"agency": agency.name},
            on=given_on,
            by=household.counsellor,
            subject=consent,
        )

    # --- one household's story -------------------------------------------------------------

    def household(self, i, unit, project_start):
        """Household i: registered, moved in, followed up, and perhaps bought, moved or still waiting."""
        rng, today = self.rng, self.today
        # Registered on the first follow-up, spread over the project so far.
        enrolled = self.day_between(project_start, today - timedelta(days=21))
        in_unit = i % 5 != 4
        household = Household.objects.create(
            municipality=self.m,
            reference=f"H-{enrolled.year}-{i + 1:04d}",
            counsellor=self.counsellors[i % len(self.counsellors)],
            enrolled_on=enrolled,
            housing_at_start="municipal_rental" if in_unit else rng.choice(["temporary", "homeless"]),
            restricted=i == 7,
            # Letters go to the unit the household lives in (or will move in to).
            postal_address=unit.address,
            postcode=unit.postcode,
            post_town=unit.city,
        )
        timeline_record(household=household, kind=TimelineKind.HOUSEHOLD_REGISTERED, on=enrolled)
        applicant = self.members(household, enrolled)[0]
        # Lived in the unit before the counselling began, or moved in from temporary housing after it.
        start = (
            enrolled - timedelta(days=rng.randint(30, 5 * 365))
            if in_unit
            else min(today, enrolled + timedelta(days=rng.randint(20, 120)))
        )
        tenancy = self.tenancy(household, unit, start)
        outcome, end = self.outcome(OUTCOMES[i % 9], max(enrolled, start))
        self.agency_consent(household, applicant, "nav", enrolled)
        if household.housing_at_start != "municipal_rental" or rng.random() < 0.3:
            self.agency_consent(household, applicant, "refugee_office", enrolled)
        self.followups(
            household, enrolled, today if outcome == "transfer" else end, with_bank=outcome == "bought"
        )
        if outcome != "stay":
            self.leave(household, applicant, tenancy, outcome, end)
        waiting = outcome in ("stay", "transfer") and i % 3 != 0 and (today - enrolled).days > 60
        if waiting and self.under_way < 2 * len(UNDER_WAY):
            self.loan_under_way(household, applicant, enrolled)

    def outcome(self, planned, since):
        """The outcome and its day, if there is room for it after `since`; else the household stays."""
        room = (self.today - since).days
        if planned != "stay" and room > 150:
            return planned, since + timedelta(days=self.rng.randint(120, room - 10))
        return "stay", self.today

    def agency_consent(self, household, person, kind, given_on):
        agency = next(a for a in self.agencies if a.kind == kind)
        self.consent(household, person, agency, given_on, PURPOSES[kind])

    def leave(self, household, applicant, tenancy, outcome, end):
        """Bought a home with a start-up loan, rented privately, moved away, or moved to another unit."""
        rng, today = self.rng, self.today
        if outcome == "bought":
            disbursed = end - timedelta(days=rng.randint(5, 30))
            decided = disbursed - timedelta(days=rng.randint(20, 60))
            received = max(household.enrolled_on, decided - timedelta(days=rng.randint(14, 40)))
            decided = max(decided, received)
            self.agency_consent(household, applicant, "bank", received)
            path = [SL.IN_REVIEW, SL.APPROVED, SL.DISBURSED]
            loan = self.loan(household, path, received, decided=decided, disbursed=disbursed)
            self.move_out(tenancy, end, MoveOutReason.BOUGHT, startloan=loan)
        elif outcome in ("private_rental", "other"):
            self.move_out(tenancy, end, outcome)
        elif self.free_units:
            self.move_out(tenancy, end, MoveOutReason.TRANSFER)
            self.tenancy(household, self.free_units.pop(), end, renew=False)
        if outcome != "transfer":
            closed = min(today, end + timedelta(days=rng.randint(14, 60)))
            self.close(household, closed, "goal_reached" if outcome != "other" else "moved_away")

    def loan_under_way(self, household, applicant, enrolled):
        """An application still under way, at the next of the statuses the pipeline knows."""
        rng, today = self.rng, self.today
        path = UNDER_WAY[self.under_way % len(UNDER_WAY)]
        self.under_way += 1
        received = self.day_between(enrolled + timedelta(days=14), today - timedelta(days=40))
        if not path:
            received = today - timedelta(days=rng.randint(2, 10))
        self.agency_consent(household, applicant, "bank", min(received, today))
        self.loan(household, path, received)


def _raise_flags(municipality, today):
    """Raise the long-tenure flags that are due, through the nightly job's own service."""
    return flags_raise_due(municipality=municipality, as_of=today)


def _grants(municipality, project_start):
    """Husbanken's competence grant (Ålesund got 193 000 kr) and Statsforvalteren's follow-up grant."""
    for funder, amount, purpose in (
        ("husbanken", 193_000, "Kompetansetilskudd: boveileder for vanskeligstilte på boligmarkedet"),
        ("statsforvalteren", 450_000, "Tilskudd til oppfølgingstjenester i egen bolig"),
    ):
        FundingGrant.objects.get_or_create(
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


PURPOSES = {
    "nav": "Samarbeid om bostøtte og økonomisk rådgivning",
    "refugee_office": "Samarbeid om bosetting og introduksjonsprogram",
    "bank": "Dele budsjett og inntekt for søknad om startlån",
}
# What became of household i, by i % 9.
OUTCOMES = ["bought", "stay", "private_rental", "stay", "stay", "other", "bought", "transfer", "stay"]
# The paths of the applications still under way, one after the other.
UNDER_WAY = [
    [],
    [SL.IN_REVIEW],
    [SL.IN_REVIEW, SL.APPROVED],
    [SL.IN_REVIEW, SL.REJECTED],
    [SL.IN_REVIEW, SL.REJECTED, SL.APPEALED],
    [SL.WITHDRAWN],
]


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
    _complete(municipality, project_start)
    story = _Story(municipality=municipality, staff=staff, rng=rng, fake=fake, today=today)
    units = [story.unit(n + 1) for n in range(households + 12)]
    story.free_units = units[households:]
    for i in range(households):
        story.household(i, units[i], project_start)
    _raise_flags(municipality, today)
    _grants(municipality, project_start)
    return municipality


def _complete(municipality, project_start):
    """The project's start, and the sender block of decision letters (a manager keeps it under
    Administrasjon), where the municipality has none yet."""
    if municipality.project_start is None:
        municipality.project_start = project_start
        municipality.save(update_fields=["project_start"])
    if not municipality.postal_address:
        municipality.service_unit = "Boveiledertjenesten"
        municipality.postal_address = "Postboks 1521"
        municipality.postcode = "6025"
        municipality.post_town = municipality.name
        municipality.phone = "70 16 20 00"
        municipality.email = f"postmottak@{municipality.slug}.kommune.example"
        municipality.save(
            update_fields=["service_unit", "postal_address", "postcode", "post_town", "phone", "email"]
        )
