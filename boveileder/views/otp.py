"""Two-factor login (TOTP): the second step after the password, and enrolment a user does alone."""

import base64
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from boveileder.access import login_only
from boveileder.models import User


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from the authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("The code has digits only."))
        return token


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "home"


def _verified(request, device):
    # A new session key after the privilege changes, as after the password.
    otp_login(request, device)
    request.session.cycle_key()


@require_http_methods(["GET", "POST"])
@login_only
def otp_verify(request):
    """The code from the user's authenticator app, after the password."""
    user = request.user
    if not user_has_device(user, confirmed=True):
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            _verified(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Try the newest code in the app."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


def _qr_data_uri(text: str) -> str:
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


PENDING_DEVICE = "otp_pending_device"


def _pending_device(request):
    """This session's own unconfirmed device, made on its first visit. Never shared with another
    session: one that opened enrolment with the same password must not hold the owner's key."""
    pk = request.session.get(PENDING_DEVICE)
    device = TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first() if pk else None
    if device is None:
        # Those of sessions idled out by now cannot be confirmed any more: remove them as this one is
        # made, so pages opened and left do not pile up unconfirmed devices (keys) for the user.
        idled_out = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        TOTPDevice.objects.filter(user=request.user, confirmed=False).filter(
            Q(created_at__lt=idled_out) | Q(created_at=None)  # None: made before django-otp kept the time
        ).delete()
        device = TOTPDevice.objects.create(user=request.user, name="Boveileder", confirmed=False)
        request.session[PENDING_DEVICE] = device.pk
    return device


def _confirm(user, device) -> bool:
    """Confirm the device and remove every other pending one of the user, unless another session
    confirmed one first (then this enrolment is too late)."""
    with transaction.atomic():
        # The user's row as a lock: two sessions confirming at once queue here.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return True


@require_http_methods(["GET", "POST"])
@login_only
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code, type the code it shows, and two-factor is on."""
    user = request.user
    if user_has_device(user, confirmed=True):
        # A new device only through a verified session: a stolen password must not enrol its own.
        if not user.is_verified():
            return redirect("otp_verify")
        return render(request, "registration/otp_setup.html", {"enrolled": True})
    device = _pending_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not _confirm(user, device):
                return redirect("otp_verify")
            request.session.pop(PENDING_DEVICE, None)
            _verified(request, device)
            messages.success(request, _("Two-factor login is on."))
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Try the newest code in the app."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )
