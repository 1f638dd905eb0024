"""Our own checks must be able to fail: under CI (`CI_STRICT=1`, exported by .ci/run) a test that
needs PostgreSQL and Redis fails when they are not configured, where a developer's run skips it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES_TEST = "tests/boveileder/test_backup.py::test_the_drill_fails_when_the_restore_misses_rows"


def _pytest(**env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CI_STRICT")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", SERVICES_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ci_fails_a_services_test_when_postgresql_or_redis_is_missing():
    result = _pytest(CI_STRICT="1")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout and "CI_STRICT=1" in result.stdout  # fails in its set-up


def test_a_developer_run_without_the_services_skips_it():
    result = _pytest()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout


def test_ci_runs_make_test_strictly():
    script = (ROOT / ".ci" / "run").read_text()
    assert "export CI_STRICT=1" in script and script.rstrip().endswith("make test")
