"""Test settings: the same as dev, but quick hashing and plain static storage."""

import os
import uuid

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, STORAGES, env

# Under pytest-xdist each worker (gw0, gw1, …) has its own test database (pytest-django), and here its
# own Redis database (cache and Celery broker) and media folder, so that parallel tests, and the
# Celery workers they start (which are given REDIS_URL and TEST_MEDIA_ROOT), never meet.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and REDIS_URL:
    REDIS_URL = f"{REDIS_URL.rstrip('/').rsplit('/', 1)[0]}/{1 + int(XDIST_WORKER.removeprefix('gw'))}"
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL

SECRET_KEY = "test-only-not-secret-" + "y" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django runs with DEBUG off; the manifest storage would then need collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default=f"/tmp/boveileder-test-media{XDIST_WORKER}")  # noqa: S108
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)

# Serve static files straight from the finders; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A Redis cache of its own for each test run (and the workers and servers it starts, which inherit the
# variable), so that nothing cached by an earlier run, on a database whose ids began again at 1, is
# taken for this run's.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["KEY_PREFIX"] = os.environ.setdefault(
        "TEST_CACHE_PREFIX", f"test-{uuid.uuid4().hex[:12]}"
    )
