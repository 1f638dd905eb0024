"""Redis stopped under the product as deployed: a Redis of the test's own, and gunicorn on the test
database with it as its cache and broker (`tests/boveileder/test_redis_down.py`, and the browser
journey in `tests/e2e/test_redis_down_journey.py`). Only for `services` tests with transaction=True."""

import socket
import subprocess
import sys
import time

import pytest
import redis
import requests
from django.conf import settings

from tests import services
from tests.factories import CounsellorFactory, HouseholdFactory, ManagerFactory, MunicipalityFactory

PASSWORD = "Redis-ute-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, redis.exceptions.ConnectionError, requests.ConnectionError):
            pass
        time.sleep(0.2)
    raise TimeoutError(what)


@pytest.fixture
def own_redis():
    """A Redis of this test's own: (its URL, a function that stops it)."""
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    _wait(client.ping, "redis-server did not start")

    def stop():
        server.terminate()
        server.wait(timeout=10)
        with pytest.raises(redis.exceptions.ConnectionError):
            redis.Redis(port=port).ping()

    yield f"redis://127.0.0.1:{port}/0", stop
    server.kill()
    server.wait(timeout=10)


@pytest.fixture
def app_server(own_redis, tmp_path):
    """gunicorn (the server docker-compose.yml runs), one worker, on the test database and the test's own
    Redis as its cache and broker: (its URL, a function that stops the Redis, its log)."""
    url, stop_redis = own_redis
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "boveileder.settings.test",
        "DATABASE_URL": services.test_database_url(),
        "REDIS_URL": url,
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "boveileder.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=services.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    _wait(lambda: requests.get(f"{base}/healthz", timeout=2).status_code < 600, "gunicorn did not answer")
    yield base, stop_redis, log
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture
def staff():
    """A counsellor and a manager who sign in with PASSWORD, and a household the counsellor follows."""
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund")
    counsellor = CounsellorFactory(municipality=municipality, username="kari")
    manager = ManagerFactory(municipality=municipality, username="lise")
    for user in (counsellor, manager):
        user.set_password(PASSWORD)
        user.save()
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    return counsellor, manager, household
