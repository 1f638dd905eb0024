"""Move-ins, renewals and move-outs: forms that call the tenancy services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, OuterRef, Prefetch, Subquery, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from boveileder.access import get_for_user, role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from cases.access import get_record_for
from cases.models import Household, Person
from housing.forms import MoveInForm, MoveOutForm, RenewForm
from housing.models import RentalUnit, Tenancy
from housing.services.tenancies import tenancy_end, tenancy_move_out_cancel, tenancy_renew, tenancy_start

CHOICES = 10


def household_choices(user, text: str, selected=None) -> dict:
    """The open households visible to `user` matching `text` (names, reference, address), at most
    CHOICES of them, with the one already chosen kept first; each with its current members and the
    unit it lives in today. Two queries, whatever the municipality holds."""
    text = text.strip()
    visible = Household.objects.visible_to(user).open()
    matches = visible.search(text) if text else visible.none()
    if selected:
        matches = matches | visible.filter(pk=selected)
    today = timezone.localdate()
    lives_in = Tenancy.objects.running_on(today).filter(household=OuterRef("pk")).values("unit__address")[:1]
    found = list(
        matches.annotate(
            chosen=Case(When(pk=selected or 0, then=Value(0)), default=Value(1)),
            address_today=Subquery(lives_in),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Person.objects.members().order_by("birth_date", "first_name"),
                to_attr="current_members",
            )
        )
        .order_by("chosen", "reference")[: CHOICES + 1]
    )
    return {
        "candidates": found[:CHOICES],
        "more": len(found) > CHOICES,
        "searched": bool(text),
        "selected": int(selected) if selected else None,
    }


def _selected(data) -> int | None:
    value = (data.get("household") or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


@require_http_methods(["GET", "POST"])
@role_required(Role.OFFICER, Role.MANAGER)
@create_once
def tenancy_move_in(request, pk):
    """Register a move-in. The household is found by searching: as you type (htmx), or with the
    search button, which posts the form back with the matches and keeps everything typed."""
    unit = get_for_user(request.user, RentalUnit.objects, pk=pk)
    searching = request.method == "POST" and "search" in request.POST
    if searching:
        form = MoveInForm(initial=request.POST.dict(), user=request.user)
    else:
        form = MoveInForm(request.POST or None, user=request.user)
    if request.method == "POST" and not searching and form.is_valid():
        data = form.cleaned_data
        try:
            tenancy_start(
                unit=unit,
                household=data["household"],
                start_date=data["start_date"],
                contract_end_date=data["contract_end_date"],
                by=request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The move-in is registered."))
            return redirect("housing:unit_detail", pk=unit.pk)
    choices = household_choices(request.user, request.POST.get("household_q", ""), _selected(request.POST))
    return render(request, "housing/tenancy_move_in.html", {"form": form, "unit": unit, **choices})


@require_POST
@role_required(Role.OFFICER, Role.MANAGER)
def household_choices_view(request):
    """The matches as the officer types (htmx). Posted, so no name is ever in a URL or a log line."""
    choices = household_choices(request.user, request.POST.get("household_q", ""), _selected(request.POST))
    return render(request, "housing/_household_choices.html", {**choices, "oob": True})


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
    """Register a move-out; one registered ahead may be changed or called off before its day."""
    tenancy = running_tenancy_for(request, pk)
    planned = tenancy.move_out_planned
    initial = (
        {
            "moved_out_on": tenancy.moved_out_on,
            "move_out_reason": tenancy.move_out_reason,
            "note": tenancy.move_out_note,
        }
        if planned
        else None
    )
    cancel_errors = []
    if request.method == "POST" and "cancel" in request.POST:
        try:
            tenancy_move_out_cancel(tenancy=tenancy, by=request.user)
        except ValidationError as error:
            cancel_errors = error.messages
        else:
            messages.success(request, _("The planned move-out is called off; the tenancy runs on."))
            return redirect("housing:unit_detail", pk=tenancy.unit_id)
        form = MoveOutForm(initial=initial)
    else:
        form = MoveOutForm(request.POST or None, initial=initial)
    if request.method == "POST" and not cancel_errors and form.is_valid():
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
    return render(
        request,
        "housing/tenancy_move_out.html",
        {"form": form, "tenancy": tenancy, "planned": planned, "cancel_errors": cancel_errors},
    )
