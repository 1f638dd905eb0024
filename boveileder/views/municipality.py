"""A manager keeps the municipality's contact details: the sender block of every decision letter."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from boveileder.access import role_required
from boveileder.forms import add_form_errors
from boveileder.forms_municipality import MunicipalityContactForm
from boveileder.models import Role, SingleSignOn
from boveileder.services.municipality import municipality_contact_set


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def municipality_contact(request):
    """The responsible unit, postal address, phone and e-mail the letters give."""
    municipality = request.user.municipality
    form = MunicipalityContactForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            municipality_contact_set(municipality=municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The municipality's contact details are saved."))
            return redirect("municipality_contact")
    return render(request, "boveileder/municipality_contact.html", {"form": form})


@require_http_methods(["GET"])
@role_required(Role.MANAGER)
def municipality_sso(request):
    """How the municipality's staff sign in with their own accounts: the provider, the claims, the
    role mapping. The secret is never shown: only the name of the variable that holds it, and whether
    it is set."""
    provider = SingleSignOn.objects.filter(municipality_id=request.user.municipality_id).first()
    return render(request, "boveileder/municipality_sso.html", {"provider": provider})
