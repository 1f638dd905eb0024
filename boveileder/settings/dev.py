"""Local development and `make run`: the embedded default (SQLite, Celery eager)."""

from .base import *  # noqa: F403
from .base import STORAGES, env

# Off unless asked for (DEBUG=true in .env): `make run` serves as production does, with the site's
# own 404/403/500 pages, never Django's debug page listing every URL.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)

# Serve static files straight from the finders through whitenoise, DEBUG or not; no collectstatic
# needed. Plain storage: the manifest storage would need collectstatic's manifest once DEBUG is off.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
