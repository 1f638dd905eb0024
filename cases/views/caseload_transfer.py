"""A manager hands a counsellor's open households over to another counsellor in one step: all of them,
or those picked from the list, narrowed by the caseload's own filter."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from boveileder.access import role_required
from boveileder.models import Role, User
from boveileder.params import int_param
from cases.forms.households import CaseloadFilterForm
from cases.models import Household
from cases.services.caseload import caseload_open, caseload_transfer
from cases.views.households import _with_members, caseload_shown


class _IdsOnly:
    """Refuse, with the field's own message, a posted id no database key could be (too large, not
    digits) before the query: SQLite would raise on it instead of finding nothing."""

    def clean(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        if any(v not in (None, "") and int_param(str(v)) is None for v in values):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class _HouseholdsField(_IdsOnly, forms.ModelMultipleChoiceField):
    pass


class _StaffField(_IdsOnly, forms.ModelChoiceField):
    pass


class CaseloadTransferForm(forms.Form):
    households = _HouseholdsField(
        label=gettext_lazy("Households to move"),
        queryset=Household.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose at least one household to move."),
            "invalid_choice": gettext_lazy(
                "A household chosen is no longer among the open ones. Choose again."
            ),
            "invalid_pk_value": gettext_lazy("Choose households from the list."),
        },
    )
    to_user = _StaffField(
        label=gettext_lazy("Move the households to"),
        queryset=User.objects.none(),
        empty_label=gettext_lazy("Choose a counsellor"),
        error_messages={"invalid_choice": gettext_lazy("Choose an active counsellor of your municipality.")},
    )

    def __init__(self, *args, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = caseload_open(from_user)
        self.fields["to_user"].queryset = (
            User.objects.staff_of(from_user.municipality_id)
            .filter(is_active=True, is_counsellor=True)
            .exclude(pk=from_user.pk)
        )


class HandoverFilterForm(forms.Form):
    show = CaseloadFilterForm.base_fields["show"]


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def caseload_transfer_view(request, staff_pk):
    """The staff member's open households, narrowed by the caseload's filter, and where to move them."""
    if request.user.municipality_id is None:
        raise Http404
    member = get_object_or_404(User.objects.staff_of(request.user.municipality_id), pk=staff_pk)
    filters = HandoverFilterForm(request.GET or None)
    show = filters.cleaned_data["show"] if filters.is_valid() else ""
    form = CaseloadTransferForm(request.POST or None, from_user=member)
    if request.method == "POST" and form.is_valid():
        to_user = form.cleaned_data["to_user"]
        try:
            moved = caseload_transfer(
                from_user=member,
                to_user=to_user,
                by=request.user,
                household_ids=[household.pk for household in form.cleaned_data["households"]],
            )
        except ValidationError as error:
            form.add_error("to_user", error.messages)
        else:
            messages.success(
                request,
                _("%(count)s households moved from %(old)s to %(new)s.")
                % {"count": moved, "old": member, "new": to_user},
            )
            return redirect("staff:detail", staff_pk=member.pk)
    open_households = caseload_open(member)
    rows = caseload_shown(
        _with_members(open_households.only("id", "reference").with_caseload_facts(member)),
        show,
        timezone.localdate(),
    ).order_by("reference")
    # Nothing posted yet: every household listed is ticked; after an error, those the manager ticked.
    chosen = {str(pk) for pk in form.data.getlist("households")} if form.is_bound else None
    return render(
        request,
        "boveileder/staff/caseload_transfer.html",
        {
            "member": member,
            "form": form,
            "filters": filters,
            "show": show,
            "rows": list(rows),
            "chosen": chosen,
            "open_households": open_households.count(),
        },
    )
