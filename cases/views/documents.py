"""Documents on a household: attached through a form, downloaded through the access check
as an attachment, every download written to the innsynslogg."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import ALL_ROLES, role_required
from boveileder.models import Role
from boveileder.once import create_once
from boveileder.params import int_param
from cases.access import get_record_for
from cases.forms.documents import DocumentForm
from cases.models import Document, Household
from cases.services.documents import document_attach


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def document_upload(request, pk):
    """Attach a file; `?startloan=` or `?decision=` chooses the application or decision it belongs to."""
    household = get_record_for(
        request, Household.objects.visible_to(request.user), what="document_form", pk=pk
    )
    initial = {name: int_param(request.GET.get(name)) for name in ("startloan", "decision")}
    form = DocumentForm(request.POST or None, request.FILES or None, household=household, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = document_attach(
                household=household,
                upload=data["file"],
                title=data["title"],
                startloan=data.get("startloan"),
                decision=data.get("decision"),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The document is attached."))
            if document.startloan_id:
                return redirect("cases:startloan_detail", document.startloan_id)
            if document.decision_id:
                return redirect("cases:decision_detail", document.decision_id)
            return redirect("cases:household_detail", household.pk)
    return render(request, "cases/document_form.html", {"household": household, "form": form})


@require_GET
@role_required(*ALL_ROLES)
def document_download(request, pk):
    """The file, as a download (never shown inline), to whoever may open its household; logged."""
    document = get_record_for(
        request, Document.objects.visible_to(request.user).select_related("household"), what="document", pk=pk
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=document.download_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
