"""Celery tasks of the housing app, one module per subject; import each here so Celery finds it."""

from housing.tasks import flags  # noqa: F401, E402
from housing.tasks import exchange  # noqa: F401, E402
