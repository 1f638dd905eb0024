"""Celery tasks of the cases app, one module per subject; import each here so Celery finds it."""

from . import letters, notices, retention  # noqa: F401
