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


def start(hash_seed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.demo.national_fingerprint"],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def fingerprint(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-3000:]
    return out.strip().splitlines()[-1]


def test_the_national_dataset_is_the_same_from_its_seed_alone():
    # Both at once, one per core: the test is about their output, not their order.
    processes = start("1"), start("2")
    first, second = (fingerprint(p) for p in processes)
    assert first == second, "the rows depend on the process's string hash seed"
    assert first == FINGERPRINT, f"the generated rows changed: {first}"
