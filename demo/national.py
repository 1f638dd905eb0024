"""Synthetic data of national size for the benchmark (`seed_demo --scale national`).

Everything is generated in Python from one seeded RNG, as plain rows in dependency order, then
loaded with PostgreSQL COPY (or `bulk_create` on SQLite, for the small scale in tests). The rows
respect every constraint of the models: one running tenancy per unit and no overlapping ones,
a move-out reason exactly when moved out, unique references and national IDs per municipality,
follow-ups between enrolment and move-out, children born after their parents, and national IDs
only from the synthetic test-number range. Logins: every generated staff member has the demo
password; usernames are `<municipality slug>-<role>-<n>` (`oslo-counsellor-1`).
"""

import json
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils.text import slugify
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
    TimelineEvent,
)
from demo.data import DEMO_PASSWORD
from housing.models import LongTenureFlag, MoveOutReason, RentalUnit, Tenancy
from housing.services.units import UNIT_FIELDS

BIG_SLUG = "oslo"


@dataclass(frozen=True)
class Scale:
    municipalities: int
    units: int
    big_units: int  # the units of the one Oslo-sized municipality
    tenancies: int
    households: int
    startloans: int
    followups: int


SCALES = {
    "national": Scale(
        municipalities=356,
        units=115_000,
        big_units=13_000,
        tenancies=130_000,
        households=150_000,
        startloans=100_000,
        followups=2_000_000,
    ),
    "small": Scale(
        municipalities=4,
        units=120,
        big_units=50,
        tenancies=135,
        households=160,
        startloans=100,
        followups=2_000,
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
CONSENT_PURPOSES = [
    "Dele budsjett og inntekt for søknad om startlån",
    "Samarbeid om bostøtte og økonomisk rådgivning",
    "Samarbeid om bosetting og introduksjonsprogram",
]


@dataclass
class Dataset:
    """Rows per model, in dependency order: `tables` is a list of (model, attnames, rows)."""

    tables: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def add(self, model, fields, rows):
        self.tables.append((model, fields, rows))


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


def generate(*, scale: Scale, seed: int = 2013, today: date | None = None) -> Dataset:
    """Build every row of a national-style dataset; nothing touches the database but id look-ups."""
    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    ids = _Ids()
    ds = Dataset()
    t0 = today.toordinal()
    dates = {}

    def d(ordinal):
        got = dates.get(ordinal)
        if got is None:
            got = dates[ordinal] = date.fromordinal(ordinal)
        return got

    stamps = {}

    def ts(ordinal):
        got = stamps.get(ordinal)
        if got is None:
            got = stamps[ordinal] = datetime.combine(d(ordinal), datetime.min.time(), UTC) + timedelta(
                hours=10
            )
        return got

    first_names_f = list({fake.first_name_female() for _ in range(600)})
    first_names_m = list({fake.first_name_male() for _ in range(600)})
    first_names = first_names_f + first_names_m
    last_names = list({fake.last_name() for _ in range(600)})
    streets = list({fake.street_name() for _ in range(1500)})
    taken_names = set(Municipality.objects.values_list("name", flat=True))
    taken_slugs = set(Municipality.objects.values_list("slug", flat=True))

    # --- municipalities, split of the country --------------------------------------------------
    n_m = scale.municipalities
    units_per = [scale.big_units] + _zipf_split(scale.units - scale.big_units, n_m - 1, minimum=4)
    ten_per = [round(u * scale.tenancies / scale.units) for u in units_per]
    ten_per[-1] += scale.tenancies - sum(ten_per)
    hh_per = [
        max(t + 1, round(u * scale.households / scale.units)) for t, u in zip(ten_per, units_per, strict=True)
    ]
    hh_per[0] += scale.households - sum(hh_per)
    muni_rows, names = [], []
    while len(names) < n_m:
        name = "Oslo" if not names else fake.city()
        slug = slugify(name.replace("å", "a").replace("ø", "o").replace("æ", "ae"))
        if name in taken_names or slug in taken_slugs or not slug:
            if not names:
                raise RuntimeError("A municipality named Oslo exists already: national data is loaded.")
            continue
        taken_names.add(name)
        taken_slugs.add(slug)
        names.append((name, slug))
    m_first = ids.take(Municipality, n_m)
    project_start = d(t0 - 4 * Y)
    for i, (name, slug) in enumerate(names):
        muni_rows.append((m_first + i, name, slug, f"{(i * 37) % 5600 + 301:04d}", project_start, 3, 6, 5))
    ds.add(
        Municipality,
        [
            "id",
            "name",
            "slug",
            "number",
            "project_start",
            "tenure_threshold_years",
            "expiry_window_months",
            "retention_years",
        ],
        muni_rows,
    )

    # --- staff: every role in every municipality -------------------------------------------------
    password = make_password(DEMO_PASSWORD)
    user_rows = []
    counsellors_of, officers_of = {}, {}
    joined = ts(t0 - 5 * Y)
    for i, (_name, slug) in enumerate(names):
        m_id = m_first + i
        plan = [
            ("counsellor", max(1, hh_per[i] // 300)),
            ("officer", max(1, units_per[i] // 2000)),
            ("manager", 2 if i == 0 else 1),
        ]
        for role, count in plan:
            for n in range(1, count + 1):
                uid = ids.take(User)
                flags = (role == "counsellor", role == "officer", role == "manager")
                user_rows.append(
                    (
                        uid,
                        password,
                        False,
                        f"{slug}-{role}-{n}",
                        rng.choice(first_names),
                        rng.choice(last_names),
                    )
                    + ("", False, True, joined, m_id)
                    + flags
                    + (role == "manager",)
                )
                if role == "counsellor":
                    counsellors_of.setdefault(m_id, []).append(uid)
                elif role == "officer":
                    officers_of.setdefault(m_id, []).append(uid)
    ds.add(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "municipality_id",
            "is_counsellor",
            "is_officer",
            "is_manager",
            "can_approve_decisions",
        ],
        user_rows,
    )

    agency_rows, agencies_of = [], {}
    for i, (name, _slug) in enumerate(names):
        for pattern, kind in AGENCIES:
            aid = ids.take(PartnerAgency)
            agency_rows.append((aid, m_first + i, pattern.format(name=name), kind, ""))
            agencies_of.setdefault(m_first + i, []).append(aid)
    ds.add(PartnerAgency, ["id", "municipality_id", "name", "kind", "contact"], agency_rows)

    # --- units and the chain of tenancies of each unit -----------------------------------------
    unit_rows, tenancy_plan = [], []  # tenancy_plan: (municipality, unit id, address, start, end|None)
    address_of = {}
    for i, (name, _slug) in enumerate(names):
        m_id = m_first + i
        n_units, n_ten = units_per[i], ten_per[i]
        first_unit = ids.take(RentalUnit, n_units)
        postcode_base = rng.randint(10, 99) * 100
        chains = [1] * n_units
        for k in rng.sample(range(n_units), k=max(0, n_units - n_ten)) if n_ten < n_units else []:
            chains[k] = 0
        extra = max(0, n_ten - sum(chains))
        while extra:
            k = rng.randrange(n_units)
            if chains[k] < 3:
                chains[k] += 1
                extra -= 1
        for k in range(n_units):
            uid = first_unit + k
            address = f"{rng.choice(streets)} {rng.randint(1, 120)}{rng.choice(['', '', 'A', 'B'])}"
            rooms = rng.choice([1, 2, 2, 3, 3, 4, 5])
            address_of[uid] = address
            unit_rows.append(
                (uid, m_id, f"U-{k + 1:05d}", address, f"{postcode_base + rng.randint(0, 99):04d}", name)
                + (rooms, 18 + rooms * rng.randint(12, 22), 5000 + rooms * rng.randrange(1500, 3000, 100))
                + (f"KOBO-{uid:07d}", f"H0{rng.randint(1, 4)}0{rng.randint(1, 9)}", True)
            )
            # Walk back from today: the newest tenancy may still run, the older ones have ended.
            running = rng.random() < 0.8
            end = None if running else t0 - rng.randint(1, 2 * Y)
            for _c in range(chains[k]):
                start = (end if end is not None else t0) - rng.randint(120, 8 * Y)
                if end is None:
                    start = t0 - rng.randint(0, 8 * Y)
                tenancy_plan.append((m_id, uid, address, start, end))
                end = start - rng.randint(0, 90)
    ds.add(
        RentalUnit,
        ["id", "municipality_id", *UNIT_FIELDS],
        unit_rows,
    )

    # --- households: those with a tenancy, then those living elsewhere ---------------------------
    by_muni = {}
    for plan in tenancy_plan:
        by_muni.setdefault(plan[0], []).append(plan)
    household_rows, person_rows, tenancy_rows = [], [], []
    hh_info = []  # (household id, municipality, counsellor, enrolled, end of help, applicant person id)
    exits = []  # (household id, tenancy index in tenancy_rows, moved out, reason)
    nid_taken = {}
    for i in range(n_m):
        m_id = m_first + i
        plans = by_muni.get(m_id, [])
        rng.shuffle(plans)
        n_hh = max(hh_per[i], len(plans))
        first_hh = ids.take(Household, n_hh)
        seen = nid_taken.setdefault(m_id, set())
        for k in range(n_hh):
            hid = first_hh + k
            counsellor = rng.choice(counsellors_of[m_id])
            plan = plans[k] if k < len(plans) else None
            if plan:
                _m, unit_id, address, start, end = plan
                latest = min(t0, end) if end is not None else t0
                enrolled = rng.randint(start - 180, latest - 30)
                housing_at_start = rng.choice(["municipal_rental"] * 3 + ["temporary", "homeless"])
            else:
                unit_id, end = None, None
                enrolled = t0 - rng.randint(10, 4 * Y)
                latest = t0
                housing_at_start = rng.choice(["private_rental", "temporary", "homeless", "institution"])
            reason = rng.choice(EXIT_REASONS) if end is not None else ""
            closed = None
            close_reason = ""
            if end is not None:
                closed = min(t0, end + rng.randint(0, 90))
                close_reason = "moved_away" if reason == MoveOutReason.OTHER else "goal_reached"
            elif plan is None and rng.random() < 0.15:
                closed = rng.randint(enrolled + 30, t0) if enrolled + 30 <= t0 else t0
                close_reason = rng.choice(["declined", "moved_away", "other"])
            help_end = min(t0, end) if end is not None else (closed or t0)
            household_rows.append(
                (
                    hid,
                    m_id,
                    f"H-{d(enrolled).year}-{k + 1:06d}",
                    counsellor,
                    d(enrolled),
                    housing_at_start,
                    "",
                )
                + (d(closed) if closed else None, close_reason, rng.random() < 0.01, None, ts(enrolled))
            )
            # Members: an applicant, maybe a partner, children born after the parents turned 18.
            last = rng.choice(last_names)
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
                pid = ids.take(Person)
                applicant = applicant or pid
                nid = ""
                if rng.random() < (0.7 if role != "child" else 0.3):
                    for _try in range(20):
                        nid = synthetic(d(b), rng)
                        if nid not in seen:
                            seen.add(nid)
                            break
                    else:
                        nid = ""
                adult = role != "child"
                person_rows.append(
                    (pid, m_id, hid, rng.choice(first_names), last, d(b), nid, role)
                    + (f"9{rng.randint(1000000, 9999999)}" if adult else "", "", False, "", None)
                )
            hh_info.append((hid, m_id, counsellor, enrolled, help_end, applicant))
            if plan:
                tenancy_rows.append(
                    [
                        None,
                        m_id,
                        unit_id,
                        hid,
                        d(start),
                        d(start + 3 * Y * max(1, math.ceil((latest - start) / (3 * Y))))
                        if end is None
                        else d(start + 3 * Y),
                    ]
                    + [d(end) if end is not None else None, reason, "", None]
                )
                if end is not None:
                    exits.append((hid, len(tenancy_rows) - 1, end, reason, enrolled))
    # Contract ends may not precede the start; ended ones keep their original end.
    first_ten = ids.take(Tenancy, len(tenancy_rows))
    for n, row in enumerate(tenancy_rows):
        row[0] = first_ten + n
        if row[5] < row[4]:
            row[5] = row[4]
    ds.add(
        Household,
        [
            "id",
            "municipality_id",
            "reference",
            "counsellor_id",
            "enrolled_on",
            "housing_at_start",
            "notes",
            "closed_on",
            "close_reason",
            "restricted",
            "anonymised_at",
            "created_at",
        ],
        household_rows,
    )
    ds.add(
        Person,
        [
            "id",
            "municipality_id",
            "household_id",
            "first_name",
            "last_name",
            "birth_date",
            "national_id",
            "household_role",
            "phone",
            "email",
            "needs_interpreter",
            "interpreter_language",
            "left_on",
        ],
        person_rows,
    )

    # --- start-up loans: the buyers' loans before their move-out, then others at every status --
    loan_rows, change_rows = [], []
    loan_fields = [
        "id",
        "household_id",
        "startskudd_ref",
        "received_on",
        "purpose",
        "status",
        "loan_amount_nok",
        "grant_amount_nok",
        "purchase_price_nok",
        "income_after_tax_nok",
        "debts_nok",
        "equity_nok",
        "documents_received",
        "decided_on",
        "approval_kind",
        "certificate_valid_until",
        "rejection_reason",
        "appealed_on",
        "disbursed_on",
        "purchased_address",
        "created_at",
    ]
    info_by_id = {h[0]: h for h in hh_info}
    events = []  # (household, on, kind, summary, actor, content type model, object id)
    statuses_path = {
        SL.RECEIVED: [SL.RECEIVED],
        SL.IN_REVIEW: [SL.RECEIVED, SL.IN_REVIEW],
        SL.APPROVED: [SL.RECEIVED, SL.IN_REVIEW, SL.APPROVED],
        SL.REJECTED: [SL.RECEIVED, SL.IN_REVIEW, SL.REJECTED],
        SL.APPEALED: [SL.RECEIVED, SL.IN_REVIEW, SL.REJECTED, SL.APPEALED],
        SL.WITHDRAWN: [SL.RECEIVED, SL.WITHDRAWN],
        SL.DISBURSED: [SL.RECEIVED, SL.IN_REVIEW, SL.APPROVED, SL.DISBURSED],
    }

    def add_loan(hid, status, received, decided=None, disbursed=None):
        lid = ids.take(StartLoanApplication)
        _h, m_id, counsellor, _e, _he, _a = info_by_id[hid]
        decided_states = (SL.APPROVED, SL.REJECTED, SL.APPEALED, SL.DISBURSED)
        if status in decided_states and decided is None:
            decided = min(t0, received + rng.randint(14, 60))
        approved = status in (SL.APPROVED, SL.DISBURSED)
        price = rng.randrange(1_800_000, 4_500_000, 10_000)
        loan = int(price * rng.uniform(0.5, 0.95)) // 1000 * 1000
        appealed = min(t0, decided + rng.randint(3, 20)) if status == SL.APPEALED else None
        loan_rows.append(
            (lid, hid, f"SS-{lid:08d}", d(received), "purchase", status)
            + ((loan if approved else None), (rng.choice([0, 0, 100_000, 200_000]) if approved else None))
            + ((price if status == SL.DISBURSED else None), rng.randrange(250_000, 650_000, 5000))
            + (rng.randrange(0, 200_000, 1000), rng.randrange(0, 150_000, 1000), ["payslips", "tax_return"])
            + (d(decided) if decided else None, ("certificate" if approved else ""))
            + (
                (d(decided + 180) if approved else None),
                ("Betjeningsevnen er for lav." if status in (SL.REJECTED, SL.APPEALED) else ""),
            )
            + ((d(appealed) if appealed else None), (d(disbursed) if disbursed else None))
            + (f"{rng.choice(streets)} {rng.randint(1, 80)}" if status == SL.DISBURSED else "", ts(received))
        )
        path = statuses_path[status]
        day = received
        for n, to in enumerate(path):
            if to in (SL.APPROVED, SL.REJECTED):
                day = decided
            elif to == SL.APPEALED:
                day = appealed
            elif to == SL.DISBURSED:
                day = disbursed
            elif to == SL.IN_REVIEW:
                day = min(t0, received + rng.randint(1, 10), decided or t0)
            elif to == SL.WITHDRAWN:
                day = min(t0, received + rng.randint(5, 60))
            change_rows.append(
                (
                    ids.take(StartLoanStatusChange),
                    lid,
                    path[n - 1] if n else "",
                    to,
                    d(day),
                    ts(day),
                    counsellor,
                    "",
                )
            )
        events.append((hid, received, "startloan_received", 0, counsellor, StartLoanApplication, lid))
        if decided:
            events.append(
                (hid, decided, f"startloan_{status}", status, counsellor, StartLoanApplication, lid)
            )
        return lid

    for hid, row_index, end, reason, enrolled in exits:
        if reason == MoveOutReason.BOUGHT:
            disbursed = end - rng.randint(0, 30)
            decided = disbursed - rng.randint(20, 120)
            received = max(enrolled, decided - rng.randint(14, 60))
            decided = max(decided, received)
            disbursed = max(disbursed, decided)
            tenancy_rows[row_index][9] = add_loan(hid, SL.DISBURSED, received, decided, disbursed)
    remaining = max(0, scale.startloans - len(loan_rows))
    open_hh = [h for h in hh_info if h[4] - h[3] > 40]
    for h in rng.sample(open_hh, k=min(remaining, len(open_hh))):
        received = rng.randint(h[3] + 20, h[4] - 10) if h[4] - 10 > h[3] + 20 else h[3]
        age = t0 - received
        if age < 20:
            status = rng.choice([SL.RECEIVED, SL.IN_REVIEW])
        else:
            status = rng.choices(
                [SL.RECEIVED, SL.IN_REVIEW, SL.APPROVED, SL.REJECTED, SL.APPEALED, SL.WITHDRAWN],
                weights=[3, 6, 40, 30, 5, 16],
            )[0]
        add_loan(h[0], status, received)
    ds.add(StartLoanApplication, loan_fields, loan_rows)
    ds.add(
        StartLoanStatusChange,
        ["id", "application_id", "from_status", "to_status", "on", "at", "by_id", "note"],
        change_rows,
    )
    ds.add(
        Tenancy,
        [
            "id",
            "municipality_id",
            "unit_id",
            "household_id",
            "start_date",
            "contract_end_date",
            "moved_out_on",
            "move_out_reason",
            "move_out_note",
            "startloan_id",
        ],
        [tuple(r) for r in tenancy_rows],
    )
    for r in tenancy_rows:
        officer = rng.choice(officers_of[r[1]])
        address = address_of[r[2]]
        events.append((r[3], r[4].toordinal(), "tenancy_started", address, officer, Tenancy, r[0]))
        if r[6] is not None:
            events.append((r[3], r[6].toordinal(), "tenancy_ended", (address, r[7]), officer, Tenancy, r[0]))

    # --- long-tenure flags: some raised already, some resolved, the rest left for the job ------
    flag_rows = []
    for r in tenancy_rows:
        start, end = r[4].toordinal(), r[6]
        if t0 - start < 3 * Y + 30:
            continue
        due = start + 3 * Y
        if end is None and rng.random() < 0.6:
            raised = rng.randint(due, t0)
            resolved = rng.random() < 0.3 and raised + 10 <= t0
            status = (
                "resolved"
                if resolved
                else rng.choice(["open", "open", "referred", "sleeping", "startloan_encouraged"])
            )
            flag_rows.append(
                (ids.take(LongTenureFlag), r[1], r[0], d(raised), ["tenure"], r[5], status, None)
                + (
                    (d(raised + 90) if status == "sleeping" else None),
                    (d(rng.randint(raised, t0)) if resolved else None),
                )
            )
        elif end is not None and end.toordinal() > due and rng.random() < 0.3:
            raised = rng.randint(due, end.toordinal())
            flag_rows.append(
                (
                    ids.take(LongTenureFlag),
                    r[1],
                    r[0],
                    d(raised),
                    ["tenure"],
                    r[5],
                    "resolved",
                    None,
                    None,
                    end,
                )
            )
    ds.add(
        LongTenureFlag,
        [
            "id",
            "municipality_id",
            "tenancy_id",
            "raised_on",
            "reasons",
            "contract_end_date",
            "status",
            "referred_to_id",
            "sleep_until",
            "resolved_on",
        ],
        flag_rows,
    )

    # --- follow-ups: spread over each household's months of help, about `scale.followups` ------
    span_total = sum(max(1, h[4] - h[3]) for h in hh_info)
    rate = scale.followups / span_total
    kinds = FollowUp.Kind.values
    topic_sets = [[t] for t in FollowUp.Topic.values] + [["economy", "startloan"], ["housing", "moving"]]
    minutes = [15, 30, 30, 45, 60, 60, 90, 120]
    followup_fields = [
        "id",
        "household_id",
        "municipality_id",
        "date",
        "kind",
        "minutes",
        "topics",
        "note",
        "by_id",
        "next_step",
        "next_step_due",
        "created_at",
        "updated_at",
    ]
    counts = []
    for h in hh_info:
        span = max(1, h[4] - h[3])
        counts.append(max(1, int(span * rate * rng.uniform(0.5, 1.5) + 0.5)))
    n_followups = sum(counts)
    first_fu = ids.take(FollowUp, n_followups)
    agency_link_first = ids.take(FollowUp.partner_agencies.through, n_followups // 20 + 10)
    links = []

    def followups():
        fid = first_fu
        frng = random.Random(seed + 1)
        for h, n in zip(hh_info, counts, strict=True):
            hid, m_id, counsellor, enrolled, help_end, _a = h
            days = sorted(
                [enrolled] + [frng.randint(enrolled, max(enrolled, help_end)) for _ in range(n - 1)]
            )
            agencies = agencies_of[m_id]
            for day in days:
                step = frng.random() < 0.3
                yield (
                    fid,
                    hid,
                    m_id,
                    d(day),
                    frng.choice(kinds),
                    frng.choice(minutes),
                    frng.choice(topic_sets),
                    frng.choice(FOLLOWUP_NOTES),
                    counsellor,
                    frng.choice(NEXT_STEPS) if step else "",
                    d(day + 14) if step else None,
                    ts(day),
                    ts(day),
                )
                if frng.random() < 0.05 and len(links) < n_followups // 20 + 10:
                    links.append((agency_link_first + len(links), fid, frng.choice(agencies)))
                fid += 1

    ds.add(FollowUp, followup_fields, followups())
    ds.add(FollowUp.partner_agencies.through, ["id", "followup_id", "partneragency_id"], links)
    for h in hh_info:
        events.append((h[0], h[3], "household_registered", 0, h[2], None, None))

    # --- consents with partner agencies -------------------------------------------------------
    consent_rows = []
    for h in hh_info:
        for _c in range(rng.choice([0, 1, 1, 2])):
            given = rng.randint(h[3], max(h[3], h[4]))
            withdrawn = given + rng.randint(30, 300) if rng.random() < 0.05 else None
            consent_rows.append(
                (ids.take(Consent), h[0], h[5], rng.choice(agencies_of[h[1]]), rng.choice(CONSENT_PURPOSES))
                + (
                    d(given),
                    d(given + Y),
                    d(min(withdrawn, t0)) if withdrawn and withdrawn <= t0 else None,
                    h[2],
                )
            )
    ds.add(
        Consent,
        [
            "id",
            "household_id",
            "person_id",
            "agency_id",
            "purpose",
            "given_on",
            "valid_until",
            "withdrawn_on",
            "recorded_by_id",
        ],
        consent_rows,
    )

    # --- the household timelines: what was created above, in the words the services use -------
    ds.add(TimelineEvent, TIMELINE_FIELDS, _timeline_rows(events, ids, d, ts))

    # --- one funding grant per municipality and funder (created via the app registry) ---------
    grant = apps.get_model("reports", "FundingGrant")
    grant_rows = []
    for i in range(n_m):
        for funder, amount in (("husbanken", 193_000 + 1000 * (i % 50)), ("statsforvalteren", 450_000)):
            grant_rows.append(
                (
                    ids.take(grant),
                    m_first + i,
                    funder,
                    amount,
                    project_start,
                    d(t0 + Y),
                    "Boveiledertjeneste",
                    "",
                )
            )
    ds.add(
        grant,
        ["id", "municipality_id", "funder", "amount_nok", "period_from", "period_to", "purpose", "reference"],
        grant_rows,
    )
    ds.counts = {
        "municipalities": n_m,
        "staff": len(user_rows),
        "units": len(unit_rows),
        "households": len(household_rows),
        "persons": len(person_rows),
        "tenancies": len(tenancy_rows),
        "startloans": len(loan_rows),
        "followups": n_followups,
        "flags": len(flag_rows),
        "consents": len(consent_rows),
        "timeline events": len(events),
    }
    return ds


TIMELINE_FIELDS = [
    "id",
    "household_id",
    "occurred_on",
    "recorded_at",
    "kind",
    "summary",
    "actor_id",
    "content_type_id",
    "object_id",
]


def _timeline_rows(events, ids, d, ts):
    """Rows of the timeline; ids and content types are looked up now, not while a COPY runs."""
    texts = {
        "household_registered": _("Household registered"),
        "startloan_received": _("Start-up loan application received"),
    }
    reasons = {r.value: str(r.label) for r in MoveOutReason}
    statuses = {s.value: str(s.label) for s in SL}
    cts = {m: ContentType.objects.get_for_model(m).pk for m in (StartLoanApplication, Tenancy)}
    first = ids.take(TimelineEvent, len(events))

    def rows():
        for n, (hid, on, kind, extra, actor, model, obj) in enumerate(events):
            if kind == "tenancy_started":
                summary = _("Moved in to %(address)s") % {"address": extra}
            elif kind == "tenancy_ended":
                summary = _("Moved out of %(address)s: %(reason)s") % {
                    "address": extra[0],
                    "reason": reasons[extra[1]],
                }
            elif kind.startswith("startloan_") and kind != "startloan_received":
                summary = _("Start-up loan application: %(status)s") % {"status": statuses[extra]}
            else:
                summary = texts[kind]
            yield (first + n, hid, d(on), ts(on), kind, str(summary), actor, cts.get(model), obj)

    return rows()


# --- loading ----------------------------------------------------------------------------------


def _column_list(model, fields):
    return ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)


def _json_positions(model, fields):
    from django.db.models import JSONField

    return [i for i, f in enumerate(fields) if isinstance(model._meta.get_field(f), JSONField)]


def _with_defaults(model, fields, rows):
    """The rows with each column they leave out that has a default filled in with it, as
    `bulk_create` does: COPY knows only the database's defaults, and a field added to a model later
    (a municipality's postal address, say) has none there."""
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in fields
        and not f.primary_key
        and (f.has_default() or (not f.null and f.empty_strings_allowed))  # a blank text is ""
    ]
    if not missing:
        return fields, rows
    extra = tuple(f.get_default() for f in missing)
    return [*fields, *(f.attname for f in missing)], (tuple(row) + extra for row in rows)


def load(dataset: Dataset, *, log=print) -> dict:
    """Write the dataset: COPY on PostgreSQL, bulk_create elsewhere. Returns seconds per table."""
    if connection.vendor == "postgresql":
        timings = _load_postgres(dataset, log=log)
    else:
        timings = _load_bulk(dataset, log=log)
    return timings


@transaction.atomic
def _load_bulk(dataset, *, log):
    timings = {}
    for model, fields, rows in dataset.tables:
        t = time.monotonic()
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=500)
        timings[model._meta.label] = time.monotonic() - t
        log(f"  {model._meta.label}: {len(objs)} rows")
    return timings


BIG_TABLES = (FollowUp, TimelineEvent, Person, StartLoanStatusChange)


def _secondary_indexes(cur, table):
    cur.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
        [table],
    )
    return cur.fetchall()


def _load_postgres(dataset, *, log):
    timings = {}
    with transaction.atomic(), connection.cursor() as django_cursor:  # all or nothing
        cur = django_cursor.connection.cursor()
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cur.fetchone()[0]
        if superuser:
            # Foreign keys are checked once, set-based, after the load (below), not row by row.
            cur.execute("SET LOCAL session_replication_role = replica")
        dropped = []
        for model in BIG_TABLES:
            for name, definition in _secondary_indexes(cur, model._meta.db_table):
                cur.execute(f'DROP INDEX "{name}"')
                dropped.append(definition)
        for model, fields, rows in dataset.tables:
            t = time.monotonic()
            table = model._meta.db_table
            fields, rows = _with_defaults(model, fields, rows)
            json_at = _json_positions(model, fields)
            as_json = {}
            n = 0
            with cur.copy(f"COPY {table} ({_column_list(model, fields)}) FROM STDIN") as copy:
                for row in rows:
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            key = tuple(row[i])
                            text = as_json.get(key)
                            if text is None:
                                text = as_json[key] = json.dumps(row[i])
                            row[i] = text
                    copy.write_row(row)
                    n += 1
            timings[table] = time.monotonic() - t
            log(f"  {table}: {n} rows in {timings[table]:.1f} s")
        if not superuser:
            # Django's foreign keys are deferred: without the replica role their row checks are still
            # pending, and PostgreSQL refuses CREATE INDEX on a table with pending trigger events.
            t = time.monotonic()
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
            log(f"  foreign keys checked row by row in {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        for definition in dropped:
            cur.execute(definition)
        timings["indexes"] = time.monotonic() - t
        log(f"  secondary indexes rebuilt in {timings['indexes']:.1f} s")
        if superuser:
            cur.execute("SET LOCAL session_replication_role = origin")
            t = time.monotonic()
            _check_foreign_keys(cur, [m for m, _f, _r in dataset.tables])
            timings["foreign key check"] = time.monotonic() - t
            log(f"  foreign keys checked in {timings['foreign key check']:.1f} s")
        for model, _f, _r in dataset.tables:
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - model table names
            )
    # VACUUM, not only ANALYZE: it sets the visibility map, so index-only scans do not visit every
    # freshly copied heap page (the unit list's EXISTS took 640 ms instead of 130 ms without it).
    t = time.monotonic()
    with connection.cursor() as c:
        c.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    timings["vacuum analyze"] = time.monotonic() - t
    log(f"  VACUUM ANALYZE in {timings['vacuum analyze']:.1f} s")
    return timings


def _check_foreign_keys(cur, models):
    """Every foreign key of every loaded table points at a row: one anti-join per key."""
    for model in models:
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            target = f.related_model._meta
            sql = (
                f'SELECT count(*) FROM {model._meta.db_table} t WHERE t."{f.column}" IS NOT NULL '  # noqa: S608 - model names
                f"AND NOT EXISTS (SELECT 1 FROM {target.db_table} r "
                f'WHERE r."{f.target_field.column}" = t."{f.column}")'
            )
            cur.execute(sql)
            missing = cur.fetchone()[0]
            if missing:
                raise RuntimeError(f"{missing} rows of {model._meta.db_table}.{f.column} point nowhere")
    # The follow-ups' (household, municipality) key (cases migration 0002), skipped by the replica role.
    cur.execute(
        "SELECT count(*) FROM cases_followup f JOIN cases_household h ON h.id = f.household_id "
        "WHERE f.municipality_id <> h.municipality_id"
    )
    if cur.fetchone()[0]:
        raise RuntimeError("follow-ups in another municipality than their household")


def seed_national(*, scale: str = "national", seed: int = 2013, today=None, log=print) -> dict:
    """Generate and load a dataset of `scale`; once only: a second run finds Oslo and stops."""
    if Municipality.objects.filter(slug=BIG_SLUG).exists():
        log("National data is already loaded (municipality 'oslo' exists); nothing to do.")
        return {}
    t = time.monotonic()
    dataset = generate(scale=SCALES[scale], seed=seed, today=today)
    log(f"Generated the plan in {time.monotonic() - t:.1f} s: {dataset.counts}")
    timings = load(dataset, log=log)
    timings["total"] = time.monotonic() - t
    return {"counts": dataset.counts, "timings": timings}
