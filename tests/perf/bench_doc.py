"""docs/performance.md from one run of `make bench`: every figure in it measured by that run; the
fixes of earlier rounds follow in a section of their own, marked as history."""

import contextlib
import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

from reports.dashboard import REFRESH_AFTER_SECONDS
from tests.perf.bench_locust import LONG_TIMELINE, LONG_TIMELINE_GOAL_S, NOT_A_PAGE, PAGE_GOAL_S

HERE = Path(__file__).parent
HISTORY = [HERE / "fixes.md", HERE / "fixes_reports.md"]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def num(n):
    return f"{n:,}".replace(",", " ")


def mark(met):
    return "✅ met" if met else "❌ missed"


def machine():
    mem = cpu = "?"
    with contextlib.suppress(OSError, AttributeError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 2**20:.1f} GiB"
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


def _failed(value):
    """A section that raised: its error, as the doc shows it."""
    return [f"**Not measured, so the bench failed:** {value}"]


def head(b, whole):
    mc = b.sections.get("machine")
    lines = [
        "# Performance at national scale",
        "",
        "Written by `make bench` (`.ci/bench` → `tests/perf/bench.py`). Every figure in this document, down",
        'to "History", was measured by the one run described here.',
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]
    if isinstance(mc, dict):
        lines += [
            f"- Machine: {mc['nproc']} cores (`nproc`), {mc['memory']} memory, {mc['cpu']}",
            f"- PostgreSQL {mc['postgres']}, Python {mc['python']}, DEBUG off",
            f"- Load average when the run ended: {mc['load']} (the machine was shared with other work)",
        ]
    lines.append(f"- The whole `make bench` (.venv if missing, reset, migrate, load, measure): {ms(whole)}")
    return lines


def goals(b):
    lines = ["", "## Goals", "", "| goal | measured | |", "|---|---|---|"]
    lines += [f"| {g} | {m} | {mark(ok)} |" for g, m, ok in b.goals]
    missed = [g for g, _m, ok in b.goals if not ok]
    summary = "; ".join(missed) if missed else "none"
    lines += ["", f"{len(b.goals) - len(missed)} of {len(b.goals)} goals met; missed: {summary}."]
    return lines


def dataset(b):
    lines = ["", "## The dataset", ""]
    seeded = b.sections.get("seed")
    if isinstance(seeded, dict):
        lines.append(
            f"`seed_demo --scale national` loaded in **{ms(seeded['seconds'])}** (generated in Python from "
            "the seed alone, as of a fixed day, loaded with COPY, then VACUUM ANALYZE):"
        )
        lines += ["", "```", *seeded["log"][-25:], "```"]
    elif seeded:
        lines += _failed(seeded)
    counts = b.sections.get("counts")
    if isinstance(counts, dict):
        lines += ["", "| rows | count |", "|---|---:|"] + [f"| {k} | {num(v)} |" for k, v in counts.items()]
    who = b.sections.get("personas")
    if isinstance(who, dict):
        people = "; ".join(
            f"{v['municipality']} ({v['units']} units; counsellor {v['counsellor'].username} with "
            f"{v['caseload']} open households)"
            for v in who.values()
        )
        lines += ["", f"Personas: {people}."]
    long = b.sections.get("long_household")
    if isinstance(long, dict):
        lines += [
            "",
            f"Added after loading, for the household page: a household of {long['municipality']} with "
            f"{num(long['events'])} timeline events (follow-ups logged through `followup_log`, "
            f"{ms(long['seconds'])}), and an empty one of the same counsellor.",
        ]
    return lines


def _page_row(r):
    if "error" in r:
        return f"| {r['page']} | {r['municipality']} | not measured: {r['error']} | | | | | |"
    goal = f"{r['goal']} ms" if r["goal"] != "–" else "–"
    return (
        f"| {r['page']} | {r['municipality']} | {ms(r['p50'])} | {ms(r['p95'])} | {goal} | "
        f"{ms(r['cpu50'])} | {ms(r['sql'])} | {r['queries']} |"
    )


def pages(b, samples):
    lines = [
        "",
        "## Pages in-process: server time and queries",
        "",
        f"{samples} requests per page and persona after 3 warm-up requests, one at a time through the",
        "Django test client (DEBUG off); queries counted on one request. CPU is the Django process's own",
        "CPU time (p50), SQL the database time of the counted request. The same pages under load, over",
        'HTTP, follow in "Load".',
        "",
        "| page | municipality | p50 | p95 | goal | CPU p50 | SQL | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = b.sections.get("pages")
    lines += [_page_row(r) for r in rows] if isinstance(rows, list) else _failed(rows)
    bg = b.sections.get("dashboard_background")
    lines += [
        "",
        "Right after a change, a manager's view of this quarter shows the figures from before it, marked "
        "as being updated (the page asks again every 2 s), while a worker computes them again; a view "
        "the background does not compute (another period, the year above) is computed on the spot. ",
    ]
    if isinstance(bg, dict):
        lines[-1] += (
            f"With a real Celery worker, after a change saved as the product saves it, the view was "
            f"computed again in **{ms(bg['p50'])}** (p50 of {bg['samples']} changes; at most "
            f"{ms(bg['max'])}), of which {REFRESH_AFTER_SECONDS} s is the wait that lets a burst of "
            "changes share one recompute."
        )
    else:
        lines += _failed(bg)
    return lines


def last_page(b):
    lines = ["", "## The last page of the longest list", ""]
    rows = b.sections.get("last_page")
    if not isinstance(rows, list):
        return lines + _failed(rows)
    lines += [
        "Lists of the Oslo-sized municipality, longest first; p50 of the first and the last page.",
        "",
        "| list | rows | pages | first page | last page | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    return lines + [
        f"| {r['list']} | {r['rows']} | {r['pages']} | {ms(r['first_p50'])} | {ms(r['last_p50'])} | "
        f"{r['ratio']:.2f}× |"
        for r in rows
    ]


def figures(b):
    lines = ["", "## Report figures", ""]
    rows = b.sections.get("figures")
    if not isinstance(rows, list):
        return lines + _failed(rows)
    lines += [
        "| scope | period | `figures()` | hand-written SQL | ratio | same numbers |",
        "|---|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['label']} | {r['first']:%d.%m.%Y}–{r['last']:%d.%m.%Y} | {ms(r['fn'])} | "
        f"{ms(r['sql'])} | {r['ratio']:.2f}× | {'yes' if not r['differ'] else r['differ']} |"
        for r in rows
    ]
    values = ", ".join(f"{k} {v}" for k, v in rows[-1]["values"].items())
    return [
        *lines,
        "",
        f"Figures for the country: {values}",
        "",
        "The baseline is `tests/perf/baseline_reports.py`: the fastest hand-written SQL found for the same "
        "work (every figure, the same rules), run alternately with `figures()`.",
    ]


def pdf(b):
    lines = ["", "## The quarterly PDF", ""]
    p = b.sections.get("pdf")
    if not isinstance(p, dict):
        return lines + _failed(p)
    lines.append(
        f"Rendered in a fresh process for the Oslo-sized municipality's last quarter, as a Celery worker "
        f"renders it: the worker loads WeasyPrint and matplotlib when it starts (`boveileder.pdf.preload`, "
        f"{ms(p.get('preload_seconds', 0))} here, once per worker process), then the report takes "
        f"**{ms(p['seconds'])}**, peak RSS of the process **{p['rss_mb']:.0f} MB** "
        f"({p['rss_before_mb']:.0f} MB before rendering), {p['bytes']} bytes; {p['cpu']:.1f} s of it was "
        "this process's own CPU time (the rest: PostgreSQL, and waiting)."
    )
    if "typical" in p:
        lines.append(
            f"For a typical municipality (median size, {p['typical_households']} households): "
            f"**{ms(p['typical']['seconds'])}**, peak RSS **{p['typical']['rss_mb']:.0f} MB**."
        )
    return lines


def _load_row(r):
    page_goal = LONG_TIMELINE_GOAL_S if r["name"] == LONG_TIMELINE else PAGE_GOAL_S
    goal = "–" if r["name"] in NOT_A_PAGE else ms(page_goal)
    return f"| {r['name']} | {r['requests']} | {r['failures']} | {ms(r['p50'])} | {ms(r['p95'])} | {goal} |"


def load(b):
    lines = ["", "## Load: locust through gunicorn", ""]
    lc = b.sections.get("locust")
    if not isinstance(lc, dict):
        return lines + _failed(lc)
    t, si = lc["total"], lc["sign_ins"]
    lines += [
        f"{lc['users']} users sign in, one a second, then use the product for {lc['seconds']} s, measured "
        f"from the moment all are in, against `gunicorn {lc['gunicorn']}` (the web service of "
        "`docker-compose.yml`) on loopback, the bench database, Redis as the cache: "
        f"**{t['rps']:.1f} requests/s**, p50 {ms(t['p50'])}, **p95 {ms(t['p95'])}**, {t['requests']} "
        f"requests, **{t['failures']} errors**; **{si['signed_in']} sign-ins, {si['failed']} failed**. "
        "Locust ran on the same two cores.",
        "",
        "Each user signs in with the demo password (a sign-in that lands on the login page again is a "
        "failure, and so is any page answered by the login page), then every 1–5 s opens its everyday page "
        "(counsellor: caseload; officer: units or flags; manager: dashboard, caseload, units) or a "
        "household of its caseload; Oslo's counsellors also open the household with 2 000 timeline "
        "events. Half the users are staff of the Oslo-sized municipality. The sign-ins are the password "
        "check (PBKDF2, Django's default 1 000 000 iterations, about a second of CPU each), slow on "
        "purpose: they are checked and counted while the load builds up, and the figures below start "
        "once all users are in (locust's `--reset-stats`), so they are pages under a steady load.",
        "",
        "| request | count | errors | p50 | p95 | goal |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    return lines + [_load_row(r) for r in lc["by_name"]]


def _flag_row(r):
    forms = "; ".join(
        f"{name} {ms(s) if s is not None else 'stopped after 20 s'}" for name, s in r["forms"].items()
    )
    return (
        f"| {r['state']} ({r['as_of']:%d.%m.%Y}) | {num(r['flags'])} | **{ms(r['job'])}** | "
        f"{ms(r['baseline'])} ({r['baseline_form']}) | **{r['ratio']:.2f}×** | {forms} | "
        f"{'yes' if r['same'] else 'NO'} |"
    )


def flag_job(b):
    lines = ["", "## The flag job", ""]
    rows = b.sections.get("flag_job")
    if not isinstance(rows, list):
        return lines + _failed(rows)
    from tests.perf.bench_flags import ANTI_JOIN, READ_THEN_WRITE, SUMMARY

    lines += [
        "The nightly task `flags_raise_nightly` over every municipality, committed (so the deferred "
        "foreign-key checks of every flag written are in its time), against the fastest of three "
        "hand-written INSERTs doing the same work, each committed too, from the same state of the flag "
        "table (the flags a run wrote are deleted and the table vacuumed and analyzed again before the "
        "next). The job's flags are the same rows as each hand-written form's.",
        "",
        "| state | flags written | the job | baseline (fastest) | ratio | each hand-written form | same |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    lines += [_flag_row(r) for r in rows]
    lines += ["", "The hand-written forms:", "", "```sql", ANTI_JOIN.strip(), "```", "", "```sql"]
    lines += [SUMMARY.strip(), "```", "", "```sql", *(sql.strip() + ";" for sql in READ_THEN_WRITE), "```"]
    return lines


def _empty_state(b):
    rows = b.sections.get("flag_job")
    return next((r for r in rows if "empty" in r["state"]), None) if isinstance(rows, list) else None


def _household_queries(b):
    rows = b.sections.get("pages")
    if not isinstance(rows, list):
        return "?"
    counts = {r["queries"] for r in rows if r["key"].startswith("household") and "queries" in r}
    return "/".join(str(c) for c in sorted(counts)) or "?"


def _state(b, word):
    rows = b.sections.get("flag_job")
    return next((r for r in rows if word in r["state"]), None) if isinstance(rows, list) else None


def _page(b, key, who="oslo"):
    rows = b.sections.get("pages")
    found = [r for r in rows if r["key"] == key and r["who"] == who] if isinstance(rows, list) else []
    return found[0] if found and "p95" in found[0] else None


def this_round(b):
    """This round's fixes, each with what this run measured of it."""
    empty, nxt = _empty_state(b), _state(b, "next night")
    old_shape = empty["forms"].get("anti-join (NOT EXISTS)") if empty else None
    before = "stopped after 20 s" if empty and old_shape is None else ms(old_shape) if old_shape else "?"
    after = ms(empty["job"]) if empty else "?"
    group_by = ms(nxt["forms"]["one GROUP BY pass"]) if nxt and nxt["forms"].get("one GROUP BY pass") else "?"
    caseload, updating, year = (
        _page(b, "caseload"),
        _page(b, "dashboard_recomputed"),
        _page(b, "dashboard_year_recomputed"),
    )
    long = _page(b, "household_long")
    return [
        "",
        "## Fixes of this round, and what each bought in this run",
        "",
        "| fix | where | bought (this run) |",
        "|---|---|---|",
        "| The flag job reads the due tenancies (`flags_due`, the rule's one definition) whole into a "
        "temporary table, then INSERTs them: no statement reads the flag table while it writes it, and a "
        "read alone is planned on the table's real size. Before: one INSERT summarising each tenancy's "
        "flags in a GROUP BY pass | `housing/services/flags.py` | the next night: the job "
        f"{ms(nxt['job']) if nxt else '?'} where the GROUP BY shape (hand-written) takes {group_by}; "
        f"the table analyzed as empty: the anti-join in one INSERT {before}, the job {after} |",
        "| The municipalities with new flags are told that their figures changed in one round trip to "
        "Redis (`data_changed(*ids)`, `set_many`) | `boveileder/changes.py` | 356 × 2 cache writes → 2 "
        "on the first night |",
        "| The session's idle deadline is written at most once a minute when nothing else in the session "
        "changed | `boveileder/sessions.py` | one UPDATE fewer on nearly every page: the caseload "
        f"13 → **{caseload['queries'] if caseload else '?'}** queries |",
        "| Right after a change the managers' view of this quarter shows the figures from before, marked "
        "as being updated, while a worker computes them again (at most a minute; without a worker, or "
        "for another period, they are computed on the spot) | `reports/dashboard.py` | the first visit "
        f"after a change: p95 **{ms(updating['p95']) if updating else '?'}** instead of computing on "
        f"the spot (the year's view: p95 {ms(year['p95']) if year else '?'}) |",
        "| The household page's timeline in pages of 50 events instead of 100 (on a phone 100 made some "
        "twenty-five screens), the «Correct» links of a page made at the cost of one reverse, each event "
        "worded once | `cases/views/households.py`, `cases/models.py` | the household with 2 000 events: "
        f"p95 **{ms(long['p95']) if long else '?'}** in-process, "
        f"{long['queries'] if long else '?'} queries |",
        "| Locust measures the pages once all users are in (`--reset-stats`); the sign-ins before are "
        "each checked and counted | `tests/perf/bench_locust.py`, `tests/perf/locustfile.py` | a "
        "measurement, not a fix: the 100 sign-ins (about a second of CPU each) no longer fall inside "
        "the pages' figures |",
    ]


def history():
    lines = [
        "",
        "## History: fixes of earlier rounds (not measured by this run)",
        "",
        "What earlier rounds changed and what each bought when it was made, kept for the record: these",
        "figures come from those rounds' runs, not from the run above.",
    ]
    for path in HISTORY:
        if path.exists():
            text = path.read_text().strip()
            lines += ["", re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)]
    return lines


def reproduce():
    return [
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench            # PostgreSQL at 127.0.0.1 as user postgres; database bov_bench is recreated",
        "BENCH_DATABASE_URL=postgres://user@host:5432/my_bench make bench  # name must contain 'bench'",
        "BENCH_REDIS_URL=redis://127.0.0.1:6379/11 make bench              # Redis db for the cache",
        "```",
        "",
        "`make bench` is not part of `make test`; it exits non-zero when a goal is missed or could not be",
        "measured. The national dataset alone: `DATABASE_URL=… python manage.py seed_demo --scale national`.",
        "",
    ]


def write(b, *, whole, samples, path):
    """The whole document, section by section."""
    lines = head(b, whole) + goals(b) + dataset(b) + pages(b, samples) + last_page(b)
    lines += figures(b) + pdf(b) + load(b) + flag_job(b) + this_round(b) + history() + reproduce()
    path.write_text("\n".join(lines))
