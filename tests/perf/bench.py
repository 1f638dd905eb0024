"""The benchmark driver behind `make bench` (.ci/bench): load the national dataset, measure every goal of
issue 10 in one run, and write docs/performance.md. Anything not built yet is reported as
"not measured: <why>" instead of stopping the run.

    python tests/perf/bench.py reset            # drop and create the bench database (name must hold "bench")
    python tests/perf/bench.py run [--no-seed]  # seed, measure, write the doc
    python tests/perf/bench.py pdf MUNICIPALITY_ID FIRST LAST   # child process: render one PDF
"""

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import traceback
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boveileder.settings.test")
PY = sys.executable
DOC = ROOT / "docs" / "performance.md"
FIXES = Path(__file__).with_name("fixes.md")
# p95 of 20 samples is the second slowest: on a shared VM one stall decided it; 50 give it some footing.
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "50"))
LOCUST_SECONDS = int(os.environ.get("BENCH_LOCUST_SECONDS", "120"))


class NotMeasured(Exception):
    pass


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def num(n):
    return f"{n:,}".replace(",", " ")


def ms(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


# --- reset -----------------------------------------------------------------------------------------


def reset():
    from urllib.parse import urlparse

    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
        # Storage is SSD: the default random_page_cost (4, for spinning disks) made PostgreSQL hash-join
        # the flag queue's 1 500 flags against all 130 000 tenancies (118 ms) instead of probing (33 ms).
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')


# --- measuring ------------------------------------------------------------------------------------


class Bench:
    def __init__(self):
        self.sections = {}
        self.goals = []  # (goal, measured, met: True/False/None)

    def goal(self, what, measured, met):
        self.goals.append((what, measured, met))

    def section(self, key, fn):
        print(f"bench: {key} …", flush=True)
        t = time.monotonic()
        try:
            self.sections[key] = fn()
        except NotMeasured as e:
            self.sections[key] = f"not measured: {e}"
        except Exception as e:
            traceback.print_exc()
            self.sections[key] = f"not measured: {type(e).__name__}: {e}"
        print(f"bench: {key} done in {time.monotonic() - t:.0f} s", flush=True)


def seed(b: Bench):
    t = time.monotonic()
    out = subprocess.run(
        [PY, "manage.py", "seed_demo", "--scale", "national"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - t
    print(out.stdout[-3000:], out.stderr[-3000:], flush=True)
    if out.returncode:
        raise RuntimeError(f"seed_demo --scale national failed: {out.stderr[-500:]}")
    b.seed_seconds = took
    b.goal("`seed_demo --scale national` loads in ≤ 10 min", ms(took), took <= 600)
    return {"seconds": took, "log": out.stdout.strip().splitlines()}


def dataset_counts():
    from boveileder.models import Municipality, User
    from cases.models import FollowUp, Household, Person, StartLoanApplication, TimelineEvent
    from housing.models import LongTenureFlag, RentalUnit, Tenancy

    return {
        "municipalities": Municipality.objects.count(),
        "staff": User.objects.count(),
        "rental units": RentalUnit.objects.count(),
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "tenancies": Tenancy.objects.count(),
        "start-up loan applications": StartLoanApplication.objects.count(),
        "follow-ups": FollowUp.objects.count(),
        "long-tenure flags": LongTenureFlag.objects.count(),
        "timeline events": TimelineEvent.objects.count(),
    }


def personas():
    """Staff of the Oslo-sized municipality and of the smallest one, and what they will look at."""
    from django.db.models import Count, Q

    from boveileder.models import Municipality, User
    from cases.models import Household, Person

    big = Municipality.objects.get(slug="oslo")
    small = (
        Municipality.objects.filter(staff__username__endswith="-manager-1")
        .annotate(n=Count("units", distinct=True))
        .filter(n__gt=0)
        .order_by("n", "pk")
        .first()
    )
    out = {}
    for label, m in (("oslo", big), ("small", small)):
        counsellor = (
            User.objects.filter(municipality=m, is_counsellor=True)
            .annotate(n=Count("caseload", filter=Q(caseload__closed_on__isnull=True)))
            .order_by("-n", "pk")
            .first()
        )
        household = (
            Household.objects.filter(counsellor=counsellor, closed_on__isnull=True, restricted=False)
            .annotate(n=Count("followups"))
            .order_by("-n", "pk")
            .first()
        )
        last_name = Person.objects.filter(household=household).values_list("last_name", flat=True).first()
        out[label] = {
            "municipality": m,
            "counsellor": counsellor,
            "officer": User.objects.filter(municipality=m, is_officer=True).order_by("pk").first(),
            "manager": User.objects.filter(municipality=m, is_manager=True).order_by("pk").first(),
            "household": household,
            "search": last_name or "a",
            "caseload": counsellor.caseload.filter(closed_on__isnull=True).count(),
            "units": m.units.count(),
        }
    return out


def _reverse(names, *args):
    from django.urls import NoReverseMatch, reverse

    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise NotMeasured(f"no URL named {' or '.join(names)} yet")


PAGES = [
    # key, title, url names, role, args, query, goal (ms)
    ("caseload", "Caseload", ["cases:caseload"], "counsellor", False, None, 100),
    ("household", "Household page", ["cases:household_detail"], "counsellor", True, None, 100),
    ("flags", "Flag queue", ["housing:flag_queue"], "officer", False, None, 100),
    ("units", "Unit list", ["housing:unit_list"], "officer", False, None, 100),
    ("search", "Search", ["cases:search", "search", "cases:household_search"], "counsellor", False, "q", 200),
    ("dashboard", "Dashboard", ["reports:dashboard"], "manager", False, None, 100),
]


def _get(client, url, data=None, cpu_times=None):
    t, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, data or {})
    took = time.perf_counter() - t
    if cpu_times is not None:
        cpu_times.append(time.process_time() - cpu)
    if response.status_code != 200:
        raise NotMeasured(f"GET {url} answered {response.status_code}")
    return took, response


def measure_pages(b: Bench, who):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for key, title, names, role, with_pk, query, goal in PAGES:
        for label in ("oslo", "small"):
            p = who[label]
            row = {
                "page": title,
                "key": key,
                "municipality": p["municipality"].name,
                "who": label,
                "goal": goal,
            }
            rows.append(row)
            try:
                url = _reverse(names, p["household"].pk) if with_pk else _reverse(names)
                data = {query: p["search"]} if query else None
                client = Client()
                client.force_login(p[role])
                for _ in range(3):
                    _get(client, url, data)
                with CaptureQueriesContext(connection) as captured:
                    _get(client, url, data)
                queries = len(captured)  # now: the next request empties the log
                sql = sum(float(q["time"]) for q in captured.captured_queries)
                cpu = []
                times = [_get(client, url, data, cpu)[0] for _ in range(SAMPLES)]
                row.update(p50=pct(times, 50), p95=pct(times, 95), cpu50=pct(cpu, 50), sql=sql)
                row.update(queries=queries, url=url, samples=len(times))
                if key == "dashboard":
                    rows.append(_dashboard_recomputed(client, url, row))
            except NotMeasured as e:
                row["error"] = str(e)
            except Exception as e:
                traceback.print_exc()
                row["error"] = f"{type(e).__name__}: {e}"
    for key, title, *_r, goal in PAGES:
        pair = [r for r in rows if r["key"] == key]
        measured = [r for r in pair if "p95" in r]
        if not measured:
            b.goal(f"{title}: p95 ≤ {goal} ms", pair[0].get("error", "not measured"), None)
            continue
        worst = max(r["p95"] for r in measured)
        b.goal(f"{title}: p95 ≤ {goal} ms", ms(worst), worst * 1000 <= goal)
        q = [r["queries"] for r in measured]
        same = len(set(q)) == 1
        b.goal(
            f"{title}: ≤ 12 queries, the same for few rows as many",
            " / ".join(f"{r['queries']} ({r['who']})" for r in measured),
            max(q) <= 12 and same,
        )
    return rows


def _dashboard_recomputed(client, url, measured):
    """The dashboard right after a change to the municipality's records: the figures are computed
    again (reports.dashboard caches them until a record behind them changes). Not a goal of its own:
    what a manager waits for once after each change, where the row above is every other visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boveileder.changes import data_changed

    municipality_id = client.get(url).wsgi_request.user.municipality_id
    times, cpu = [], []
    for _ in range(SAMPLES // 2):
        data_changed(municipality_id)
        times.append(_get(client, url, None, cpu)[0])
    data_changed(municipality_id)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return {
        "page": "Dashboard, figures recomputed after a change (no goal: see the row above)",
        "key": "dashboard_recomputed",
        "municipality": measured["municipality"],
        "who": measured["who"],
        "goal": "–",
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "cpu50": pct(cpu, 50),
        "sql": sum(float(q["time"]) for q in captured.captured_queries),
        "queries": len(captured),
        "samples": len(times),
    }


def _paged(client, url, data):
    """First page's context through the instrumented renderer: the paginator, if any."""
    from django.core.paginator import Page
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    try:
        response = client.get(url, data or {})
        for ctx in response.context or []:
            for value in ctx.flatten().values():
                if isinstance(value, Page):
                    return value, response
        return None, response
    finally:
        teardown_test_environment()


def _unit_list_keyset(client, who):
    """The unit list pages by keyset (`?after=<unit id>` in (address, id) order): its last page is the
    one after the 51st unit from the end."""
    from housing.models import RentalUnit

    url = _reverse(["housing:unit_list"])
    first = client.get(url)
    if first.status_code != 200 or b"after=" not in first.content:
        return None
    ids = list(
        RentalUnit.objects.filter(municipality=who["oslo"]["municipality"])
        .order_by("address", "pk")
        .values_list("pk", flat=True)
    )
    return len(ids), "Unit list (keyset pages)", url, {}, {"after": ids[-51]}, -(-len(ids) // 50)


def measure_last_page(b: Bench, who):
    from django.test import Client

    p = who["oslo"]
    found = []
    for _key, title, names, role, with_pk, query, _goal in PAGES:
        if with_pk:
            continue
        try:
            url = _reverse(names)
        except NotMeasured:
            continue
        client = Client()
        client.force_login(p[role])
        data = {query: p["search"]} if query else {}
        page, _response = _paged(client, url, data)
        if page is not None and page.paginator.num_pages > 1:
            last = page.paginator.num_pages
            found.append(
                (page.paginator.count, f"{title} (numbered pages)", url, data, {"page": last}, last, client)
            )
    client = Client()
    client.force_login(p["officer"])
    try:
        keyset = _unit_list_keyset(client, who)
    except NotMeasured:
        keyset = None
    if keyset:
        found.append((*keyset, client))
    if not found:
        raise NotMeasured("no list page of the Oslo-sized municipality has more than one page")
    rows = []
    for count, title, url, data, last_params, pages, client in sorted(found, key=lambda f: -f[0]):
        for _ in range(3):
            _get(client, url, data)
            _get(client, url, {**data, **last_params})
        first_t = [_get(client, url, data)[0] for _ in range(SAMPLES)]
        last_t = [_get(client, url, {**data, **last_params})[0] for _ in range(SAMPLES)]
        ratio = pct(last_t, 50) / pct(first_t, 50)
        rows.append(
            {
                "list": title,
                "rows": count,
                "pages": pages,
                "first_p50": pct(first_t, 50),
                "last_p50": pct(last_t, 50),
                "ratio": ratio,
            }
        )
    top = rows[0]
    b.goal(
        "Last page of the longest list ≤ 2× its first",
        f"{top['ratio']:.2f}× ({top['list']}, {top['rows']} rows)",
        top["ratio"] <= 2,
    )
    return rows


class _Rollback(Exception):
    pass


FLAG_FROM = """
FROM housing_tenancy t
JOIN boveileder_municipality m ON m.id = t.municipality_id
CROSS JOIN LATERAL (
  SELECT (%(as_of)s::date - make_interval(years => m.tenure_threshold_years))::date AS cutoff,
         (%(as_of)s::date + make_interval(months => m.expiry_window_months))::date AS horizon) k
WHERE t.start_date <= %(as_of)s AND (t.moved_out_on IS NULL OR t.moved_out_on > %(as_of)s)
  AND NOT EXISTS (SELECT 1 FROM housing_longtenureflag u WHERE u.tenancy_id = t.id AND u.resolved_on IS NULL)
  AND ((t.start_date <= k.cutoff
        AND NOT EXISTS (SELECT 1 FROM housing_longtenureflag f WHERE f.tenancy_id = t.id
                        AND f.reasons @> '["tenure"]' AND f.resolved_on > k.cutoff))
    OR (t.contract_end_date <= k.horizon
        AND NOT EXISTS (SELECT 1 FROM housing_longtenureflag f WHERE f.tenancy_id = t.id
                        AND f.contract_end_date = t.contract_end_date)))
"""
# The due tenancies: what the job must find.
FLAG_SQL = "SELECT t.id" + FLAG_FROM
# And written as the job writes them: the same rows as flags, by hand.
FLAG_INSERT_SQL = (
    "INSERT INTO housing_longtenureflag "
    "(municipality_id, tenancy_id, raised_on, reasons, contract_end_date, status) "
    "SELECT t.municipality_id, t.id, %(as_of)s, "
    "CASE WHEN t.start_date <= k.cutoff AND t.contract_end_date <= k.horizon "
    'THEN \'["tenure", "contract_expiry"]\'::jsonb '
    "WHEN t.start_date <= k.cutoff THEN '[\"tenure\"]'::jsonb ELSE '[\"contract_expiry\"]'::jsonb END, "
    "CASE WHEN t.contract_end_date <= k.horizon THEN t.contract_end_date END, 'open'"
    + FLAG_FROM
    + "ON CONFLICT DO NOTHING"
)


def _timed_sql(sql, params, *, rollback=False, runs=3):
    """Best of `runs`; with `rollback`, each run inside a transaction that is rolled back."""
    from django.db import connection, transaction

    times, rows = [], None
    for _ in range(runs):
        try:
            with transaction.atomic(), connection.cursor() as c:
                t = time.perf_counter()
                c.execute(sql, params)
                rows = {r[0] for r in c.fetchall()} if c.description else c.rowcount
                times.append(time.perf_counter() - t)
                if rollback:
                    raise _Rollback
        except _Rollback:
            pass
    return min(times), rows


def _flagged_after(pk):
    from housing.models import LongTenureFlag

    return set(LongTenureFlag.objects.filter(pk__gt=pk).values_list("tenancy_id", flat=True))


def measure_flag_job(b: Bench):
    """The nightly task twice in one rolled-back transaction: the first night on the loaded data (a
    backlog: every due tenancy is new), then the next night (what a running service does each
    night). Each against hand-written SQL selecting the same tenancies; the first night also against
    hand-written SQL writing the same flags."""
    from django.db import transaction

    from boveileder.models import Municipality
    from housing.models import LongTenureFlag, Tenancy

    try:
        from housing.tasks.flags import flags_raise_nightly
    except ImportError as e:
        raise NotMeasured(f"housing.tasks.flags.flags_raise_nightly is not there yet ({e})") from e
    first_night, next_night = date.today(), date.today() + timedelta(days=1)
    sql_first, selected_first = _timed_sql(FLAG_SQL, {"as_of": first_night})
    insert_first, inserted = _timed_sql(FLAG_INSERT_SQL, {"as_of": first_night}, rollback=True)
    before = LongTenureFlag.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with transaction.atomic():
            t = time.perf_counter()
            flags_raise_nightly(first_night.isoformat())  # the task's body, as the worker runs it
            job_first = time.perf_counter() - t
            raised_first = set(
                LongTenureFlag.objects.filter(pk__gt=before).values_list("tenancy_id", flat=True)
            )
            middle = LongTenureFlag.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            sql_next, selected_next = _timed_sql(FLAG_SQL, {"as_of": next_night})
            t = time.perf_counter()
            flags_raise_nightly(next_night.isoformat())
            job_next = time.perf_counter() - t
            raised_next = set(
                LongTenureFlag.objects.filter(pk__gt=middle).values_list("tenancy_id", flat=True)
            )
            raise _Rollback
    except _Rollback:
        pass
    ratio_next, ratio_first, ratio_insert = (
        job_next / sql_next,
        job_first / sql_first,
        job_first / insert_first,
    )
    b.goal("Flag job over all tenancies ≤ 5 s (the first night, the worst)", ms(job_first), job_first <= 5)
    b.goal(
        f"Flag job ≤ 2× its hand-written SQL: a night of a running service "
        f"({num(len(raised_next))} new flags)",
        f"{ratio_next:.1f}× ({ms(job_next)} vs {ms(sql_next)} for the SELECT)",
        ratio_next <= 2,
    )
    b.goal(
        f"Flag job ≤ 2× its hand-written SQL: the first night ({num(len(raised_first))} new flags to write)",
        f"{ratio_insert:.1f}× the same INSERT by hand ({ms(job_first)} vs {ms(insert_first)}); "
        f"{ratio_first:.1f}× the SELECT alone ({ms(sql_first)})",
        ratio_insert <= 2,
    )
    return {
        "tenancies": Tenancy.objects.count(),
        "municipalities": Municipality.objects.count(),
        "threshold_pairs": Municipality.objects.values("tenure_threshold_years", "expiry_window_months")
        .distinct()
        .count(),
        "job": job_first,
        "sql": sql_first,
        "insert": insert_first,
        "inserted": inserted,
        "ratio": ratio_first,
        "ratio_insert": ratio_insert,
        "raised": len(raised_first),
        "selected": len(selected_first),
        "same": selected_first == raised_first,
        "job_next": job_next,
        "sql_next": sql_next,
        "ratio_next": ratio_next,
        "raised_next": len(raised_next),
        "selected_next": len(selected_next),
        "same_next": selected_next == raised_next,
    }


def last_quarter(today=None):
    today = today or date.today()
    q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = q_start - timedelta(days=1)
    first = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    return first, last


FIGURES_SQL = """
WITH hh AS (SELECT id FROM cases_household WHERE (%(ms)s::bigint[] IS NULL OR municipality_id = ANY(%(ms)s))),
fu AS (SELECT f.household_id, f.minutes FROM cases_followup f JOIN hh ON hh.id = f.household_id
       WHERE f.date BETWEEN %(first)s AND %(last)s),
assisted AS (SELECT DISTINCT household_id FROM fu),
members AS (SELECT p.birth_date FROM cases_person p JOIN assisted a ON a.household_id = p.household_id
            WHERE p.left_on IS NULL OR p.left_on > %(last)s),
exits AS (SELECT t.household_id, t.move_out_reason, t.moved_out_on, t.start_date FROM housing_tenancy t
          JOIN hh ON hh.id = t.household_id
          WHERE t.moved_out_on BETWEEN %(first)s AND %(last)s AND t.move_out_reason <> 'transfer'
            AND EXISTS (SELECT 1 FROM cases_followup f WHERE f.household_id = t.household_id
                        AND f.date <= t.moved_out_on)),
moved AS (SELECT p.birth_date, e.moved_out_on FROM cases_person p
          JOIN exits e ON e.household_id = p.household_id
          WHERE p.left_on IS NULL OR p.left_on > e.moved_out_on),
loans AS (SELECT s.received_on, s.decided_on, s.status, s.loan_amount_nok FROM cases_startloanapplication s
          JOIN hh ON hh.id = s.household_id),
flags AS (SELECT raised_on, resolved_on FROM housing_longtenureflag
          WHERE (%(ms)s::bigint[] IS NULL OR municipality_id = ANY(%(ms)s))),
let_last AS (SELECT t.start_date, m.tenure_threshold_years AS years FROM housing_tenancy t
             JOIN boveileder_municipality m ON m.id = t.municipality_id
             WHERE (%(ms)s::bigint[] IS NULL OR t.municipality_id = ANY(%(ms)s))
               AND t.start_date <= %(last)s AND (t.moved_out_on IS NULL OR t.moved_out_on > %(last)s)),
long_last AS (SELECT 1 FROM let_last
              WHERE start_date <= (%(last)s::date - make_interval(years => years))::date),
let_first AS (SELECT 1 FROM housing_tenancy t
              WHERE (%(ms)s::bigint[] IS NULL OR t.municipality_id = ANY(%(ms)s))
                AND t.start_date <= %(first)s AND (t.moved_out_on IS NULL OR t.moved_out_on > %(first)s)),
months AS (SELECT extract(year FROM age(moved_out_on, start_date)) * 12
                  + extract(month FROM age(moved_out_on, start_date)) AS n FROM exits)
SELECT
 (SELECT count(*) FROM assisted),
 (SELECT count(*) FROM members),
 (SELECT count(*) FROM members WHERE to_char(birth_date, 'YYYYMMDD')::int + 180000
                                     > to_char(%(last)s::date, 'YYYYMMDD')::int),
 (SELECT count(*) FROM exits WHERE move_out_reason = 'bought'),
 (SELECT count(*) FROM exits WHERE move_out_reason = 'private_rental'),
 (SELECT count(*) FROM exits),
 (SELECT count(*) FROM moved),
 (SELECT count(*) FROM moved WHERE to_char(birth_date, 'YYYYMMDD')::int + 180000
                                   > to_char(moved_out_on, 'YYYYMMDD')::int),
 (SELECT count(*) FROM loans WHERE received_on BETWEEN %(first)s AND %(last)s),
 (SELECT count(*) FROM loans WHERE decided_on BETWEEN %(first)s AND %(last)s
   AND status IN ('approved', 'disbursed')),
 (SELECT coalesce(sum(loan_amount_nok), 0) FROM loans WHERE decided_on BETWEEN %(first)s AND %(last)s
   AND status IN ('approved', 'disbursed')),
 (SELECT count(*) FROM fu),
 (SELECT round(coalesce(sum(minutes), 0) / 60.0, 1) FROM fu),
 (SELECT count(*) FROM flags WHERE raised_on BETWEEN %(first)s AND %(last)s),
 (SELECT count(*) FROM flags WHERE resolved_on BETWEEN %(first)s AND %(last)s),
 (SELECT count(*) FROM let_last),
 (SELECT count(*) FROM long_last),
 (SELECT round(100.0 * (SELECT count(*) FROM long_last) / nullif((SELECT count(*) FROM let_last), 0), 1)),
 (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY n)::numeric, 1) FROM months),
 (SELECT round(100.0 * (SELECT count(*) FROM exits) / nullif((SELECT count(*) FROM let_first), 0), 1))
"""
FIGURE_KEYS = [
    "households_assisted",
    "persons_assisted",
    "children_assisted",
    "households_bought_home",
    "households_moved_to_private_rental",
    "municipal_units_freed",
    "persons_moved_out",
    "children_moved_out",
    "startloan_applications_received",
    "startloan_applications_approved",
    "startloan_amount_approved_nok",
    "followups",
    "followup_hours",
    "long_tenure_flags_raised",
    "long_tenure_flags_resolved",
    # Rotation (issue 20): let on a day, long tenancies by each municipality's threshold, the median.
    "tenancies_running_last_day",
    "long_tenancies_last_day",
    "long_tenancies_share_pct",
    "median_months_lived_exits",
    "units_freed_per_100_let",
]


def _plain(value):
    if isinstance(value, dict):
        for k in ("value", "count", "total"):
            if k in value:
                return _plain(value[k])
    try:
        return round(float(value), 1)
    except (TypeError, ValueError):
        return value


def figures_scope(m) -> list[int] | None:
    """FIGURES_SQL's municipalities: one, several (a county), or None for the whole country."""
    if m is None:
        return None
    return [x.pk for x in m] if isinstance(m, list) else [m.pk]


def measure_figures(b: Bench, who):
    from django.db import connection

    try:
        from reports.indicators import figures
    except ImportError as e:
        raise NotMeasured(f"reports.indicators.figures is not there yet ({e})") from e
    from boveileder.models import Municipality

    first, last = last_quarter()
    out = []
    oslo = who["oslo"]["municipality"]
    # A county's report pools its municipalities' records (issue 20): Oslo's county, by its number.
    county = list(Municipality.objects.in_county(oslo.county)) if oslo.county else None
    # (label, scope, seconds, ratio to the SQL): issue 20 asks 1.5x for a county and the country.
    for label, m, goal, most in (
        ("Oslo, one quarter", oslo, 1.0, 2.0),
        *(
            [(f"County {oslo.county} ({len(county)} municipalities), one quarter", county, 1.0, 1.5)]
            if county
            else []
        ),
        ("The country", None, 5.0, 1.5),
    ):
        figures(m, first, last)  # warm
        t_fn, result = [], None
        for _ in range(3):
            t = time.perf_counter()
            result = figures(m, first, last)
            t_fn.append(time.perf_counter() - t)
        t_sql = []
        with connection.cursor() as c:
            for _ in range(3):
                t = time.perf_counter()
                c.execute(FIGURES_SQL, {"ms": figures_scope(m), "first": first, "last": last})
                row = c.fetchone()
                t_sql.append(time.perf_counter() - t)
        sql_values = dict(zip(FIGURE_KEYS, (_plain(v) for v in row), strict=True))
        got = {k: _plain(v) for k, v in dict(result).items() if k in FIGURE_KEYS}
        differ = {k: (got.get(k), v) for k, v in sql_values.items() if got.get(k) != v}
        fn, sql = statistics.median(t_fn), statistics.median(t_sql)
        ratio = fn / sql
        b.goal(f"Report figures, {label} ≤ {goal:.0f} s", ms(fn), fn <= goal)
        b.goal(
            f"Report figures, {label} ≤ {most:g}× its SQL",
            f"{ratio:.1f}× ({ms(fn)} vs {ms(sql)})",
            ratio <= most,
        )
        b.goal(
            f"Report figures, {label}: the same numbers as the SQL",
            "equal" if not differ else f"differ: {differ}",
            not differ,
        )
        out.append({"label": label, "first": first, "last": last, "fn": fn, "sql": sql, "ratio": ratio})
        out[-1].update(values=sql_values, differ=differ)
    return out


def pdf_child(municipality_id, first, last):
    """In a fresh process: render the standard quarterly PDF; print time and peak memory as JSON."""
    import django

    django.setup()
    from boveileder.models import Municipality

    render = _find_pdf_renderer()
    m = Municipality.objects.get(pk=municipality_id)
    # As in a Celery worker: the PDF libraries are loaded when the worker process starts
    # (boveileder.celery → boveileder.pdf.preload), once, not for each report. Timed apart.
    from boveileder.pdf import preload

    t = time.perf_counter()
    preload()
    preload_seconds = time.perf_counter() - t
    # Peak RSS of this process (resource.getrusage), not tracemalloc: tracing made rendering 4× slower.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, cpu = time.perf_counter(), time.process_time()
    size = render(m, date.fromisoformat(first), date.fromisoformat(last))
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": took,
                "rss_mb": rss / 1024,
                "rss_before_mb": rss_before / 1024,
                "cpu": cpu,
                "bytes": size,
                "preload_seconds": preload_seconds,
            }
        )
    )


def _find_pdf_renderer():
    """The reports app's own path to the quarterly PDF: a FunderReport rendered by its service."""
    import importlib
    import inspect

    from reports.models import Funder, FunderReport

    candidates = []
    for module in (
        "reports.services",
        "reports.services.funder_reports",
        "reports.services.reports",
        "reports.services.pdf",
        "reports.tasks",
        "reports.pdf",
    ):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        for name, fn in inspect.getmembers(mod, callable):
            if re.search(r"(report_render|render_report|report_generate|generate_report)", name):
                candidates.append(fn)
    if not candidates:
        raise NotMeasured("no report rendering service in reports (report_render / render_report) yet")
    fn = candidates[0]
    fn = getattr(fn, "run", fn)  # a Celery task: call its body in this process

    def render(m, first, last):
        report = FunderReport.objects.create(
            municipality=m, funder=Funder.HUSBANKEN, period_from=first, period_to=last
        )
        params = inspect.signature(fn).parameters
        if "report_id" in params:
            fn(report_id=report.pk)
        elif "report" in params:
            fn(report=report)
        else:
            fn(report.pk)
        report.refresh_from_db()
        if not report.pdf:
            raise RuntimeError(f"no PDF rendered ({report.status}: {report.error[:200]})")
        return report.pdf.size

    return render


def _median_municipality():
    """The municipality of median size by households: what a typical report is made for."""
    from django.db.models import Count

    from boveileder.models import Municipality

    sized = list(Municipality.objects.annotate(n=Count("households")).filter(n__gt=0).order_by("n", "pk"))
    return sized[len(sized) // 2]


def _render_pdf_in_child(m, first, last) -> dict:
    out = subprocess.run(
        [PY, __file__, "pdf", str(m.pk), first.isoformat(), last.isoformat()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        tail = (out.stderr.strip().splitlines() or ["?"])[-1]
        raise NotMeasured(tail[:300])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_pdf(b: Bench, who):
    first, last = last_quarter()
    typical = _median_municipality()
    result = _render_pdf_in_child(who["oslo"]["municipality"], first, last)
    result["typical"] = _render_pdf_in_child(typical, first, last)
    result["typical_households"] = typical.households.count()
    b.goal(
        "Quarterly PDF ≤ 3 s, a typical municipality (median size)",
        ms(result["typical"]["seconds"]),
        result["typical"]["seconds"] <= 3,
    )
    b.goal("Quarterly PDF ≤ 3 s, the Oslo-sized municipality", ms(result["seconds"]), result["seconds"] <= 3)
    b.goal(
        "Quarterly PDF ≤ 300 MB peak",
        f"{max(result['rss_mb'], result['typical']['rss_mb']):.0f} MB (process peak RSS)",
        max(result["rss_mb"], result["typical"]["rss_mb"]) <= 300,
    )
    return result


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_locust(b: Bench):
    import urllib.request

    from boveileder.models import User
    from cases.models import Household

    users = []
    for u in User.objects.filter(municipality__isnull=False, username__contains="-").order_by("pk")[:2000]:
        role = "manager" if u.is_manager else "officer" if u.is_officer else "counsellor"
        households = list(
            Household.objects.filter(counsellor=u, closed_on__isnull=True, restricted=False).values_list(
                "pk", flat=True
            )[:20]
        )
        users.append({"username": u.username, "role": role, "households": households})
    oslo = [u for u in users if u["username"].startswith("oslo-")]
    rest = [u for u in users if not u["username"].startswith("oslo-")]
    personas_file = Path("/tmp/bov_bench_users.json")
    personas_file.write_text(json.dumps({"oslo": oslo, "other": rest}))
    port = _free_port()
    from demo.data import DEMO_PASSWORD

    env = {**os.environ, "BENCH_USERS": str(personas_file), "BENCH_PASSWORD": DEMO_PASSWORD}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "boveileder.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        csv = "/tmp/bov_bench_locust"
        run = subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "-u",
                "50",
                "-r",
                "5",
                "-t",
                f"{LOCUST_SECONDS}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                csv,
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=LOCUST_SECONDS + 120,
        )
        import csv as csvmod

        rows = list(csvmod.DictReader(open(f"{csv}_stats.csv")))  # noqa: SIM115
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    result = {
        "users": 50,
        "seconds": LOCUST_SECONDS,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]) / 1000,
        "p95": float(total["95%"]) / 1000,
        "by_name": [
            {
                "name": r["Name"],
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p50": float(r["50%"]) / 1000,
                "p95": float(r["95%"]) / 1000,
            }
            for r in rows
            if r["Name"] != "Aggregated"
        ],
        "stderr": run.stderr[-1500:],
    }
    b.goal("Locust, 50 users for 2 min: no errors", str(result["failures"]), result["failures"] == 0)
    b.goal("Locust: p95 ≤ 250 ms", ms(result["p95"]), result["p95"] <= 0.25)
    return result


# --- the document --------------------------------------------------------------------------------


def machine():
    mem = "?"
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.1f} GiB"
    cpu = "?"
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg = c.fetchone()[0]
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "memory": mem,
        "cpu": cpu,
        "postgres": pg,
        "python": platform.python_version(),
        "load": f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
    }


def mark(met):
    return "✅ met" if met is True else "❌ missed" if met is False else "— not measured"


def write_doc(b: Bench, started, whole):
    s = b.sections
    lines = ["# Performance at national scale", ""]
    lines += [
        "Written by `make bench` (`.ci/bench` → `tests/perf/bench.py`); every figure below is from one run.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]
    mc = s.get("machine", {})
    if isinstance(mc, dict):
        lines += [
            f"- Machine: {mc['nproc']} cores (`nproc`), {mc['memory']} memory, {mc['cpu']}",
            f"- PostgreSQL {mc['postgres']}, Python {mc['python']}, Django test client in-process, DEBUG off",
            f"- Load average when the run ended: {mc['load']} (the machine was shared with other work)",
        ]
    lines.append(f"- The whole `make bench` (.venv if missing, reset, migrate, load, measure): {ms(whole)}")
    lines += ["", "## Goals", "", "| goal | measured | |", "|---|---|---|"]
    lines += [f"| {g} | {m} | {mark(ok)} |" for g, m, ok in b.goals]
    missed = [g for g, _m, ok in b.goals if ok is False]
    lines += [
        "",
        f"{len(b.goals) - len(missed)} of {len(b.goals)} lines met or not measured; missed: "
        + (", ".join(missed) if missed else "none")
        + ".",
    ]

    lines += ["", "## The dataset", ""]
    seeded = s.get("seed")
    if isinstance(seeded, dict):
        lines.append(
            f"`seed_demo --scale national` loaded in **{ms(seeded['seconds'])}** "
            "(generated in Python from a seeded RNG, loaded with COPY, then VACUUM ANALYZE):"
        )
        lines += ["", "```", *seeded["log"][-25:], "```"]
    elif seeded:
        lines.append(str(seeded))
    counts = s.get("counts")
    if isinstance(counts, dict):
        lines += ["", "| rows | count |", "|---|---:|"] + [
            f"| {k} | {v:,} |".replace(",", " ") for k, v in counts.items()
        ]
    who = s.get("personas")
    if isinstance(who, dict):
        lines += [
            "",
            "Personas: "
            + "; ".join(
                f"{v['municipality']} ({v['units']} units; counsellor {v['counsellor'].username} with "
                f"{v['caseload']} open households)"
                for v in who.values()
            ),
        ]

    lines += [
        "",
        "## Pages: server time and queries",
        "",
        f"{SAMPLES} requests per page and persona after 3 warm-up requests; queries counted on one request.",
        "",
        "Server time is the wall-clock time of a request in-process (Django test client, DEBUG off). CPU is",
        "the Django process's own CPU time (p50), SQL the database time of the counted request: wall time",
        "well above CPU + SQL is time spent waiting for one of the 2 shared cores.",
        "",
        "| page | municipality | p50 | p95 | goal | CPU p50 | SQL | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    pages = s.get("pages")
    if isinstance(pages, list):
        for r in pages:
            if "error" in r:
                lines.append(f"| {r['page']} | {r['municipality']} | not measured: {r['error']} | | | | | |")
            else:
                lines.append(
                    f"| {r['page']} | {r['municipality']} | {ms(r['p50'])} | {ms(r['p95'])} | "
                    f"{r['goal']}{' ms' if r['goal'] != '–' else ''} | {ms(r['cpu50'])} | {ms(r['sql'])} | "
                    f"{r['queries']} |"
                )
    else:
        lines.append(str(pages))

    lines += ["", "## The last page of the longest list", ""]
    lp = s.get("last_page")
    if isinstance(lp, list):
        lines += [
            "Lists of the Oslo-sized municipality, longest first; p50 of the first and the last page.",
            "",
            "| list | rows | pages | first page | last page | ratio |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {r['list']} | {r['rows']} | {r['pages']} | {ms(r['first_p50'])} | {ms(r['last_p50'])} | "
            f"{r['ratio']:.2f}× |"
            for r in lp
        ]
    else:
        lines.append(str(lp))

    lines += ["", "## The flag job", ""]
    fj = s.get("flag_job")
    if isinstance(fj, dict):
        lines.append(
            f"The nightly task `flags_raise_nightly` over the {fj['municipalities']} municipalities and "
            f"{num(fj['tenancies'])} tenancies: one INSERT … SELECT per pair of thresholds "
            f"({fj.get('threshold_pairs', '?')} here), run twice in one transaction, rolled back. "
            f"**The first night** on the loaded data, where every due tenancy is new: **{ms(fj['job'])}**, "
            f"raising {num(fj['raised'])} flags. The hand-written SQL selecting the due tenancies: "
            f"{ms(fj['sql'])} ({num(fj['selected'])} tenancies), ratio {fj['ratio']:.1f}×; the same SQL "
            f"writing them as flags (INSERT … SELECT, rolled back): {ms(fj['insert'])} "
            f"({num(fj['inserted'])} rows), ratio **{fj['ratio_insert']:.1f}×**. "
            f"Same tenancies: {'yes' if fj['same'] else 'NO'}. **The next night**, as a running service has "
            f"it every night: **{ms(fj['job_next'])}**, raising {num(fj['raised_next'])} flags; the "
            f"hand-written SELECT {ms(fj['sql_next'])} ({num(fj['selected_next'])} tenancies), ratio "
            f"**{fj['ratio_next']:.1f}×**. Same tenancies: {'yes' if fj['same_next'] else 'NO'}."
        )
        lines += ["", "```sql", FLAG_SQL.strip(), "```", "", "Written as flags:", "", "```sql"]
        lines += [FLAG_INSERT_SQL.strip(), "```"]
    else:
        lines.append(str(fj))

    lines += ["", "## Report figures", ""]
    fg = s.get("figures")
    if isinstance(fg, list):
        lines += [
            "| scope | period | `figures()` | hand-written SQL | ratio | same numbers |",
            "|---|---|---:|---:|---:|---|",
        ]
        for r in fg:
            lines.append(
                f"| {r['label']} | {r['first']:%d.%m.%Y}–{r['last']:%d.%m.%Y} | {ms(r['fn'])} | "
                f"{ms(r['sql'])} | {r['ratio']:.1f}× | {'yes' if not r['differ'] else r['differ']} |"
            )
        lines += [
            "",
            "Figures for the country: " + ", ".join(f"{k} {v}" for k, v in fg[-1]["values"].items()),
        ]
    else:
        lines.append(str(fg))

    lines += ["", "## The quarterly PDF", ""]
    pdf = s.get("pdf")
    if isinstance(pdf, dict):
        lines.append(
            f"Rendered in a fresh process for the Oslo-sized municipality's last quarter, as a Celery "
            f"worker renders it: the worker loads WeasyPrint and matplotlib when it starts "
            f"(`boveileder.pdf.preload`, {ms(pdf.get('preload_seconds', 0))} here, once per worker process), "
            f"then the report takes **{ms(pdf['seconds'])}**, "
            f"peak RSS of the process **{pdf['rss_mb']:.0f} MB** "
            f"({pdf['rss_before_mb']:.0f} MB before rendering), {pdf['bytes']} bytes; "
            f"{pdf['cpu']:.1f} s of it was this process's own CPU time (the rest: PostgreSQL, and waiting)."
        )
        if "typical" in pdf:
            lines.append(
                f"For a typical municipality (median size, {pdf['typical_households']} households): "
                f"**{ms(pdf['typical']['seconds'])}**, peak RSS **{pdf['typical']['rss_mb']:.0f} MB**."
            )
    else:
        lines.append(str(pdf))

    lines += ["", "## Load: locust against gunicorn", ""]
    lc = s.get("locust")
    if isinstance(lc, dict):
        lines.append(
            f"{lc['users']} users for {lc['seconds']} s against gunicorn (2 workers) on the bench "
            f"database, loopback: **{lc['rps']:.1f} requests/s**, p50 {ms(lc['p50'])}, "
            f"**p95 {ms(lc['p95'])}**, {lc['requests']} requests, **{lc['failures']} errors**."
        )
        lines += [
            "",
            "Each user logs in (the login redirects to the role's landing page), then every 5–15 s "
            "(reading the page) opens its everyday page (counsellor: caseload; officer: units or flags; "
            "manager: dashboard, caseload, units) or a household of its caseload "
            "(`tests/perf/locustfile.py`). Half the users are staff of the Oslo-sized municipality, half "
            "of the others; 5 users start per second.",
        ]
        lines += ["", "| request | count | errors | p50 | p95 |", "|---|---:|---:|---:|---:|"]
        lines += [
            f"| {r['name']} | {r['requests']} | {r['failures']} | {ms(r['p50'])} | {ms(r['p95'])} |"
            for r in lc["by_name"]
        ]
    else:
        lines.append(str(lc))

    if FIXES.exists():
        lines += ["", FIXES.read_text().strip()]
    lines += [
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench            # PostgreSQL at 127.0.0.1 as user postgres; database bov_bench is recreated",
        "BENCH_DATABASE_URL=postgres://user@host:5432/my_bench make bench  # name must contain 'bench'",
        "BENCH_SAMPLES=50 BENCH_LOCUST_SECONDS=300 make bench              # more samples, a longer load run",
        "```",
        "",
        "`make bench` is not part of `make test`. The national dataset alone: "
        "`DATABASE_URL=… python manage.py seed_demo --scale national`.",
        "",
    ]
    DOC.write_text("\n".join(lines))


def run(args):
    import django

    django.setup()
    b = Bench()
    if not args.no_seed:
        b.section("seed", lambda: seed(b))
    b.section("machine", machine)
    b.section("counts", dataset_counts)
    b.section("personas", personas)
    who = b.sections["personas"]
    if isinstance(who, dict):
        b.section("pages", lambda: measure_pages(b, who))
        b.section("last_page", lambda: measure_last_page(b, who))
        b.section("figures", lambda: measure_figures(b, who))
        b.section("pdf", lambda: measure_pdf(b, who))
    b.section("flag_job", lambda: measure_flag_job(b))
    if not args.no_locust:
        b.section("locust", lambda: measure_locust(b))
    whole = time.time() - (args.started or time.time())
    b.goal("`make bench` from a fresh clone ≤ 20 min", ms(whole), whole <= 1200 if args.started else None)
    write_doc(b, args.started, whole)
    print(f"bench: wrote {DOC.relative_to(ROOT)}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("reset")
    r = sub.add_parser("run")
    r.add_argument("--started", type=float, default=None)
    r.add_argument("--no-seed", action="store_true")
    r.add_argument("--no-locust", action="store_true")
    p = sub.add_parser("pdf")
    p.add_argument("municipality")
    p.add_argument("first")
    p.add_argument("last")
    args = parser.parse_args()
    if args.cmd == "reset":
        reset()
    elif args.cmd == "run":
        run(args)
    else:
        pdf_child(args.municipality, args.first, args.last)


if __name__ == "__main__":
    main()
