"""Each enrolment of a second factor has its own key. Whoever opened the enrolment page
with the password before the owner confirmed (a colleague who saw it, a thief) holds a key that
stops working the moment the owner confirms theirs."""

import base64
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def otp_for_managers(settings):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    settings.OTP_REQUIRED_FOR_EVERYONE = False
    return settings


def _signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _key_on_the_page(client) -> bytes:
    """The key the enrolment page shows as text («Cannot scan? Type this key…»)."""
    html = client.get(reverse("otp_setup")).content.decode()
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    return base64.b32decode(secret.replace(" ", ""))


def _code(key: bytes, *, ahead=0) -> str:
    """The code an authenticator app with `key` shows now (or `ahead` 30-second steps later)."""
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + ahead * 30
    return f"{totp.token():06d}"


@pytest.mark.parametrize("intruder_first", [True, False])
def test_a_key_seen_by_someone_else_before_the_owner_confirms_does_not_work_afterwards(
    otp_for_managers, manager, intruder_first
):
    dashboard = reverse("reports:dashboard")
    if intruder_first:
        intruder = _signed_in(manager)
        intruders_key = _key_on_the_page(intruder)
        owner = _signed_in(manager)
        owners_key = _key_on_the_page(owner)
    else:
        owner = _signed_in(manager)
        owners_key = _key_on_the_page(owner)
        intruder = _signed_in(manager)
        intruders_key = _key_on_the_page(intruder)
    assert intruders_key != owners_key

    confirmed = owner.post(reverse("otp_setup"), {"token": _code(owners_key), "next": dashboard})
    assert confirmed.status_code == 302 and confirmed.url == dashboard
    assert owner.get(dashboard).status_code == 200

    # Later, with the password alone and the key they saw: the code step refuses it. (The next step's
    # code, which the device's tolerance accepts: the owner's code of this step is spent already.)
    later = _signed_in(manager)
    assert later.get(dashboard).url.startswith(reverse("otp_verify"))
    refused = later.post(reverse("otp_verify"), {"token": _code(intruders_key, ahead=1), "next": dashboard})
    assert refused.status_code == 200
    assert later.get(dashboard).status_code == 302
    # And the session they kept from before cannot confirm a device of its own any more.
    late = intruder.post(reverse("otp_setup"), {"token": _code(intruders_key, ahead=1), "next": dashboard})
    assert late.status_code == 302 and late.url.startswith(reverse("otp_verify"))
    assert list(TOTPDevice.objects.filter(user=manager).values_list("confirmed", flat=True)) == [True]


def test_the_same_session_keeps_its_key_until_it_confirms(otp_for_managers, manager):
    owner = _signed_in(manager)
    assert _key_on_the_page(owner) == _key_on_the_page(owner)


def test_enrolment_pages_opened_and_left_do_not_pile_up_devices(otp_for_managers, settings, manager):
    """Each new session's visit makes a key; one whose session has idled out is removed when the next
    is made, so the unconfirmed devices stay bounded. A recent one (a session that may still confirm)
    is kept, and works."""
    from datetime import timedelta

    from django.utils import timezone

    left = _signed_in(manager)
    _key_on_the_page(left)
    recent = _signed_in(manager)
    recent_key = _key_on_the_page(recent)
    idled_out = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    left_device = TOTPDevice.objects.filter(user=manager).order_by("pk").first()
    TOTPDevice.objects.filter(pk=left_device.pk).update(created_at=idled_out)

    _key_on_the_page(_signed_in(manager))

    pending = TOTPDevice.objects.filter(user=manager, confirmed=False)
    assert pending.count() == 2 and not pending.filter(pk=left_device.pk).exists()
    confirmed = recent.post(reverse("otp_setup"), {"token": _code(recent_key)})
    assert confirmed.status_code == 302 and not confirmed.url.startswith(reverse("otp_verify"))
    assert list(TOTPDevice.objects.filter(user=manager).values_list("confirmed", flat=True)) == [True]
