"""The indicators' counts for PostgreSQL as one statement, grouped by municipality.

`reports.indicators` holds the definitions (a condition per indicator on the rows of its source)
and computes them with the ORM on any database. On PostgreSQL the whole report is this one
statement instead, written once at import and run with the period and the municipalities as
parameters (a call costs no query building), reading each source once through its index by
municipality and date: `municipality_id = ANY(...)` is one index range per municipality, also for
the whole country. tests/reports/test_figures_sql.py holds it equal to the ORM's definitions.

The rules, as the definitions say them:
- the period's follow-ups are grouped by household once, which gives the follow-ups, their
  minutes, the households assisted and (joined to their members) the persons assisted;
- a member on a date has `left_on` empty or after it; a child on a date was born after the same
  day 18 years earlier (PostgreSQL turns 29 February into 28 February there, so someone born
  29 February is an adult on 1 March of their 18th year, as `Person.is_child_on`);
- a person who moved out counts once, as a member (and child) on the earliest of their household's
  exits in the period: both conditions only get easier the earlier the date;
- a long tenancy started on or before the last day less the municipality's threshold in years
  (`date - make_interval(years => n)` clamps 29 February as `relativedelta` does);
- whole months lived: the month difference, less one when the day of the month is not reached.
The median and the shares are left to the indicators' own functions (on the counts and months).
"""

# (column, indicator key or an internal name starting with "_"), in the statement's order.
COLUMNS = (
    "households_assisted",
    "followups",
    "followup_hours",  # the minutes summed; the indicator turns them into hours
    "persons_assisted",
    "children_assisted",
    "households_bought_home",
    "households_moved_to_private_rental",
    "municipal_units_freed",
    "_exit_months",
    "persons_moved_out",
    "children_moved_out",
    "startloan_applications_received",
    "startloan_applications_approved",
    "startloan_amount_approved_nok",
    "long_tenure_flags_raised",
    "long_tenure_flags_resolved",
    "tenancies_running_last_day",
    "long_tenancies_last_day",
    "_let_first_day",
    "decisions_granted",
    "decisions_refused",
    "appeals_received",
    "appeals_forwarded",
    "appeals_decision_changed",
    "appeals_upheld",
    "appeals_reversed",
)
# Sums (empty when no row is summed), not counts (0 when none is counted).
SUMS = {"followup_hours", "startloan_amount_approved_nok"}


IN_SCOPE = "ANY(ARRAY(SELECT id FROM scope))"


def _statement(*, grouped: bool) -> str:
    """The statement: one row per municipality in scope (`grouped`), or one row for them all."""

    def key(alias, then=""):
        return f"{alias}municipality_id{then}" if grouped else ("" if then else "0")

    def group(alias):
        return f"GROUP BY {alias}municipality_id" if grouped else ""

    rows = "scope" if grouped else "(SELECT 0 AS id)"
    return f"""
WITH scope AS MATERIALIZED (
    SELECT id, (%(last)s::date - make_interval(years => tenure_threshold_years))::date AS long_cutoff
    FROM boveileder_municipality WHERE %(all)s OR id = ANY(%(ms)s::bigint[])
),
fu AS MATERIALIZED (
    SELECT {key("")} AS municipality_id, household_id, count(*) AS n, sum(minutes) AS minutes
    FROM cases_followup
    WHERE municipality_id = {IN_SCOPE} AND date BETWEEN %(first)s AND %(last)s
    GROUP BY {key("", ", ")}household_id
),
assisted AS (
    SELECT {key("")} AS municipality_id, count(*) AS households, sum(n) AS followups,
           sum(minutes) AS minutes
    FROM fu {group("")}
),
members AS (
    SELECT {key("p.")} AS municipality_id, count(*) AS persons,
           count(*) FILTER (WHERE p.birth_date > (%(last)s::date - interval '18 years')::date) AS children
    FROM fu JOIN cases_person p ON p.household_id = fu.household_id
    WHERE p.municipality_id = {IN_SCOPE} AND (p.left_on IS NULL OR p.left_on > %(last)s)
    {group("p.")}
),
exit_rows AS MATERIALIZED (
    SELECT t.municipality_id, t.household_id, t.move_out_reason, t.moved_out_on,
           ((extract(year FROM t.moved_out_on) - extract(year FROM t.start_date)) * 12
            + extract(month FROM t.moved_out_on) - extract(month FROM t.start_date)
            - (extract(day FROM t.moved_out_on) < extract(day FROM t.start_date))::int)::int AS months
    FROM housing_tenancy t
    WHERE t.municipality_id = {IN_SCOPE}
      AND t.moved_out_on BETWEEN %(first)s AND %(last)s
      AND t.move_out_reason <> 'transfer'
      AND EXISTS (SELECT 1 FROM cases_followup f
                  WHERE f.household_id = t.household_id AND f.date <= t.moved_out_on)
),
exits AS (
    SELECT {key("")} AS municipality_id,
           count(*) FILTER (WHERE move_out_reason = 'bought') AS bought,
           count(*) FILTER (WHERE move_out_reason = 'private_rental') AS private_rental,
           count(*) AS freed, array_agg(months) AS months
    FROM exit_rows {group("")}
),
moved AS (
    SELECT {key("e.")} AS municipality_id, count(*) AS persons,
           count(*) FILTER (WHERE p.birth_date > (e.first_exit - interval '18 years')::date) AS children
    FROM (SELECT {key("", ", ")}household_id, min(moved_out_on) AS first_exit
          FROM exit_rows GROUP BY {key("", ", ")}household_id) e
    JOIN cases_person p ON p.household_id = e.household_id
    WHERE p.left_on IS NULL OR p.left_on > e.first_exit
    {group("e.")}
),
received AS (
    SELECT {key("")} AS municipality_id, count(*) AS n FROM cases_startloanapplication
    WHERE municipality_id = {IN_SCOPE} AND received_on BETWEEN %(first)s AND %(last)s
    {group("")}
),
approved AS (
    SELECT {key("")} AS municipality_id, count(*) AS n, sum(loan_amount_nok) AS amount
    FROM cases_startloanapplication
    WHERE municipality_id = {IN_SCOPE} AND decided_on BETWEEN %(first)s AND %(last)s
      AND status IN ('approved', 'disbursed')
    {group("")}
),
flags AS (
    SELECT {key("")} AS municipality_id,
           count(*) FILTER (WHERE raised_on BETWEEN %(first)s AND %(last)s) AS raised,
           count(*) FILTER (WHERE resolved_on BETWEEN %(first)s AND %(last)s) AS resolved
    FROM housing_longtenureflag
    WHERE municipality_id = {IN_SCOPE}
      AND (raised_on BETWEEN %(first)s AND %(last)s OR resolved_on BETWEEN %(first)s AND %(last)s)
    {group("")}
),
let AS (
    SELECT {key("t.")} AS municipality_id,
           count(*) FILTER (WHERE t.moved_out_on IS NULL OR t.moved_out_on > %(last)s) AS last_day,
           count(*) FILTER (WHERE (t.moved_out_on IS NULL OR t.moved_out_on > %(last)s)
                              AND t.start_date <= scope.long_cutoff) AS long_last_day,
           count(*) FILTER (WHERE t.start_date <= %(first)s
                              AND (t.moved_out_on IS NULL OR t.moved_out_on > %(first)s)) AS first_day
    FROM housing_tenancy t JOIN scope ON scope.id = t.municipality_id
    WHERE t.start_date <= %(last)s AND (t.moved_out_on IS NULL OR t.moved_out_on > %(first)s)
    {group("t.")}
),
decisions AS (
    SELECT {key("h.")} AS municipality_id,
           count(*) FILTER (WHERE d.outcome = 'granted') AS granted,
           count(*) FILTER (WHERE d.outcome = 'refused') AS refused
    FROM cases_decision d JOIN cases_household h ON h.id = d.household_id
    WHERE h.municipality_id = {IN_SCOPE}
      AND d.status = 'approved' AND d.approved_on BETWEEN %(first)s AND %(last)s
    {group("h.")}
),
appeals AS (
    SELECT {key("h.")} AS municipality_id,
           count(*) FILTER (WHERE a.received_on BETWEEN %(first)s AND %(last)s) AS received,
           count(*) FILTER (WHERE a.forwarded_on BETWEEN %(first)s AND %(last)s) AS forwarded,
           count(*) FILTER (WHERE a.second_look = 'changed'
                              AND a.second_look_on BETWEEN %(first)s AND %(last)s) AS changed,
           count(*) FILTER (WHERE a.outcome = 'upheld' AND a.outcome_on BETWEEN %(first)s AND %(last)s)
               AS upheld,
           count(*) FILTER (WHERE a.outcome = 'reversed' AND a.outcome_on BETWEEN %(first)s AND %(last)s)
               AS reversed
    FROM cases_appeal a JOIN cases_decision d ON d.id = a.decision_id
         JOIN cases_household h ON h.id = d.household_id
    WHERE h.municipality_id = {IN_SCOPE}
      AND (a.received_on BETWEEN %(first)s AND %(last)s OR a.forwarded_on BETWEEN %(first)s AND %(last)s
           OR a.second_look_on BETWEEN %(first)s AND %(last)s OR a.outcome_on BETWEEN %(first)s AND %(last)s)
    {group("h.")}
)
SELECT rows.id,
       coalesce(assisted.households, 0), coalesce(assisted.followups, 0), assisted.minutes,
       coalesce(members.persons, 0), coalesce(members.children, 0),
       coalesce(exits.bought, 0), coalesce(exits.private_rental, 0), coalesce(exits.freed, 0),
       coalesce(exits.months, '{{}}'),
       coalesce(moved.persons, 0), coalesce(moved.children, 0),
       coalesce(received.n, 0), coalesce(approved.n, 0), approved.amount,
       coalesce(flags.raised, 0), coalesce(flags.resolved, 0),
       coalesce(let.last_day, 0), coalesce(let.long_last_day, 0), coalesce(let.first_day, 0),
       coalesce(decisions.granted, 0), coalesce(decisions.refused, 0),
       coalesce(appeals.received, 0), coalesce(appeals.forwarded, 0), coalesce(appeals.changed, 0),
       coalesce(appeals.upheld, 0), coalesce(appeals.reversed, 0)
FROM {rows} AS rows
LEFT JOIN assisted ON assisted.municipality_id = rows.id
LEFT JOIN members ON members.municipality_id = rows.id
LEFT JOIN exits ON exits.municipality_id = rows.id
LEFT JOIN moved ON moved.municipality_id = rows.id
LEFT JOIN received ON received.municipality_id = rows.id
LEFT JOIN approved ON approved.municipality_id = rows.id
LEFT JOIN flags ON flags.municipality_id = rows.id
LEFT JOIN let ON let.municipality_id = rows.id
LEFT JOIN decisions ON decisions.municipality_id = rows.id
LEFT JOIN appeals ON appeals.municipality_id = rows.id
"""  # noqa: S608 - assembled from the constants above, no input


# Both written once, at import: a call binds its period and municipalities and runs one of them.
GROUPED_SQL = _statement(grouped=True)
POOLED_SQL = _statement(grouped=False)


# Prepared once per database session, so a call is planned once, not each time (planning this
# statement costs more than running it for a small municipality): $1 all, $2 ids, $3 first, $4 last.
PARAMETERS = {"%(all)s": "$1", "%(ms)s": "$2", "%(first)s": "$3", "%(last)s": "$4"}
STATEMENTS = {"reports_figures_grouped": GROUPED_SQL, "reports_figures_pooled": POOLED_SQL}


def _prepared(sql: str) -> str:
    for name, number in PARAMETERS.items():
        sql = sql.replace(name, number)
    return sql


def _run(cursor, name, ids, first, last):
    session = cursor.db.connection  # the driver's connection: a new one is a new session
    done = session.__dict__.setdefault("reports_prepared", set())
    if name not in done:
        session.execute(f"PREPARE {name} (boolean, bigint[], date, date) AS {_prepared(STATEMENTS[name])}")
        done.add(name)
    cursor.execute(f"EXECUTE {name} (%s, %s, %s, %s)", [ids is None, ids or [], first, last])
    return {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in cursor.fetchall()}


def counts_by_municipality(cursor, ids: list[int] | None, first, last) -> dict[int, dict]:
    """{municipality id: {column: raw count, sum or months}} for the municipalities `ids` (None: all)."""
    return _run(cursor, "reports_figures_grouped", ids, first, last)


def counts_pooled(cursor, ids: list[int] | None, first, last) -> dict:
    """{column: raw count, sum or months} of the municipalities `ids` (None: all) together."""
    return _run(cursor, "reports_figures_pooled", ids, first, last)[0]
