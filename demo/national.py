"""Synthetic data of national size for the benchmark (`seed_demo --scale national`).

Everything is generated in Python from one seeded RNG, as plain rows in dependency order, then
loaded with PostgreSQL COPY (or `bulk_create` on SQLite, for the small scale in tests). The rows
respect every constraint of the models: one running tenancy per unit and no overlapping ones,
a move-out reason exactly when moved out, unique references and national IDs per municipality,
follow-ups between enrolment and move-out, children born after their parents, and national IDs
only from the synthetic test-number range. Logins: every generated staff member has the demo
password; usernames are `<municipality slug>-<role>-<n>` (`oslo-counsellor-1`).
"""

import itertools
import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.text import slugify
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
    TimelineEvent,
)
from cases.services.timeline import timeline_params
from cases.timeline import TimelineKind
from demo.columns import (
    CONSENT_FIELDS,
    FLAG_FIELDS,
    FOLLOWUP_FIELDS,
    GRANT_FIELDS,
    HOUSEHOLD_FIELDS,
    LOAN_FIELDS,
    MUNICIPALITY_FIELDS,
    PERSON_FIELDS,
    STATUS_CHANGE_FIELDS,
    TENANCY_FIELDS,
    TIMELINE_FIELDS,
    USER_FIELDS,
)
from demo.data import DEMO_PASSWORD
from demo.loading import Dataset, load
from housing.models import LongTenureFlag, MoveOutReason, RentalUnit, Tenancy
from housing.services.units import UNIT_FIELDS
from housing.timeline import HousingKind
from reports.models import FundingGrant

BIG_SLUG = "oslo"
# The day the dataset is made as of: fixed, so a seed gives the same rows whenever they are made.
NATIONAL_TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Scale:
    municipalities: int
    units: int
    big_units: int  # the units of the one Oslo-sized municipality
    tenancies: int
    households: int
    startloans: int
    followups: int
    long_timeline: int  # the events of one Oslo household, for the household page's benchmark


SCALES = {
    "national": Scale(
        municipalities=356,
        units=115_000,
        big_units=13_000,
        tenancies=130_000,
        households=150_000,
        startloans=100_000,
        followups=2_000_000,
        long_timeline=2_000,
    ),
    "small": Scale(
        municipalities=4,
        units=120,
        big_units=50,
        tenancies=135,
        households=160,
        startloans=100,
        followups=2_000,
        long_timeline=200,
    ),
}

Y = 365
SL = StartLoanApplication.Status
EXIT_REASONS = [MoveOutReason.BOUGHT] * 8 + [MoveOutReason.PRIVATE_RENTAL] * 7 + [MoveOutReason.OTHER] * 4
FOLLOWUP_NOTES = [
    "Gikk gjennom budsjettet sammen.",
    "Snakket om startlån og egenkapital.",
    "Hjemmebesøk, alt vel.",
    "Fulgte til banken.",
    "Var med på visning.",
    "Ringte NAV om bostøtte.",
    "Møte med flyktningkontoret.",
    "Snakket om barnehageplass.",
    "",
]
NEXT_STEPS = ["Ring NAV", "Hente lønnsslipper", "Visning", "Søke startlån", "Møte i banken"]
AGENCIES = [
    ("NAV {name}", "nav"),
    ("Flyktningkontoret i {name}", "refugee_office"),
    ("Sparebanken {name}", "bank"),
    ("Helsestasjonen {name}", "health"),
]
FOLLOWUP_KINDS = FollowUp.Kind.values
TOPIC_SETS = [[t] for t in FollowUp.Topic.values] + [["economy", "startloan"], ["housing", "moving"]]
MINUTES = [15, 30, 30, 45, 60, 60, 90, 120]
DECIDED = (SL.APPROVED, SL.REJECTED, SL.APPEALED, SL.DISBURSED)
STATUS_PATHS = {
    SL.RECEIVED: [SL.RECEIVED],
    SL.IN_REVIEW: [SL.RECEIVED, SL.IN_REVIEW],
    SL.APPROVED: [SL.RECEIVED, SL.IN_REVIEW, SL.APPROVED],
    SL.REJECTED: [SL.RECEIVED, SL.IN_REVIEW, SL.REJECTED],
    SL.APPEALED: [SL.RECEIVED, SL.IN_REVIEW, SL.REJECTED, SL.APPEALED],
    SL.WITHDRAWN: [SL.RECEIVED, SL.WITHDRAWN],
    SL.DISBURSED: [SL.RECEIVED, SL.IN_REVIEW, SL.APPROVED, SL.DISBURSED],
}
CONSENT_PURPOSES = [
    "Dele budsjett og inntekt for søknad om startlån",
    "Samarbeid om bostøtte og økonomisk rådgivning",
    "Samarbeid om bosetting og introduksjonsprogram",
]


class _Ids:
    """Primary keys handed out in Python, after whatever the database already holds."""

    def __init__(self):
        self.next = {}

    def take(self, model, n=1):
        if model not in self.next:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.next[model] = last + 1
        first = self.next[model]
        self.next[model] += n
        return first


class _Helped(NamedTuple):
    """A household as the later steps need it: days are ordinals."""

    id: int
    municipality: int
    counsellor: int
    enrolled: int
    help_end: int
    applicant: int


def _distinct(make, n) -> list:
    return list(dict.fromkeys(make() for _ in range(n)))


def _zipf_split(total, n, minimum, exponent=0.85, rng=None):
    """Split `total` over `n` parts, the first the largest (a long tail, as Norway's municipalities)."""
    weights = [1 / (i + 1) ** exponent for i in range(n)]
    s = sum(weights)
    parts = [max(minimum, int(total * w / s)) for w in weights]
    diff = total - sum(parts)
    i = 0
    while diff != 0 and n:
        step = 1 if diff > 0 else -1
        if parts[i % n] + step >= minimum:
            parts[i % n] += step
            diff -= step
        i += 1
    return parts


def generate(*, scale: Scale, seed: int = 2013, today: date = NATIONAL_TODAY) -> Dataset:
    """Build every row of a national-style dataset; nothing touches the database but id look-ups."""
    country = _Country(scale=scale, seed=seed, today=today)
    for step in (
        country.municipalities,
        country.staff,
        country.agencies,
        country.units,
        country.households,
        country.startloans,
        country.tenancies,
        country.flags,
        country.followups,
        country.consents,
        country.timeline,
        country.grants,
    ):
        step()
    return country.ds


class _Country:
    """The generator's state, one step per table (or a few tables that are made together). Every
    step draws from the one RNG in a fixed order, so a seed gives the same rows."""

    def __init__(self, *, scale, seed, today):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.fake = Faker("no_NO")
        self.fake.seed_instance(seed)
        self.ids = _Ids()
        self.ds = Dataset()
        self.t0 = today.toordinal()
        self.dates = {}
        self.stamps = {}
        self.events = []  # (household, on, kind, extra, actor, content type model, object id)
        fake = self.fake
        # Each name once, in Faker's order (a set's order would change with the string hash seed).
        self.first_names = _distinct(fake.first_name_female, 600) + _distinct(fake.first_name_male, 600)
        self.last_names = _distinct(fake.last_name, 600)
        self.streets = _distinct(fake.street_name, 1500)

    def d(self, ordinal):
        got = self.dates.get(ordinal)
        if got is None:
            got = self.dates[ordinal] = date.fromordinal(ordinal)
        return got

    def ts(self, ordinal):
        got = self.stamps.get(ordinal)
        if got is None:
            got = self.stamps[ordinal] = datetime.combine(
                self.d(ordinal), datetime.min.time(), UTC
            ) + timedelta(hours=10)
        return got

    def count(self, name, n):
        self.ds.counts[name] = n

    # --- municipalities, split of the country --------------------------------------------------

    def municipalities(self):
        scale = self.scale
        n_m = scale.municipalities
        self.units_per = [scale.big_units] + _zipf_split(scale.units - scale.big_units, n_m - 1, minimum=4)
        ten_per = [round(u * scale.tenancies / scale.units) for u in self.units_per]
        ten_per[-1] += scale.tenancies - sum(ten_per)
        self.ten_per = ten_per
        hh_per = [
            max(t + 1, round(u * scale.households / scale.units))
            for t, u in zip(ten_per, self.units_per, strict=True)
        ]
        hh_per[0] += scale.households - sum(hh_per)
        self.hh_per = hh_per
        self.names = self._names(n_m)
        self.m_first = self.ids.take(Municipality, n_m)
        self.project_start = self.d(self.t0 - 4 * Y)
        rows = [
            (self.m_first + i, name, slug, f"{(i * 37) % 5600 + 301:04d}", self.project_start, 3, 6, 5)
            for i, (name, slug) in enumerate(self.names)
        ]
        self.ds.add(Municipality, MUNICIPALITY_FIELDS, rows)
        self.count("municipalities", n_m)

    def _names(self, n):
        """Oslo first, then Faker's towns, none that the database has already."""
        taken_names = set(Municipality.objects.values_list("name", flat=True))
        taken_slugs = set(Municipality.objects.values_list("slug", flat=True))
        names = []
        while len(names) < n:
            name = "Oslo" if not names else self.fake.city()
            slug = slugify(name.replace("å", "a").replace("ø", "o").replace("æ", "ae"))
            if name in taken_names or slug in taken_slugs or not slug:
                if not names:
                    raise RuntimeError("A municipality named Oslo exists already: national data is loaded.")
                continue
            taken_names.add(name)
            taken_slugs.add(slug)
            names.append((name, slug))
        return names

    # --- staff: every role in every municipality -------------------------------------------------

    def staff(self):
        # A salt of the seed's, so the rows are the same each time (the password is public anyway).
        password = make_password(DEMO_PASSWORD, salt=f"national{self.seed}")
        joined = self.ts(self.t0 - 5 * Y)
        rows = []
        self.counsellors_of, self.officers_of = {}, {}
        for i, (_name, slug) in enumerate(self.names):
            m_id = self.m_first + i
            plan = [
                ("counsellor", max(1, self.hh_per[i] // 300)),
                ("officer", max(1, self.units_per[i] // 2000)),
                ("manager", 2 if i == 0 else 1),
            ]
            for role, count in plan:
                for n in range(1, count + 1):
                    uid = self.ids.take(User)
                    rows.append(self._user_row(uid, password, f"{slug}-{role}-{n}", joined, m_id, role))
                    if role == "counsellor":
                        self.counsellors_of.setdefault(m_id, []).append(uid)
                    elif role == "officer":
                        self.officers_of.setdefault(m_id, []).append(uid)
        self.ds.add(User, USER_FIELDS, rows)
        self.count("staff", len(rows))

    def _user_row(self, uid, password, username, joined, m_id, role):
        first, last = self.rng.choice(self.first_names), self.rng.choice(self.last_names)
        flags = (role == "counsellor", role == "officer", role == "manager")
        return (uid, password, False, username, first, last, "", False, True, joined, m_id, *flags) + (
            role == "manager",
        )

    def agencies(self):
        rows, self.agencies_of = [], {}
        for i, (name, _slug) in enumerate(self.names):
            for pattern, kind in AGENCIES:
                aid = self.ids.take(PartnerAgency)
                rows.append((aid, self.m_first + i, pattern.format(name=name), kind, ""))
                self.agencies_of.setdefault(self.m_first + i, []).append(aid)
        self.ds.add(PartnerAgency, ["id", "municipality_id", "name", "kind", "contact"], rows)

    # --- units and the chain of tenancies of each unit -----------------------------------------

    def units(self):
        rows = []
        self.tenancy_plan = []  # (municipality, unit id, address, start, end|None)
        self.address_of = {}
        for i, (name, _slug) in enumerate(self.names):
            m_id = self.m_first + i
            n_units = self.units_per[i]
            first_unit = self.ids.take(RentalUnit, n_units)
            postcode_base = self.rng.randint(10, 99) * 100
            chains = self._chains(n_units, self.ten_per[i])
            for k in range(n_units):
                uid = first_unit + k
                rows.append(self._unit_row(uid, k, m_id, name, postcode_base))
                self._plan_tenancies(m_id, uid, chains[k])
        self.ds.add(RentalUnit, ["id", "municipality_id", *UNIT_FIELDS], rows)
        self.count("units", len(rows))

    def _chains(self, n_units, n_tenancies):
        """How many tenancies each unit has had: none, one, or up to three one after the other."""
        rng = self.rng
        chains = [1] * n_units
        for k in rng.sample(range(n_units), k=max(0, n_units - n_tenancies)) if n_tenancies < n_units else []:
            chains[k] = 0
        extra = max(0, n_tenancies - sum(chains))
        while extra:
            k = rng.randrange(n_units)
            if chains[k] < 3:
                chains[k] += 1
                extra -= 1
        return chains

    def _unit_row(self, uid, k, m_id, town, postcode_base):
        rng = self.rng
        address = f"{rng.choice(self.streets)} {rng.randint(1, 120)}{rng.choice(['', '', 'A', 'B'])}"
        rooms = rng.choice([1, 2, 2, 3, 3, 4, 5])
        self.address_of[uid] = address
        return (
            (uid, m_id, f"U-{k + 1:05d}", address, f"{postcode_base + rng.randint(0, 99):04d}", town)
            + (rooms, 18 + rooms * rng.randint(12, 22), 5000 + rooms * rng.randrange(1500, 3000, 100))
            + (f"KOBO-{uid:07d}", f"H0{rng.randint(1, 4)}0{rng.randint(1, 9)}", True)
        )

    def _plan_tenancies(self, m_id, uid, chain):
        """Walk back from today: the newest tenancy may still run, the older ones have ended."""
        rng, t0 = self.rng, self.t0
        address = self.address_of[uid]
        running = rng.random() < 0.8
        end = None if running else t0 - rng.randint(1, 2 * Y)
        for _c in range(chain):
            start = (end if end is not None else t0) - rng.randint(120, 8 * Y)
            if end is None:
                start = t0 - rng.randint(0, 8 * Y)
            self.tenancy_plan.append((m_id, uid, address, start, end))
            end = start - rng.randint(0, 90)

    # --- households: those with a tenancy, then those living elsewhere ---------------------------

    def households(self):
        by_muni = {}
        for plan in self.tenancy_plan:
            by_muni.setdefault(plan[0], []).append(plan)
        self.household_rows, self.person_rows, self.tenancy_rows = [], [], []
        self.helped = []
        self.exits = []  # (household id, tenancy index in tenancy_rows, moved out, reason, enrolled)
        for i in range(self.scale.municipalities):
            m_id = self.m_first + i
            plans = by_muni.get(m_id, [])
            self.rng.shuffle(plans)
            n_hh = max(self.hh_per[i], len(plans))
            first_hh = self.ids.take(Household, n_hh)
            taken = set()
            for k in range(n_hh):
                self._household(first_hh + k, k, m_id, plans[k] if k < len(plans) else None, taken)
        # Contract ends may not precede the start; ended ones keep their original end.
        first_ten = self.ids.take(Tenancy, len(self.tenancy_rows))
        for n, row in enumerate(self.tenancy_rows):
            row[0] = first_ten + n
            if row[5] < row[4]:
                row[5] = row[4]
        self.ds.add(Household, HOUSEHOLD_FIELDS, self.household_rows)
        self.ds.add(Person, PERSON_FIELDS, self.person_rows)
        self.count("households", len(self.household_rows))
        self.count("persons", len(self.person_rows))

    def _household(self, hid, k, m_id, plan, taken):
        rng, t0, d = self.rng, self.t0, self.d
        counsellor = rng.choice(self.counsellors_of[m_id])
        if plan:
            _m, unit_id, _address, start, end = plan
            latest = min(t0, end) if end is not None else t0
            enrolled = rng.randint(start - 180, latest - 30)
            housing_at_start = rng.choice(["municipal_rental"] * 3 + ["temporary", "homeless"])
        else:
            end = None
            enrolled = t0 - rng.randint(10, 4 * Y)
            latest = t0
            housing_at_start = rng.choice(["private_rental", "temporary", "homeless", "institution"])
        reason = rng.choice(EXIT_REASONS) if end is not None else ""
        closed, close_reason = self._closing(plan, end, reason, enrolled)
        help_end = min(t0, end) if end is not None else (closed or t0)
        self.household_rows.append(
            (hid, m_id, f"H-{d(enrolled).year}-{k + 1:06d}", counsellor, d(enrolled), housing_at_start, "")
            + (d(closed) if closed else None, close_reason, rng.random() < 0.01, None, self.ts(enrolled))
        )
        applicant = self._members(hid, m_id, taken)
        self.helped.append(_Helped(hid, m_id, counsellor, enrolled, help_end, applicant))
        if plan:
            self._tenancy(hid, m_id, plan, latest, reason, enrolled)

    def _closing(self, plan, end, reason, enrolled):
        """When and why the household's case was closed, if it was."""
        rng, t0 = self.rng, self.t0
        if end is not None:
            closed = min(t0, end + rng.randint(0, 90))
            return closed, "moved_away" if reason == MoveOutReason.OTHER else "goal_reached"
        if plan is None and rng.random() < 0.15:
            closed = rng.randint(enrolled + 30, t0) if enrolled + 30 <= t0 else t0
            return closed, rng.choice(["declined", "moved_away", "other"])
        return None, ""

    def _members(self, hid, m_id, taken):
        """An applicant, maybe a partner, children born after the parents turned 18; the applicant's id."""
        rng, t0 = self.rng, self.t0
        last = rng.choice(self.last_names)
        born = rng.randint(t0 - 72 * Y, t0 - 20 * Y)
        adults = [born] + (
            [min(t0 - 19 * Y, born + rng.randint(-6 * Y, 6 * Y))] if rng.random() < 0.45 else []
        )
        n_children = rng.choices([0, 1, 2, 3, 4], weights=[42, 25, 19, 10, 4])[0]
        members = [("applicant", b) for b in adults[:1]] + [("partner", b) for b in adults[1:]]
        for _c in range(n_children):
            lo = max(adults) + 18 * Y
            hi = min(t0 - 10, min(adults) + 44 * Y)
            members.append(("child", rng.randint(lo, max(lo, hi))))
        applicant = None
        for role, b in members:
            pid = self.ids.take(Person)
            applicant = applicant or pid
            adult = role != "child"
            nid = self._national_id(b, taken) if rng.random() < (0.7 if adult else 0.3) else ""
            self.person_rows.append(
                (pid, m_id, hid, rng.choice(self.first_names), last, self.d(b), nid, role)
                + (f"9{rng.randint(1000000, 9999999)}" if adult else "", "", False, "", None)
            )
        return applicant

    def _national_id(self, born, taken):
        """A synthetic test number not yet used in the municipality, or none after 20 tries."""
        for _try in range(20):
            nid = synthetic(self.d(born), self.rng)
            if nid not in taken:
                taken.add(nid)
                return nid
        return ""

    def _tenancy(self, hid, m_id, plan, latest, reason, enrolled):
        _m, unit_id, _address, start, end = plan
        d = self.d
        if end is None:
            contract_end = d(start + 3 * Y * max(1, math.ceil((latest - start) / (3 * Y))))
        else:
            contract_end = d(start + 3 * Y)
        self.tenancy_rows.append(
            [None, m_id, unit_id, hid, d(start), contract_end, d(end) if end is not None else None]
            + [reason, "", None]
        )
        if end is not None:
            self.exits.append((hid, len(self.tenancy_rows) - 1, end, reason, enrolled))

    # --- start-up loans: the buyers' loans before their move-out, then others at every status --

    def startloans(self):
        self.loan_rows, self.change_rows = [], []
        self.helped_by_id = {h.id: h for h in self.helped}
        for hid, row_index, end, reason, enrolled in self.exits:
            if reason == MoveOutReason.BOUGHT:
                self.tenancy_rows[row_index][9] = self._bought(hid, end, enrolled)
        remaining = max(0, self.scale.startloans - len(self.loan_rows))
        open_hh = [h for h in self.helped if h.help_end - h.enrolled > 40]
        for h in self.rng.sample(open_hh, k=min(remaining, len(open_hh))):
            self._open_loan(h)
        self.ds.add(StartLoanApplication, LOAN_FIELDS, self.loan_rows)
        self.ds.add(StartLoanStatusChange, STATUS_CHANGE_FIELDS, self.change_rows)
        self.count("startloans", len(self.loan_rows))

    def _bought(self, hid, end, enrolled):
        """The loan paid out before the household moved out to the home it bought."""
        rng = self.rng
        disbursed = end - rng.randint(0, 30)
        decided = disbursed - rng.randint(20, 120)
        received = max(enrolled, decided - rng.randint(14, 60))
        decided = max(decided, received)
        disbursed = max(disbursed, decided)
        return self._loan(hid, SL.DISBURSED, received, decided, disbursed)

    def _open_loan(self, h):
        """An application at any status but paid out, received during the household's help."""
        rng = self.rng
        received = (
            rng.randint(h.enrolled + 20, h.help_end - 10) if h.help_end - 10 > h.enrolled + 20 else h.enrolled
        )
        if self.t0 - received < 20:
            status = rng.choice([SL.RECEIVED, SL.IN_REVIEW])
        else:
            status = rng.choices(
                [SL.RECEIVED, SL.IN_REVIEW, SL.APPROVED, SL.REJECTED, SL.APPEALED, SL.WITHDRAWN],
                weights=[3, 6, 40, 30, 5, 16],
            )[0]
        self._loan(h.id, status, received)

    def _loan(self, hid, status, received, decided=None, disbursed=None):
        rng, t0 = self.rng, self.t0
        lid = self.ids.take(StartLoanApplication)
        counsellor = self.helped_by_id[hid].counsellor
        if status in DECIDED and decided is None:
            decided = min(t0, received + rng.randint(14, 60))
        price = rng.randrange(1_800_000, 4_500_000, 10_000)
        amount = int(price * rng.uniform(0.5, 0.95)) // 1000 * 1000
        appealed = min(t0, decided + rng.randint(3, 20)) if status == SL.APPEALED else None
        days = {SL.RECEIVED: received, SL.APPROVED: decided, SL.REJECTED: decided}
        days |= {SL.APPEALED: appealed, SL.DISBURSED: disbursed}
        self.loan_rows.append(self._loan_row(lid, hid, status, days, price, amount))
        path = STATUS_PATHS[status]
        for n, to in enumerate(path):
            day = days.get(to) or self._undecided_day(to, received, decided)
            self.change_rows.append(
                (self.ids.take(StartLoanStatusChange), lid, path[n - 1] if n else "", to)
                + (self.d(day), self.ts(day), counsellor, "")
            )
        self.events.append((hid, received, "startloan_received", 0, counsellor, StartLoanApplication, lid))
        if decided:
            self.events.append(
                (hid, decided, f"startloan_{status}", status, counsellor, StartLoanApplication, lid)
            )
        return lid

    def _undecided_day(self, to, received, decided):
        """The day an application went into review or was withdrawn."""
        if to == SL.IN_REVIEW:
            return min(self.t0, received + self.rng.randint(1, 10), decided or self.t0)
        return min(self.t0, received + self.rng.randint(5, 60))

    def _loan_row(self, lid, hid, status, days, price, amount):
        rng, d = self.rng, self.d
        received, decided = days[SL.RECEIVED], days[SL.APPROVED]
        appealed, disbursed = days[SL.APPEALED], days[SL.DISBURSED]
        approved = status in (SL.APPROVED, SL.DISBURSED)
        return (
            (lid, hid, self.helped_by_id[hid].municipality, f"SS-{lid:08d}", d(received), "purchase", status)
            + ((amount if approved else None), (rng.choice([0, 0, 100_000, 200_000]) if approved else None))
            + ((price if status == SL.DISBURSED else None), rng.randrange(250_000, 650_000, 5000))
            + (rng.randrange(0, 200_000, 1000), rng.randrange(0, 150_000, 1000), ["payslips", "tax_return"])
            + (d(decided) if decided else None, ("certificate" if approved else ""))
            + (
                (d(decided + 180) if approved else None),
                ("Betjeningsevnen er for lav." if status in (SL.REJECTED, SL.APPEALED) else ""),
            )
            + ((d(appealed) if appealed else None), (d(disbursed) if disbursed else None))
            + (
                f"{rng.choice(self.streets)} {rng.randint(1, 80)}" if status == SL.DISBURSED else "",
                self.ts(received),
            )
        )

    def tenancies(self):
        """The tenancies (their start-up loans are known now) and their moves in and out."""
        self.ds.add(Tenancy, TENANCY_FIELDS, [tuple(r) for r in self.tenancy_rows])
        self.count("tenancies", len(self.tenancy_rows))
        for r in self.tenancy_rows:
            officer = self.rng.choice(self.officers_of[r[1]])
            address = self.address_of[r[2]]
            self.events.append((r[3], r[4].toordinal(), "tenancy_started", address, officer, Tenancy, r[0]))
            if r[6] is not None:
                self.events.append(
                    (r[3], r[6].toordinal(), "tenancy_ended", (address, r[7]), officer, Tenancy, r[0])
                )

    # --- long-tenure flags: some raised already, some resolved, the rest left for the job ------

    def flags(self):
        rows = []
        for r in self.tenancy_rows:
            row = self._flag_row(r)
            if row:
                rows.append(row)
        self.ds.add(LongTenureFlag, FLAG_FIELDS, rows)
        self.count("flags", len(rows))

    def _flag_row(self, r):
        rng, t0, d = self.rng, self.t0, self.d
        start, end = r[4].toordinal(), r[6]
        if t0 - start < 3 * Y + 30:
            return None
        due = start + 3 * Y
        if end is None and rng.random() < 0.6:
            raised = rng.randint(due, t0)
            resolved = rng.random() < 0.3 and raised + 10 <= t0
            status = (
                "resolved"
                if resolved
                else rng.choice(["open", "open", "referred", "sleeping", "startloan_encouraged"])
            )
            return (self.ids.take(LongTenureFlag), r[1], r[0], d(raised), ["tenure"], r[5], status, None) + (
                (d(raised + 90) if status == "sleeping" else None),
                (d(rng.randint(raised, t0)) if resolved else None),
            )
        if end is not None and end.toordinal() > due and rng.random() < 0.3:
            raised = rng.randint(due, end.toordinal())
            return (self.ids.take(LongTenureFlag), r[1], r[0], d(raised), ["tenure"], r[5], "resolved") + (
                None,
                None,
                end,
            )
        return None

    # --- follow-ups: spread over each household's months of help, about `scale.followups` ------

    def followups(self):
        rng = self.rng
        span_total = sum(max(1, h.help_end - h.enrolled) for h in self.helped)
        rate = self.scale.followups / span_total
        self.followup_counts = [
            max(1, int(max(1, h.help_end - h.enrolled) * rate * rng.uniform(0.5, 1.5) + 0.5))
            for h in self.helped
        ]
        for h in self.helped:
            self.events.append((h.id, h.enrolled, "household_registered", 0, h.counsellor, None, None))
        self._long_timeline()
        n_followups = sum(self.followup_counts)
        self.first_followup = self.ids.take(FollowUp, n_followups)
        self.link_first = self.ids.take(FollowUp.partner_agencies.through, n_followups // 20 + 10)
        self.links = []
        self.ds.add(FollowUp, FOLLOWUP_FIELDS, self._followup_rows())
        self.ds.add(FollowUp.partner_agencies.through, ["id", "followup_id", "partneragency_id"], self.links)
        self.count("followups", n_followups)

    def _long_timeline(self):
        """The Oslo household helped the longest gets follow-ups enough for `scale.long_timeline`
        events in all."""
        oslo = [i for i, h in enumerate(self.helped) if h.municipality == self.m_first]
        longest = max(oslo, key=lambda i: self.helped[i].help_end - self.helped[i].enrolled)
        hid = self.helped[longest].id
        others = sum(1 for event in self.events if event[0] == hid)
        self.followup_counts[longest] = max(1, self.scale.long_timeline - others)
        self.ds.long_timeline_household = hid

    def _drawn_followups(self):
        """Each follow-up's row and the partner agency it involved (or None), from an RNG of their
        own: the same each time they are drawn, so they are drawn while they are written, once for
        their table and once for their timeline events, and two million rows are never kept."""
        d, ts = self.d, self.ts
        fid = self.first_followup
        frng = random.Random(self.seed + 1)
        links, max_links = 0, sum(self.followup_counts) // 20 + 10
        for h, n in zip(self.helped, self.followup_counts, strict=True):
            days = sorted(
                [h.enrolled] + [frng.randint(h.enrolled, max(h.enrolled, h.help_end)) for _ in range(n - 1)]
            )
            agencies = self.agencies_of[h.municipality]
            for day in days:
                step = frng.random() < 0.3
                row = (
                    (fid, h.id, h.municipality, d(day), frng.choice(FOLLOWUP_KINDS), frng.choice(MINUTES))
                    + (frng.choice(TOPIC_SETS), frng.choice(FOLLOWUP_NOTES), h.counsellor)
                    + (
                        frng.choice(NEXT_STEPS) if step else "",
                        d(day + 14) if step else None,
                        ts(day),
                        ts(day),
                    )
                )
                agency = None
                if frng.random() < 0.05 and links < max_links:
                    agency = frng.choice(agencies)
                    links += 1
                yield row, agency
                fid += 1

    def _followup_rows(self):
        """The follow-ups' rows; the links to partner agencies are collected on the way."""
        for row, agency in self._drawn_followups():
            yield row
            if agency:
                self.links.append((self.link_first + len(self.links), row[0], agency))

    def _followup_events(self):
        for row, _agency in self._drawn_followups():
            fid, hid, _m, day, kind, minutes, _topics, _note, by = row[:9]
            yield (hid, day.toordinal(), "followup", (kind, minutes), by, FollowUp, fid)

    # --- consents with partner agencies -------------------------------------------------------

    def consents(self):
        rng, t0, d = self.rng, self.t0, self.d
        rows = []
        for h in self.helped:
            for _c in range(rng.choice([0, 1, 1, 2])):
                given = rng.randint(h.enrolled, max(h.enrolled, h.help_end))
                withdrawn = given + rng.randint(30, 300) if rng.random() < 0.05 else None
                rows.append(
                    (self.ids.take(Consent), h.id, h.applicant)
                    + (rng.choice(self.agencies_of[h.municipality]), rng.choice(CONSENT_PURPOSES))
                    + (d(given), d(given + Y), d(withdrawn) if withdrawn and withdrawn <= t0 else None)
                    + (h.counsellor,)
                )
        self.ds.add(Consent, CONSENT_FIELDS, rows)
        self.count("consents", len(rows))

    # --- the household timelines: what was created above, in the words the services use -------

    def timeline(self):
        n = len(self.events) + sum(self.followup_counts)
        events = itertools.chain(self.events, self._followup_events())
        self.ds.add(TimelineEvent, TIMELINE_FIELDS, _timeline_rows(events, n, self.ids, self.d, self.ts))
        self.count("timeline events", n)

    # --- one funding grant per municipality and funder ----------------------------------------

    def grants(self):
        rows = []
        for i in range(self.scale.municipalities):
            for funder, amount in (("husbanken", 193_000 + 1000 * (i % 50)), ("statsforvalteren", 450_000)):
                rows.append(
                    (self.ids.take(FundingGrant), self.m_first + i, funder, amount, self.project_start)
                    + (self.d(self.t0 + Y), "Boveiledertjeneste", "")
                )
        self.ds.add(FundingGrant, GRANT_FIELDS, rows)


def _event_params(kind, extra) -> dict:
    """The parameters of an event of the generator's, as the services would write them."""
    if kind == HousingKind.TENANCY_STARTED:
        return {"address": extra}
    if kind == HousingKind.TENANCY_ENDED:
        return {"address": extra[0], "reason": extra[1]}
    if kind == TimelineKind.FOLLOWUP:
        return {"kind": extra[0], "minutes": extra[1]}
    if kind.startswith("startloan_") and kind != TimelineKind.STARTLOAN_RECEIVED:
        return {"status": extra, "after_appeal": False, "approval": "", "valid_until": None, "ref": ""}
    return {}


def _timeline_rows(events, n, ids, d, ts):
    """Rows of the `n` events of the timeline, each checked by the timeline's writer
    (`timeline_params`); ids and content types are looked up now, not while a COPY runs."""
    cts = {m: ContentType.objects.get_for_model(m).pk for m in (StartLoanApplication, Tenancy, FollowUp)}
    first = ids.take(TimelineEvent, n)
    checked = {}  # each kind's parameters checked once: two million follow-ups have a few dozen

    def rows():
        for number, (hid, on, kind, extra, actor, model, obj) in enumerate(events):
            params = checked.get((kind, extra))
            if params is None:
                params = checked[kind, extra] = timeline_params(kind, _event_params(kind, extra))
            yield (first + number, hid, d(on), ts(on), kind, params, actor, cts.get(model), obj)

    return rows()


def seed_national(
    *, scale: str = "national", seed: int = 2013, today: date = NATIONAL_TODAY, log=print
) -> dict:
    """Generate and load a dataset of `scale`; once only: a second run finds Oslo and stops."""
    if Municipality.objects.filter(slug=BIG_SLUG).exists():
        log("National data is already loaded (municipality 'oslo' exists); nothing to do.")
        return {}
    t = time.monotonic()
    dataset = generate(scale=SCALES[scale], seed=seed, today=today)
    log(f"Generated the plan in {time.monotonic() - t:.1f} s: {dataset.counts}")
    timings = load(dataset, log=log)
    timings["total"] = time.monotonic() - t
    return {
        "counts": dataset.counts,
        "timings": timings,
        "long timeline household": dataset.long_timeline_household,
    }


def long_timeline_household():
    """The household of the national data with the longest timeline (for the household page's
    benchmark); None if none is loaded."""
    return (
        Household.objects.filter(municipality__slug=BIG_SLUG)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .first()
    )
