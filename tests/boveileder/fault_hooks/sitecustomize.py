"""Loaded only by the fault tests' Celery worker (on its PYTHONPATH): slows the funder report's PDF
rendering by BOVEILEDER_TEST_SLOW_RENDER seconds, so a test can kill the worker while it renders."""

import os
import time

_DELAY = float(os.environ.get("BOVEILEDER_TEST_SLOW_RENDER", "0") or 0)

if _DELAY:
    from celery.signals import worker_process_init

    @worker_process_init.connect(weak=False)
    def _slow_down_rendering(**kwargs):
        from reports.services import funder_reports

        original = funder_reports.report_pdf

        def slow_report_pdf(**options):
            time.sleep(_DELAY)
            return original(**options)

        funder_reports.report_pdf = slow_report_pdf


if os.environ.get("BOVEILEDER_TEST_HOLD_DIR"):
    import hold  # noqa: F401  (holds a job in the middle: tests/boveileder/test_job_recovery.py)
