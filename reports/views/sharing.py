"""The manager's choice of which funders see the municipality's figures."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from boveileder.access import role_required
from boveileder.models import Role
from reports.models import FigureSharing, Funder
from reports.services.sharing import figure_sharing_set


class SharingForm(forms.Form):
    husbanken = forms.BooleanField(label=gettext_lazy("Share our figures with Husbanken"), required=False)
    statsforvalteren = forms.BooleanField(
        label=gettext_lazy("Share our figures with Statsforvalteren"), required=False
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def sharing(request):
    """Per funder, whether the municipality's figures (only figures) are shared; and the changes."""
    municipality = request.user.municipality
    current = {s.funder: s.shared for s in FigureSharing.objects.filter(municipality=municipality)}
    # Both boxes unticked post nothing at all: still a choice (`request.POST or None` would drop it).
    form = SharingForm(
        request.POST if request.method == "POST" else None,
        initial={funder: current.get(funder, False) for funder in Funder.values},
    )
    if request.method == "POST" and form.is_valid():
        for funder in Funder.values:
            figure_sharing_set(
                municipality=municipality, funder=funder, shared=form.cleaned_data[funder], by=request.user
            )
        messages.success(request, _("Your choice is saved."))
        return redirect(reverse("reports:sharing"))
    changes = (
        FigureSharing.history.filter(municipality_id=municipality.pk)
        .select_related("history_user")
        .order_by("-history_date")[:50]
    )
    return render(request, "reports/sharing.html", {"form": form, "changes": changes})
