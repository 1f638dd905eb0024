"""Test settings: the same as dev, but quick hashing and plain static storage."""

from .base import *  # noqa: F403
from .base import CACHES, STORAGES, env

SECRET_KEY = "test-only-not-secret-" + "y" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django runs with DEBUG off; the manifest storage would then need collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/boveileder-test-media")  # noqa: S108
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)

# Serve static files straight from the finders; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A Redis cache of its own for each test run (and the workers and servers it starts, which inherit the
# variable), so that nothing cached by an earlier run, on a database whose ids began again at 1, is
# taken for this run's.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    import os
    import uuid

    CACHES["default"]["KEY_PREFIX"] = os.environ.setdefault(
        "TEST_CACHE_PREFIX", f"test-{uuid.uuid4().hex[:12]}"
    )
