"""The national dataset is the same from its seed alone: whatever the day it is made, whatever the
process's string hash seed. The fingerprint is pinned, so a change of the rows is seen and meant."""

import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
# The small scale with the generator's defaults. A deliberate change of the generated rows changes
# it: run `python -m tests.demo.national_fingerprint` and put the new value here.
FINGERPRINT = "46e3ca96fc14a0190562d6a2f0eb3905f1fee6fff72d32dc326a433865afe4d1"


def run(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.demo.national_fingerprint"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_national_dataset_is_the_same_from_its_seed_alone():
    first, second = run("1"), run("2")
    assert first == second, "the rows depend on the process's string hash seed"
    assert first == FINGERPRINT, f"the generated rows changed: {first}"
