"""The baseline for the report figures: the fastest hand-written SQL doing the work `figures()` does.

Equal work means every figure `reports.selectors.figures` returns by default (ALL_KEYS: docs/domain.md's
table, rotation, decisions and appeals), pooled over the municipalities in scope, by the same rules:

- a member of a household on a date has `left_on` empty or after that date;
- a child on a date was born after the same day 18 years earlier (`date - interval '18 years'`
  turns 29 February into 28 February, so someone born 29 February is an adult on 1 March of their
  18th year, as `Person.is_child_on`);
- a person who moved out is counted once: members and children on the *earliest* of the household's
  exits in the period (both conditions only get easier the earlier the date, so "on some exit" is
  "on the first exit");
- a long tenancy started at least the municipality's threshold before the last day (PostgreSQL's
  `date - make_interval(years => n)` clamps 29 February as `relativedelta` does);
- whole months lived are month differences less one when the day of the month is not reached.

How it is fast (checked with EXPLAIN ANALYZE on the national dataset, see tests/perf/fixes_reports.md):
each source is read once through its index by municipality and date (`municipality_id = ANY(...)`
is one index range per municipality, also for the whole country); the period's follow-ups are
grouped by household once and feed follow-ups, hours, households and persons; nothing is counted
DISTINCT that is unique already; start-up loans are read by their own municipality.
"""

from decimal import Decimal

BASELINE_SQL = """
WITH scope AS MATERIALIZED (
    SELECT id, (%(last)s::date - make_interval(years => tenure_threshold_years))::date AS long_cutoff
    FROM boveileder_municipality
    WHERE %(all)s OR id = ANY(%(ms)s::bigint[])
),
fu AS MATERIALIZED (
    SELECT f.household_id, count(*) AS n, sum(f.minutes) AS minutes
    FROM cases_followup f
    WHERE f.municipality_id = ANY(ARRAY(SELECT id FROM scope)) AND f.date BETWEEN %(first)s AND %(last)s
    GROUP BY f.household_id
),
assisted AS (
    SELECT count(*) AS households, coalesce(sum(n), 0) AS followups, sum(minutes) AS minutes FROM fu
),
members AS (
    SELECT count(*) AS persons,
           count(*) FILTER (WHERE p.birth_date > (%(last)s::date - interval '18 years')::date) AS children
    FROM fu JOIN cases_person p ON p.household_id = fu.household_id
    WHERE p.municipality_id = ANY(ARRAY(SELECT id FROM scope)) AND (p.left_on IS NULL OR p.left_on > %(last)s)
),
exits AS MATERIALIZED (
    SELECT t.household_id, t.move_out_reason, t.moved_out_on,
           (extract(year FROM t.moved_out_on) - extract(year FROM t.start_date)) * 12
           + extract(month FROM t.moved_out_on) - extract(month FROM t.start_date)
           - (extract(day FROM t.moved_out_on) < extract(day FROM t.start_date))::int AS months
    FROM housing_tenancy t
    WHERE t.municipality_id = ANY(ARRAY(SELECT id FROM scope))
      AND t.moved_out_on BETWEEN %(first)s AND %(last)s
      AND t.move_out_reason <> 'transfer'
      AND EXISTS (SELECT 1 FROM cases_followup f
                  WHERE f.household_id = t.household_id AND f.date <= t.moved_out_on)
),
exit_figures AS (
    SELECT count(*) FILTER (WHERE move_out_reason = 'bought') AS bought,
           count(*) FILTER (WHERE move_out_reason = 'private_rental') AS private_rental,
           count(*) AS freed,
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY months)::numeric, 1) AS median_months
    FROM exits
),
moved AS (
    SELECT count(*) AS persons,
           count(*) FILTER (WHERE p.birth_date > (e.first_exit - interval '18 years')::date) AS children
    FROM (SELECT household_id, min(moved_out_on) AS first_exit FROM exits GROUP BY household_id) e
    JOIN cases_person p ON p.household_id = e.household_id
    WHERE p.left_on IS NULL OR p.left_on > e.first_exit
),
received AS (
    SELECT count(*) AS n FROM cases_startloanapplication s
    WHERE s.municipality_id = ANY(ARRAY(SELECT id FROM scope))
      AND s.received_on BETWEEN %(first)s AND %(last)s
),
approved AS (
    SELECT count(*) AS n, coalesce(sum(s.loan_amount_nok), 0) AS amount FROM cases_startloanapplication s
    WHERE s.municipality_id = ANY(ARRAY(SELECT id FROM scope)) AND s.decided_on BETWEEN %(first)s AND %(last)s
      AND s.status IN ('approved', 'disbursed')
),
flags AS (
    SELECT count(*) FILTER (WHERE raised_on BETWEEN %(first)s AND %(last)s) AS raised,
           count(*) FILTER (WHERE resolved_on BETWEEN %(first)s AND %(last)s) AS resolved
    FROM housing_longtenureflag
    WHERE municipality_id = ANY(ARRAY(SELECT id FROM scope))
      AND (raised_on BETWEEN %(first)s AND %(last)s OR resolved_on BETWEEN %(first)s AND %(last)s)
),
let AS (
    SELECT count(*) FILTER (WHERE t.moved_out_on IS NULL OR t.moved_out_on > %(last)s) AS last_day,
           count(*) FILTER (WHERE (t.moved_out_on IS NULL OR t.moved_out_on > %(last)s)
                              AND t.start_date <= scope.long_cutoff) AS long_last_day,
           count(*) FILTER (WHERE t.start_date <= %(first)s
                              AND (t.moved_out_on IS NULL OR t.moved_out_on > %(first)s)) AS first_day
    FROM housing_tenancy t JOIN scope ON scope.id = t.municipality_id
    WHERE t.start_date <= %(last)s AND (t.moved_out_on IS NULL OR t.moved_out_on > %(first)s)
),
decisions AS (
    SELECT count(*) FILTER (WHERE d.outcome = 'granted') AS granted,
           count(*) FILTER (WHERE d.outcome = 'refused') AS refused
    FROM cases_decision d JOIN cases_household h ON h.id = d.household_id
    WHERE h.municipality_id = ANY(ARRAY(SELECT id FROM scope))
      AND d.status = 'approved' AND d.approved_on BETWEEN %(first)s AND %(last)s
),
appeals AS (
    SELECT count(*) FILTER (WHERE a.received_on BETWEEN %(first)s AND %(last)s) AS received,
           count(*) FILTER (WHERE a.forwarded_on BETWEEN %(first)s AND %(last)s) AS forwarded,
           count(*) FILTER (WHERE a.second_look = 'changed'
                              AND a.second_look_on BETWEEN %(first)s AND %(last)s) AS changed,
           count(*) FILTER (WHERE a.outcome = 'upheld' AND a.outcome_on BETWEEN %(first)s AND %(last)s)
               AS upheld,
           count(*) FILTER (WHERE a.outcome = 'reversed' AND a.outcome_on BETWEEN %(first)s AND %(last)s)
               AS reversed
    FROM cases_appeal a JOIN cases_decision d ON d.id = a.decision_id
         JOIN cases_household h ON h.id = d.household_id
    WHERE h.municipality_id = ANY(ARRAY(SELECT id FROM scope))
      AND (a.received_on BETWEEN %(first)s AND %(last)s OR a.forwarded_on BETWEEN %(first)s AND %(last)s
           OR a.second_look_on BETWEEN %(first)s AND %(last)s OR a.outcome_on BETWEEN %(first)s AND %(last)s)
)
SELECT (SELECT households FROM assisted), (SELECT persons FROM members), (SELECT children FROM members),
       (SELECT bought FROM exit_figures), (SELECT private_rental FROM exit_figures),
       (SELECT freed FROM exit_figures), (SELECT persons FROM moved), (SELECT children FROM moved),
       (SELECT n FROM received), (SELECT n FROM approved), (SELECT amount FROM approved),
       (SELECT followups FROM assisted), (SELECT round(coalesce(minutes, 0) / 60.0, 1) FROM assisted),
       (SELECT raised FROM flags), (SELECT resolved FROM flags),
       (SELECT last_day FROM let), (SELECT long_last_day FROM let),
       (SELECT round(100.0 * long_last_day / nullif(last_day, 0), 1) FROM let),
       (SELECT median_months FROM exit_figures),
       (SELECT round(100.0 * (SELECT freed FROM exit_figures) / nullif(first_day, 0), 1) FROM let),
       (SELECT granted FROM decisions), (SELECT refused FROM decisions),
       (SELECT received FROM appeals), (SELECT forwarded FROM appeals), (SELECT changed FROM appeals),
       (SELECT upheld FROM appeals), (SELECT reversed FROM appeals)
"""

# The columns of BASELINE_SQL, in order: the keys of `figures()` (reports.indicators.ALL_KEYS).
BASELINE_KEYS = (
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
    "tenancies_running_last_day",
    "long_tenancies_last_day",
    "long_tenancies_share_pct",
    "median_months_lived_exits",
    "units_freed_per_100_let",
    "decisions_granted",
    "decisions_refused",
    "appeals_received",
    "appeals_forwarded",
    "appeals_decision_changed",
    "appeals_upheld",
    "appeals_reversed",
)


def scope_ids(scope) -> list[int] | None:
    """The municipalities' ids: one municipality, several (a county, pooled), or None (the country)."""
    if scope is None:
        return None
    if hasattr(scope, "pk"):
        return [scope.pk]
    return [m.pk for m in scope]


def _plain(value):
    """As `figures()` gives it: whole numbers as int, one-decimal figures as float, empty as None."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent >= 0
            else float(value)
        )
    return value


def baseline_figures(cursor, scope, first, last) -> dict:
    """Run the baseline on a DB-API cursor: {key: value} for `scope` (see `scope_ids`) and the period."""
    ids = scope_ids(scope)
    cursor.execute(BASELINE_SQL, {"all": ids is None, "ms": ids or [], "first": first, "last": last})
    row = cursor.fetchone()
    return {key: _plain(value) for key, value in zip(BASELINE_KEYS, row, strict=True)}
