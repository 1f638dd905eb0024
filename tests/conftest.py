import os

import pytest

from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    OfficerFactory,
)

SERVICES_MISSING = "needs DATABASE_URL on PostgreSQL and REDIS_URL (as in .ci/run)"


def _has_services() -> bool:
    from django.conf import settings

    return bool(settings.REDIS_URL) and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need the real PostgreSQL and Redis: skip them on the embedded default.
    Under CI (`CI_STRICT=1`, set by .ci/run) they fail instead: a green CI must have run them."""
    if _has_services() or os.environ.get("CI_STRICT") == "1":
        return
    skip = pytest.mark.skip(reason=SERVICES_MISSING)
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_setup(item):
    if "services" in item.keywords and os.environ.get("CI_STRICT") == "1" and not _has_services():
        pytest.fail(f"CI_STRICT=1: this test {SERVICES_MISSING}; it may not be skipped in CI", pytrace=False)


@pytest.fixture(autouse=True)
def no_cached_figures():
    """Each test starts without cached figures or job leases: ids come back in a new test (SQLite
    reuses them after a rollback, a new test database restarts its sequences), and the cache outlives
    both (a lease left by an earlier test's letter 1 would stop this test's letter 1)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from boveileder.changes import KEY_PATTERN

    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()
    else:
        client = cache.client.get_client(write=True)
        for pattern in (f"*{KEY_PATTERN}*", "*lease:*", "*lease-attempts:*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Ålesund", slug="alesund")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Molde", slug="molde")


@pytest.fixture
def counsellor(municipality):
    return CounsellorFactory(municipality=municipality, username="kari")


@pytest.fixture
def officer(municipality):
    return OfficerFactory(municipality=municipality, username="ola")


@pytest.fixture
def manager(municipality):
    return ManagerFactory(municipality=municipality, username="lise")


@pytest.fixture
def other_counsellor(other_municipality):
    return CounsellorFactory(municipality=other_municipality, username="per")


@pytest.fixture
def other_manager(other_municipality):
    return ManagerFactory(municipality=other_municipality, username="molde-leder")


@pytest.fixture
def household(municipality, counsellor):
    return HouseholdFactory(municipality=municipality, counsellor=counsellor)


@pytest.fixture
def client_for(client):
    """Log the test client in as a given user: `client_for(counsellor).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real Celery worker in its own process on the test database and Redis (services tests only)."""
    from boveileder.celery import app
    from tests.services import CeleryWorker

    app.control.purge()
    worker = CeleryWorker(tmp_path).start()
    yield worker
    worker.stop()
