"""Test settings: the same as dev, but quick hashing and plain static storage."""

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = "test-only-not-secret-" + "y" * 40
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# pytest-django runs with DEBUG off; the manifest storage would then need collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/boveileder-test-media")  # noqa: S108
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)

# Serve static files straight from the finders; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
