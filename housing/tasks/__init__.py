"""Celery tasks of the housing app, one module per subject; import each here so Celery finds it."""

from housing.tasks import flags, tenancies  # noqa: F401
