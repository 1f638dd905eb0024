"""Managers manage the staff accounts of their own municipality: list, create, edit, deactivate,
reset a password or two-factor login. Staff of other municipalities answer 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from boveileder.access import role_required
from boveileder.forms import add_form_errors
from boveileder.forms_staff import PasswordResetForm, StaffCreateForm, StaffForm
from boveileder.models import Role, User
from boveileder.paging import numbered_page
from boveileder.services import staff as services

STAFF_PAGE_SIZE = 25


def _with_otp(queryset):
    return queryset.annotate(
        otp_enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )


def staff_for(user, pk):
    """One staff member of the manager's municipality, or 404: ids of others leak nothing, and an
    administrator is nobody's staff member."""
    if user.municipality_id is None:
        raise Http404
    return get_object_or_404(_with_otp(User.objects.staff_of(user.municipality_id)), pk=pk)


@require_GET
@role_required(Role.MANAGER)
def staff_list(request):
    """The municipality's staff, active first, with roles, two-factor and last login."""
    rows = _with_otp(User.objects.staff_of(request.user.municipality_id)).order_by(
        "-is_active", "first_name", "last_name", "username"
    )
    page = numbered_page(request, rows, size=STAFF_PAGE_SIZE)
    return render(request, "boveileder/staff/list.html", {"page": page, "staff": page.object_list})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def staff_create(request):
    """A new staff member with a password the manager chooses, or a generated one shown once."""
    form = StaffCreateForm(request.POST or None, municipality=request.user.municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member, generated = services.staff_create(
                by=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
                can_approve_decisions=data["can_approve_decisions"],
                password=data["password"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if generated:
                # Rendered, not redirected: the password is shown once and kept nowhere.
                response = render(
                    request, "boveileder/staff/created.html", {"member": member, "password": generated}
                )
                response["Cache-Control"] = "no-store"
                return response
            messages.success(request, _("%(name)s can now log in.") % {"name": member})
            return redirect("staff:detail", staff_pk=member.pk)
    return render(request, "boveileder/staff/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def staff_detail(request, staff_pk):
    """A staff member's page: names, roles and the right to approve, and what can be done."""
    member = staff_for(request.user, staff_pk)
    form = StaffForm(request.POST or None, initial=StaffForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_update(
                user=member,
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
                can_approve_decisions=data["can_approve_decisions"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:detail", staff_pk=member.pk)
    return render(
        request,
        "boveileder/staff/detail.html",
        {"member": member, "form": form},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def staff_deactivate(request, staff_pk):
    """Confirm, then deactivate; a counsellor's open households are shown, with the way to move them."""
    member = staff_for(request.user, staff_pk)
    if request.method == "POST":
        try:
            services.staff_deactivate(user=member, by=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request, _("%(name)s is deactivated and can no longer log in.") % {"name": member}
            )
        return redirect("staff:detail", staff_pk=member.pk)
    return render(
        request,
        "boveileder/staff/deactivate.html",
        {"member": member},
    )


@require_POST
@role_required(Role.MANAGER)
def staff_reactivate(request, staff_pk):
    member = staff_for(request.user, staff_pk)
    services.staff_reactivate(user=member, by=request.user)
    messages.success(request, _("%(name)s can log in again.") % {"name": member})
    return redirect("staff:detail", staff_pk=member.pk)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def staff_password(request, staff_pk):
    """The manager sets a new password for a staff member; the old one stops working."""
    member = staff_for(request.user, staff_pk)
    form = PasswordResetForm(request.POST or None, user=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_password_reset(
                user=member, by=request.user, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(
                request, _("New password set for %(name)s. Give it to them in a safe way.") % {"name": member}
            )
            return redirect("staff:detail", staff_pk=member.pk)
    return render(request, "boveileder/staff/password.html", {"member": member, "form": form})


@require_POST
@role_required(Role.MANAGER)
def staff_otp_reset(request, staff_pk):
    """Remove a staff member's two-factor devices so they enrol a new one at their next login."""
    member = staff_for(request.user, staff_pk)
    services.staff_otp_reset(user=member, by=request.user)
    messages.success(
        request,
        _("Two-factor login of %(name)s is reset: they set up the app again at their next login.")
        % {"name": member},
    )
    return redirect("staff:detail", staff_pk=member.pk)
