"""A manager moves a counsellor's open households to another counsellor in one step."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from boveileder.access import role_required
from boveileder.models import Role, User
from cases.services.caseload import caseload_open, caseload_transfer


class CaseloadTransferForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=gettext_lazy("Move the households to"),
        queryset=User.objects.none(),
        empty_label=gettext_lazy("Choose a counsellor"),
        error_messages={"invalid_choice": gettext_lazy("Choose an active counsellor of your municipality.")},
    )

    def __init__(self, *args, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = (
            User.objects.staff_of(from_user.municipality_id)
            .filter(is_active=True, is_counsellor=True)
            .exclude(pk=from_user.pk)
        )


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def caseload_transfer_view(request, staff_pk):
    """How many open households the staff member follows, and where to move them."""
    if request.user.municipality_id is None:
        raise Http404
    member = get_object_or_404(User.objects.staff_of(request.user.municipality_id), pk=staff_pk)
    form = CaseloadTransferForm(request.POST or None, from_user=member)
    if request.method == "POST" and form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            moved = caseload_transfer(from_user=member, to_user=to_user, by=request.user)
        except ValidationError as error:
            form.add_error("to_user", error.messages)
        else:
            messages.success(
                request,
                _("%(count)s households moved from %(old)s to %(new)s.")
                % {"count": moved, "old": member, "new": to_user},
            )
            return redirect("staff:detail", staff_pk=member.pk)
    return render(
        request,
        "boveileder/staff/caseload_transfer.html",
        {"member": member, "form": form, "open_households": caseload_open(member).count()},
    )
