"""Pages as users get them: locust against gunicorn over HTTP, started as docker-compose.yml starts the
web service (its workers, its access log), on the bench database with Redis as the cache."""

import csv
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USERS = 100
SPAWN_RATE = 1  # users signing in per second while the load builds up (100 s for all)
RAMP_SECONDS = USERS // SPAWN_RATE
# Measured once all users are in (locust's --reset-stats), for this long: the sign-ins before it are
# each checked all the same (the locustfile counts them).
SECONDS = int(os.environ.get("BENCH_LOCUST_SECONDS", "300"))
PAGE_GOAL_S = 0.150
LONG_TIMELINE_GOAL_S = 0.100
LONG_TIMELINE = "household page, 2 000 events"
# The password check is slow by design (PBKDF2, Django's 1 000 000 iterations): a sign-in, not a page.
NOT_A_PAGE = {"login"}
SCRATCH = Path("/tmp")


def compose_gunicorn_args():
    """The web service's gunicorn arguments in docker-compose.yml, without its bind address."""
    text = (ROOT / "docker-compose.yml").read_text()
    line = next(x for x in text.splitlines() if '"gunicorn"' in x and "command" in x)
    args = json.loads(line.split(":", 1)[1].strip())[1:]
    if "--bind" in args:
        i = args.index("--bind")
        del args[i : i + 2]
    return args


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _personas(long_household):
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
    path = SCRATCH / "bov_bench_users.json"
    path.write_text(json.dumps({"oslo": oslo, "other": rest, "long_household": long_household}))
    return path


def _wait_for(url):
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server on loopback
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url}")


def _locust(port, env):
    prefix = SCRATCH / "bov_bench_locust"
    run = subprocess.run(
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            *("-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{RAMP_SECONDS + SECONDS}s"),
            *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix)),
            "--reset-stats",
            "--only-summary",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=RAMP_SECONDS + SECONDS + 180,
    )
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    sign_ins = json.loads(Path(env["BENCH_LOGINS"]).read_text())
    return rows, sign_ins, run.stderr[-2000:]


def _row(r):
    return {
        "name": r["Name"],
        "requests": int(r["Request Count"]),
        "failures": int(r["Failure Count"]),
        "rps": float(r["Requests/s"]),
        "p50": float(r["50%"]) / 1000,
        "p95": float(r["95%"]) / 1000,
    }


def run_load(long_household):
    """Start gunicorn, run locust, stop gunicorn; the figures per request name and in total."""
    from demo.data import DEMO_PASSWORD

    if not os.environ.get("REDIS_URL"):
        raise RuntimeError("no Redis: the pages must be measured with Redis as their cache, as deployed")
    users_file = _personas(long_household)
    port = _free_port()
    logins = SCRATCH / "bov_bench_logins.json"
    logins.unlink(missing_ok=True)
    env = {
        **os.environ,
        "BENCH_USERS": str(users_file),
        "BENCH_PASSWORD": DEMO_PASSWORD,
        "BENCH_LOGINS": str(logins),
    }
    args = compose_gunicorn_args()
    log = (SCRATCH / "bov_bench_gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), *args, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        rows, sign_ins, stderr = _locust(port, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    total = _row(next(r for r in rows if r["Name"] == "Aggregated"))
    return {
        "users": USERS,
        "spawn_rate": SPAWN_RATE,
        "seconds": SECONDS,
        "gunicorn": " ".join(args),
        "total": total,
        "sign_ins": sign_ins,
        "by_name": [_row(r) for r in rows if r["Name"] != "Aggregated"],
        "stderr": stderr,
    }


def goals(b, result):
    """0 errors (a sign-in sent back to the login page counts), p95 per page."""
    total, sign_ins = result["total"], result["sign_ins"]
    b.goal(
        f"Locust, {result['users']} users for {result['seconds'] // 60} min through gunicorn: 0 errors "
        "(every sign-in checked)",
        f"{total['failures']} of {total['requests']} requests; "
        f"{sign_ins['failed']} of {sign_ins['signed_in'] + sign_ins['failed']} sign-ins",
        total["failures"] == 0
        and total["requests"] > 0
        and sign_ins["failed"] == 0
        and sign_ins["signed_in"] == result["users"],
    )
    pages = [r for r in result["by_name"] if r["name"] not in NOT_A_PAGE]
    worst = max(pages, key=lambda r: r["p95"] if r["name"] != LONG_TIMELINE else 0)
    b.goal(
        "Locust: p95 ≤ 150 ms for every page",
        f"worst {worst['p95'] * 1000:.0f} ms ({worst['name']})",
        all(r["p95"] <= PAGE_GOAL_S for r in pages),
    )
    long = next((r for r in pages if r["name"] == LONG_TIMELINE), None)
    b.goal(
        "Locust: the household page with 2 000 timeline events p95 ≤ 100 ms",
        f"{long['p95'] * 1000:.0f} ms ({long['requests']} requests)" if long else "never requested",
        bool(long) and long["p95"] <= LONG_TIMELINE_GOAL_S and long["requests"] > 0,
    )
