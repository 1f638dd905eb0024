"""The Celery app. Tasks are thin: they take ids and call a service."""

import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boveileder.settings.dev")

app = Celery("boveileder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def _preload_pdf(**kwargs):
    """Workers render the PDFs: load the PDF libraries when a worker (or a pool process) starts,
    not when the first manager waits for a report."""
    from boveileder.pdf import preload

    preload()
