"""Rendering PDFs with WeasyPrint: A4, real text, tagged for screen readers, title and language set."""

from django.conf import settings
from django.template.loader import render_to_string

_warm = False


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes. The template sets <title> and <html lang>."""
    from weasyprint import HTML  # imported late: the web process seldom needs it

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"))
    # pdf/ua-1 gives a tagged PDF with a sensible reading order; the funders publish these.
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)


def preload() -> None:
    """Load WeasyPrint and matplotlib, and lay out one line of text, so the first report a worker
    renders does not wait for them (about 2 s of imports and font set-up, paid once per process).
    Called when a Celery worker process starts (boveileder/celery.py)."""
    global _warm
    if _warm:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure
    from weasyprint import HTML

    page = '<html lang="nb"><title>.</title><p style="font-family: DejaVu Sans">Æ</p></html>'
    HTML(string=page).write_pdf()
    _warm = True
