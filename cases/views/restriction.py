"""Records restriction (sperring): a manager restricts a household to managers and its counsellor."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from boveileder.access import role_required
from boveileder.models import Role
from cases.access import get_record_for
from cases.models import Household
from cases.services.privacy import household_restriction_set


class RestrictionForm(forms.Form):
    restricted = forms.TypedChoiceField(
        choices=[("1", _("Restricted")), ("0", _("Not restricted"))], coerce=lambda v: v == "1"
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def household_privacy(request, pk):
    """The household's privacy page: its restriction, and an innsyn export for each member."""
    household = get_record_for(request, Household.objects.visible_to(request.user), what="privacy", pk=pk)
    if request.method == "POST":
        form = RestrictionForm(request.POST)
        if form.is_valid():
            household_restriction_set(
                household=household, restricted=form.cleaned_data["restricted"], by=request.user
            )
            if household.restricted:
                messages.success(request, _("The household is restricted."))
            else:
                messages.success(request, _("The restriction is lifted."))
            return redirect("cases:household_privacy", pk=household.pk)
        messages.error(request, _("Choose whether the household is restricted."))
    return render(
        request,
        "cases/privacy/household.html",
        {"household": household, "members": household.members.all()},
    )
