"""The journal and the public journal of a period, on screen and as files: managers only (the journal
names the persons of every household of the municipality, restricted ones too)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role
from journal.exports import journal_file
from journal.forms import ExportForm, JournalFilterForm
from journal.selectors import entries_for, rows_for

PAGE_SIZE = 100


def _page(request, *, public: bool, status: int = 200, form=None):
    form = form or JournalFilterForm(request.GET or None)
    period, direction = form.period(), form.chosen_direction()
    entries = entries_for(request.user.municipality, period, direction)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "period": period,
        "page": page,
        "rows": rows_for(page.object_list, public=public),
        "public": public,
        "query": form.query(),
    }
    return render(request, "journal/journal.html", context, status=status)


@require_GET
@role_required(Role.MANAGER)
def journal(request):
    """The journal with names, a period at a time, and its exports."""
    return _page(request, public=False)


@require_GET
@role_required(Role.MANAGER)
def public_journal(request):
    """The public journal: the same entries, every person's name screened."""
    return _page(request, public=True)


@require_GET
@role_required(Role.MANAGER)
def export(request):
    """The journal or the public journal of the period as CSV or PDF, or the journal as a Noark 5
    arkivmelding package (ZIP); an unusable request shows the page again with what is wrong."""
    form = ExportForm(request.GET)
    public = request.GET.get("public") == "1"
    if not form.is_valid():
        return _page(request, public=public, status=400, form=form)
    data, content_type, name = journal_file(
        municipality=request.user.municipality,
        period=form.period(),
        direction=form.chosen_direction(),
        public=form.cleaned_data["public"],
        kind=form.cleaned_data["format"],
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
