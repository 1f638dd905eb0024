"""The municipality's partner agencies: everyone reads the list, managers add and edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import ALL_ROLES, get_for_user, role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from cases.forms.agencies import AgencyForm
from cases.models import PartnerAgency
from cases.services.agencies import agency_create, agency_update


@require_GET
@role_required(*ALL_ROLES)
def agency_list(request):
    agencies = PartnerAgency.objects.for_municipality(request.user.municipality_id).order_by("name")
    return render(request, "cases/agencies/list.html", {"agencies": agencies})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@create_once
def agency_add(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_create(municipality=request.user.municipality, by=request.user, **form.values())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": agency})
            return redirect("cases:agency_list")
    return render(request, "cases/agencies/form.html", {"form": form, "agency": None})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def agency_edit(request, pk):
    agency = get_for_user(request.user, PartnerAgency.objects, pk=pk)
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        try:
            agency_update(agency=agency, by=request.user, **form.values())
        except ValidationError as error:
            add_form_errors(form, error)
            agency.refresh_from_db()  # the heading keeps the registered name
        else:
            messages.success(request, _("%(name)s is updated.") % {"name": agency})
            return redirect("cases:agency_list")
    return render(request, "cases/agencies/form.html", {"form": form, "agency": agency})
