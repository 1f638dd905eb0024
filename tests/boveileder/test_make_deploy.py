"""`make` passes no development-only switch to what it runs: `check --deploy` run through make is
as clean as run by hand (DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests need, is set by their
own conftest, not exported by the Makefile to every target)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_check_deploy_run_through_make_is_clean():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "MAKEFLAGS")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="boveileder.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="boveileder.kommune.no",
    )
    # A target of our own, run with the environment the Makefile gives every recipe.
    probe = "deploy-probe: ; @$(PY) manage.py check --deploy --fail-level WARNING"
    result = subprocess.run(
        ["make", "-s", "--eval", probe, "deploy-probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "async.E001" not in result.stdout + result.stderr
    assert "no issues" in result.stdout
