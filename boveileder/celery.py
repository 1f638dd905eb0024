"""The Celery app. Tasks are thin: they take ids and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boveileder.settings.dev")

app = Celery("boveileder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
