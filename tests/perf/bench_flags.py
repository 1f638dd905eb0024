"""The flag job against the fastest hand-written INSERT doing the same work, each run committed (the
deferred foreign-key checks counted), in three states of the flag table: the loaded data, the next
night, and the first night with the table freshly ANALYZEd as empty. Destructive: `make bench` runs it
last, and it leaves the flag table as the job wrote it in the last state."""

import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.utils import OperationalError

# The fastest hand-written SQL for the work, tried in two forms; the faster one in each state is the
# baseline. Constants for the thresholds (one pair for every municipality of the dataset, checked),
# so no municipality join and no per-row threshold arithmetic.
INSERT_HEAD = """
INSERT INTO housing_longtenureflag
  (municipality_id, tenancy_id, raised_on, reasons, contract_end_date, status)
"""
ANTI_JOIN = """
SELECT t.municipality_id, t.id AS tenancy_id, %(as_of)s AS raised_on,
  CASE WHEN t.start_date <= %(cutoff)s AND t.contract_end_date <= %(horizon)s
       THEN '["tenure", "contract_expiry"]'::jsonb
       WHEN t.start_date <= %(cutoff)s THEN '["tenure"]'::jsonb
       ELSE '["contract_expiry"]'::jsonb END AS reasons,
  CASE WHEN t.contract_end_date <= %(horizon)s THEN t.contract_end_date END AS contract_end_date,
  'open' AS status
FROM housing_tenancy t
WHERE t.start_date <= %(as_of)s AND t.moved_out_on IS NULL
  AND NOT EXISTS (SELECT 1 FROM housing_longtenureflag u WHERE u.tenancy_id = t.id AND u.resolved_on IS NULL)
  AND ((t.start_date <= %(cutoff)s
        AND NOT EXISTS (SELECT 1 FROM housing_longtenureflag f WHERE f.tenancy_id = t.id
                        AND f.reasons @> '["tenure"]' AND f.resolved_on > %(cutoff)s))
    OR (t.contract_end_date <= %(horizon)s
        AND NOT EXISTS (SELECT 1 FROM housing_longtenureflag f WHERE f.tenancy_id = t.id
                        AND f.contract_end_date = t.contract_end_date)))
ON CONFLICT DO NOTHING
"""
SUMMARY = """
SELECT municipality_id, tenancy_id, %(as_of)s,
  CASE WHEN tenure AND expiry THEN '["tenure", "contract_expiry"]'::jsonb
       WHEN tenure THEN '["tenure"]'::jsonb ELSE '["contract_expiry"]'::jsonb END,
  CASE WHEN expiry THEN contract_end_date END, 'open'
FROM (
  SELECT tenancy_id, max(municipality_id) AS municipality_id, max(contract_end_date) AS contract_end_date,
         bool_or(tenure) AS tenure, bool_or(expiry) AS expiry, bool_or(unresolved) AS unresolved,
         max(tenure_resolved_on) AS tenure_resolved_on, bool_or(same_end) AS same_end
  FROM (
    SELECT t.id AS tenancy_id, t.municipality_id, t.contract_end_date, t.start_date <= %(cutoff)s AS tenure,
           t.contract_end_date <= %(horizon)s AS expiry, false AS unresolved,
           NULL::date AS tenure_resolved_on, false AS same_end
    FROM housing_tenancy t
    WHERE t.start_date <= %(as_of)s AND t.moved_out_on IS NULL
      AND (t.start_date <= %(cutoff)s OR t.contract_end_date <= %(horizon)s)
    UNION ALL
    SELECT f.tenancy_id, NULL, NULL, false, false, f.resolved_on IS NULL,
           CASE WHEN f.reasons @> '["tenure"]' THEN f.resolved_on END,
           f.contract_end_date = ft.contract_end_date
    FROM housing_longtenureflag f JOIN housing_tenancy ft ON ft.id = f.tenancy_id
    WHERE ft.moved_out_on IS NULL
  ) u GROUP BY tenancy_id
) s
WHERE municipality_id IS NOT NULL AND NOT unresolved
  AND ((tenure AND coalesce(tenure_resolved_on <= %(cutoff)s, true))
    OR (expiry AND NOT coalesce(same_end, false)))
ON CONFLICT DO NOTHING
"""
# The anti-join read whole into a temporary table first, then written: no statement reads the flag
# table while it writes it (the anti-join in one INSERT goes quadratic when the table's statistics say
# it is empty; see the flag job's section in docs/performance.md).
READ_THEN_WRITE = (
    "CREATE TEMPORARY TABLE bench_due ON COMMIT DROP AS " + ANTI_JOIN.replace("ON CONFLICT DO NOTHING", ""),
    INSERT_HEAD + "SELECT * FROM bench_due ON CONFLICT DO NOTHING",  # noqa: S608 (constants)
)
FORMS = {
    "anti-join (NOT EXISTS)": (INSERT_HEAD + ANTI_JOIN,),
    "one GROUP BY pass": (INSERT_HEAD + SUMMARY,),
    "anti-join read into a temporary table, then written": READ_THEN_WRITE,
}
# A form whose plan goes quadratic in a state is stopped here (and shown as such).
TIMEOUT_S = 20
# Each form and the job run this many times from the same state, alternating; the best of each counts
# (the machine is shared: one slow run says more about the neighbours than about the SQL).
ROUNDS = 2


def _last_flag_pk():
    with connection.cursor() as c:
        c.execute("SELECT coalesce(max(id), 0) FROM housing_longtenureflag")
        return c.fetchone()[0]


def _written_since(pk):
    with connection.cursor() as c:
        c.execute(
            "SELECT tenancy_id, reasons::text, contract_end_date FROM housing_longtenureflag WHERE id > %s",
            [pk],
        )
        return set(c.fetchall())


def _vacuum_analyze():
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE housing_longtenureflag")


def _undo_since(pk):
    """Back to the state before a run: its flags deleted, the table vacuumed and analyzed again."""
    with connection.cursor() as c:
        c.execute("DELETE FROM housing_longtenureflag WHERE id > %s", [pk])
    _vacuum_analyze()


def _empty_table():
    with connection.cursor() as c:
        c.execute("TRUNCATE housing_longtenureflag, housing_flagdecision")
    _vacuum_analyze()


def _timed_committed(statements, params):
    """Seconds for the statements in one transaction of their own, COMMIT included; None past TIMEOUT_S."""
    t = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as c:
            c.execute(f"SET LOCAL statement_timeout = '{TIMEOUT_S}s'")
            for sql in statements:
                c.execute(sql, params)
    except OperationalError:
        return None
    return time.perf_counter() - t


def _params(as_of):
    from boveileder.models import Municipality
    from housing.selectors import expiry_horizon, tenure_cutoff

    rules = set(Municipality.objects.values_list("tenure_threshold_years", "expiry_window_months"))
    if len(rules) != 1:
        raise RuntimeError(f"the baseline takes one pair of thresholds; the dataset has {len(rules)}")
    m = Municipality.objects.first()
    return {
        "as_of": as_of,
        "cutoff": tenure_cutoff(municipality=m, as_of=as_of),
        "horizon": expiry_horizon(municipality=m, as_of=as_of),
    }


def _run_job(as_of):
    """The task's body as the worker runs it (its own transaction, committed): seconds, flags written."""
    from housing.tasks.flags import flags_raise_nightly

    before = _last_flag_pk()
    t = time.perf_counter()
    flags_raise_nightly(as_of.isoformat())
    return time.perf_counter() - t, _written_since(before), before


def measure_state(label, as_of, reset):
    """Each hand-written form, then the job, from the same state (`reset` makes it again after a run),
    ROUNDS times, the best of each kept; the job's flags of the last round stay."""
    params = _params(as_of)
    forms = {name: {"seconds": [], "flags": None} for name in FORMS}
    job_times = []
    for last_round in [False] * (ROUNDS - 1) + [True]:
        for name, statements in FORMS.items():
            if None in forms[name]["seconds"]:
                continue  # stopped once: not again
            before = _last_flag_pk()
            took = _timed_committed(statements, params)
            forms[name]["seconds"].append(took)
            forms[name]["flags"] = _written_since(before) if took is not None else None
            reset(before)
        took, written, before = _run_job(as_of)
        job_times.append(took)
        if not last_round:
            reset(before)
    best = {k: min((s for s in v["seconds"] if s is not None), default=None) for k, v in forms.items()}
    timed = {k: s for k, s in best.items() if s is not None}
    fastest = min(timed, key=timed.get)
    job = min(job_times)
    return {
        "state": label,
        "as_of": as_of,
        "job": job,
        "flags": len(written),
        "baseline": timed[fastest],
        "baseline_form": fastest,
        "forms": best,
        "ratio": job / timed[fastest],
        "same": all(v["flags"] == written for v in forms.values() if v["flags"] is not None),
    }


def measure(first_night):
    """The three states in order: the loaded data, the next night, the table analyzed as empty."""
    _vacuum_analyze()
    loaded = measure_state("the loaded data, first night", first_night, _undo_since)
    _vacuum_analyze()  # what autovacuum does after a night that wrote thousands of flags
    nxt = measure_state("the next night", first_night + timedelta(days=1), _undo_since)
    _empty_table()
    empty = measure_state(
        "the flag table freshly ANALYZEd as empty, first night", first_night, lambda _pk: _empty_table()
    )
    return [loaded, nxt, empty]
