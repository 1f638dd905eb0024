"""The Celery worker loads the PDF libraries when it starts, so no manager waits for them."""

import sys

from celery.signals import worker_init, worker_process_init

from boveileder import pdf


def test_preload_loads_weasyprint_and_matplotlib_once():
    pdf.preload()
    assert "weasyprint" in sys.modules and "matplotlib.figure" in sys.modules
    assert pdf._warm
    pdf.preload()  # a second call does nothing


def test_worker_start_signals_preload():
    import boveileder.celery  # noqa: F401 - connects the receivers

    for signal in (worker_init, worker_process_init):
        assert any(getattr(r[1](), "__name__", "") == "_preload_pdf" for r in signal.receivers)
