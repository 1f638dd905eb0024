"""Move-ins, renewals and move-outs: forms that call the tenancy services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from boveileder.once import create_once
from cases.access import get_record_for
from housing.forms import MoveInForm, MoveOutForm, RenewForm
from housing.models import RentalUnit, Tenancy
from housing.services.tenancies import tenancy_end, tenancy_renew, tenancy_start
from housing.views.units import add_form_errors


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICER, Role.MANAGER)
@create_once
def tenancy_move_in(request, pk):
    unit = get_for_user(request.user, RentalUnit.objects, pk=pk)
    form = MoveInForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tenancy_start(
                unit=unit,
                household=form.household,
                start_date=data["start_date"],
                contract_end_date=data["contract_end_date"],
                by=request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The move-in is registered."))
            return redirect("housing:unit_detail", pk=unit.pk)
    return render(request, "housing/tenancy_move_in.html", {"form": form, "unit": unit})


def running_tenancy_for(request, pk):
    """The tenancy; the page showing it (GET) is logged in the household's innsynslogg."""
    return get_record_for(request, Tenancy.objects.select_related("unit", "household"), what="tenancy", pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICER, Role.MANAGER)
@create_once
def tenancy_renew_view(request, pk):
    tenancy = running_tenancy_for(request, pk)
    form = RenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenancy_renew(
                tenancy=tenancy,
                new_end_date=form.cleaned_data["new_end_date"],
                renewed_on=timezone.localdate(),
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The renewal is registered."))
            return redirect("housing:unit_detail", pk=tenancy.unit_id)
    return render(request, "housing/tenancy_renew.html", {"form": form, "tenancy": tenancy})


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICER, Role.MANAGER)
@create_once
def tenancy_move_out(request, pk):
    tenancy = running_tenancy_for(request, pk)
    form = MoveOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tenancy_end(
                tenancy=tenancy,
                on=data["moved_out_on"],
                reason=data["move_out_reason"],
                by=request.user,
                note=data["note"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The move-out is registered; the unit is vacant from that day."))
            return redirect("housing:unit_detail", pk=tenancy.unit_id)
    return render(request, "housing/tenancy_move_out.html", {"form": form, "tenancy": tenancy})
