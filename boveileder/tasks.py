from celery import shared_task
from django.db import connection


@shared_task(name="boveileder.tasks.ping_database")
def ping_database() -> str:
    """Health of the worker's own database connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


@shared_task(name="boveileder.form_submissions_sweep")
def form_submissions_sweep() -> int:
    """Forget the one-time tokens of forms sent more than two days ago."""
    from boveileder.once import form_submissions_sweep as sweep

    return sweep()
