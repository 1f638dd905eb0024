"""Loaded by sitecustomize in a fault test's Celery worker when BOVEILEDER_TEST_HOLD_DIR is set: holds
an import (inside its transaction, after the first rows), an export, a funder report's and a decision
letter's rendering in the middle, and a letter's SvarUt send after SvarUt took it and before it is
recorded, for as long as the file `<dir>/<job>.hold` exists, having written the pool process's id to
`<dir>/<job>.pid`, so a test can SIGKILL that process while the job runs."""

import os
import time
from pathlib import Path

FOLDER = Path(os.environ["BOVEILEDER_TEST_HOLD_DIR"])


def hold(job: str) -> None:
    if not (FOLDER / f"{job}.hold").exists():
        return
    (FOLDER / f"{job}.pid").write_text(str(os.getpid()))
    while (FOLDER / f"{job}.hold").exists():
        time.sleep(0.1)


def install(**kwargs) -> None:
    from cases.services import decisions
    from exchange import jobs
    from reports.services import funder_reports

    cases_import, export_rows, report_pdf = jobs.cases_import, jobs.export_rows, funder_reports.report_pdf

    def held_import(*, progress=None, dry_run=False, **options):
        def held_progress(done, total):
            if progress:
                progress(done, total)
            if not dry_run and done:  # rows written, the transaction still open
                hold("import")

        return cases_import(progress=held_progress, dry_run=dry_run, **options)

    def held_export(*args, **options):
        hold("export")
        return export_rows(*args, **options)

    def held_report_pdf(**options):
        hold("report")
        return report_pdf(**options)

    jobs.cases_import, jobs.export_rows, funder_reports.report_pdf = held_import, held_export, held_report_pdf
    letter_pdf = decisions.render_pdf

    def held_letter_pdf(*args, **options):
        hold("letter")
        return letter_pdf(*args, **options)

    decisions.render_pdf = held_letter_pdf

    from dispatch import services as dispatch_services

    transmit = dispatch_services.transmit

    def held_after_transmit(*args, **options):
        sent = transmit(*args, **options)
        hold("svarut-sent")  # SvarUt has the letter; its id is not recorded yet
        return sent

    dispatch_services.transmit = held_after_transmit


from celery.signals import worker_process_init  # noqa: E402

worker_process_init.connect(install, weak=False)
