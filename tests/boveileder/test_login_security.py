"""Login: lockout after repeated failures (per user and address, with a cool-off), two-factor login
for managers and admins (or everyone), enrolment alone in the browser, and a session that ends
after idle time and at logout."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _login(client, user, password=TEST_PASSWORD, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": user.username, "password": password}, REMOTE_ADDR=ip)


def _code(device, *, ahead=0):
    """The code the user's authenticator app shows now (or `ahead` steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():0{device.digits}d}"


# --- lockout (django-axes) -------------------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    return settings


def test_repeated_failures_lock_the_user_out_at_that_address_even_with_the_right_password(
    client, axes_on, counsellor
):
    for _ in range(3):
        response = _login(client, counsellor, password="wrong-password")
    response = _login(client, counsellor)
    assert response.status_code == 429
    assert "For mange mislykkede forsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(client, axes_on, counsellor, officer):
    for _ in range(3):
        _login(client, counsellor, password="wrong-password", ip="10.0.0.1")
    # The same user from another address, and another user from the same address, still log in.
    assert _login(client, counsellor, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _login(client, officer, ip="10.0.0.1").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, axes_on, counsellor):
    from axes.models import AccessAttempt

    for _ in range(3):
        _login(client, counsellor, password="wrong-password")
    assert _login(client, counsellor).status_code == 429
    cool_off = timedelta(hours=axes_on.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    response = _login(client, counsellor)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_fewer_failures_than_the_limit_do_not_lock(client, axes_on, counsellor):
    for _ in range(2):
        _login(client, counsellor, password="wrong-password")
    assert _login(client, counsellor).status_code == 302


# --- two-factor login (django-otp, TOTP) -----------------------------------------------------------


@pytest.fixture
def otp_for_managers(settings):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    settings.OTP_REQUIRED_FOR_EVERYONE = False
    return settings


def test_a_manager_enrols_alone_in_the_browser_and_then_gets_in(client, otp_for_managers, manager):
    assert _login(client, manager).status_code == 302
    dashboard = reverse("reports:dashboard")
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, an image CSP allows
    assert "Skann QR-koden" in html
    device = TOTPDevice.objects.get(user=manager, confirmed=False)

    wrong = client.post(reverse("otp_setup"), {"token": "000000", "next": dashboard})
    assert wrong.status_code == 200
    assert "Koden er feil eller utløpt" in wrong.content.decode()
    assert client.get(dashboard).status_code == 302
    time.sleep(1.1)  # a wrong code throttles the device for a second

    done = client.post(reverse("otp_setup"), {"token": _code(device), "next": dashboard})
    assert done.status_code == 302
    assert done.url == dashboard
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(dashboard).status_code == 200


def test_a_manager_with_a_device_must_give_the_code_after_the_password(client, otp_for_managers, manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _login(client, manager)
    dashboard = reverse("reports:dashboard")
    response = client.get(dashboard)
    assert response.url.startswith(reverse("otp_verify"))

    bad = client.post(reverse("otp_verify"), {"token": "123456", "next": dashboard})
    assert "Koden er feil eller utløpt" in bad.content.decode()
    assert client.get(dashboard).status_code == 302
    time.sleep(1.1)  # a wrong code throttles the device for a second

    good = client.post(reverse("otp_verify"), {"token": _code(device), "next": dashboard})
    assert good.status_code == 302 and good.url == dashboard
    assert client.get(dashboard).status_code == 200


def test_the_code_step_refuses_a_next_url_on_another_site(client, otp_for_managers, manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _login(client, manager)
    response = client.post(reverse("otp_verify"), {"token": _code(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_a_stolen_password_cannot_enrol_a_second_device(client, otp_for_managers, manager):
    TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _login(client, manager)
    response = client.get(reverse("otp_setup"))
    assert response.status_code == 302 and response.url == reverse("otp_verify")
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_the_code_step_is_throttled_after_wrong_codes(client, otp_for_managers, manager):
    device = TOTPDevice.objects.create(user=manager, name="phone", confirmed=True)
    _login(client, manager)
    for _ in range(3):
        client.post(reverse("otp_verify"), {"token": "000000"})
    # Right after wrong guesses even the right code waits for the throttle's delay.
    response = client.post(reverse("otp_verify"), {"token": _code(device)})
    assert response.status_code == 200
    assert client.get(reverse("reports:dashboard")).status_code == 302


def test_admins_need_the_second_step_for_the_admin_too(client, otp_for_managers):
    admin = UserFactory(municipality=None, is_staff=True, is_superuser=True)
    _login(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))


def test_counsellors_log_in_with_the_password_alone_unless_everyone_needs_two_factor(
    client, settings, otp_for_managers, counsellor
):
    _login(client, counsellor)
    assert client.get(reverse("cases:caseload")).status_code == 200
    settings.OTP_REQUIRED_FOR_EVERYONE = True
    response = client.get(reverse("cases:caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))


def test_logout_stays_reachable_before_the_second_step(client, otp_for_managers, manager):
    _login(client, manager)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def _setting_in_production(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OTP_REQUIRED_FOR_MANAGERS")}
    env.update(
        DJANGO_SETTINGS_MODULE="boveileder.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_requires_two_factor_for_managers_by_default():
    assert _setting_in_production("OTP_REQUIRED_FOR_MANAGERS") == "True"


# --- sessions -----------------------------------------------------------------------------------


def test_every_request_pushes_the_idle_deadline_and_an_idle_session_ends(client, settings, counsellor):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    _login(client, counsellor)
    key = client.session.session_key
    caseload = reverse("cases:caseload")

    # Ten seconds from expiry, a request pushes it back to the full idle time.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=10))
    assert client.get(caseload).status_code == 200
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # Idle past the deadline: back to the login page.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(caseload)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_idle_deadline_is_written_at_most_once_a_minute_when_nothing_else_changed(
    client, settings, counsellor
):
    _login(client, counsellor)
    key = client.session.session_key
    caseload = reverse("cases:caseload")
    client.get(caseload)  # pushed back just now
    with CaptureQueriesContext(connection) as pages:
        assert client.get(caseload).status_code == 200
    assert not [q for q in pages.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]

    # Pushed back 61 seconds ago: this request pushes it back again.
    pushed = timezone.now() - timedelta(seconds=61)
    Session.objects.filter(session_key=key).update(
        expire_date=pushed + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    assert client.get(caseload).status_code == 200
    expires = Session.objects.get(session_key=key).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_logout_ends_the_session_on_the_server(client, counsellor):
    _login(client, counsellor)
    key = client.session.session_key
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie, replayed, opens nothing.
    client.cookies["sessionid"] = cookie
    response = client.get(reverse("cases:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_logging_in_gives_a_new_session_key(client, counsellor):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _login(client, counsellor)
    assert client.session.session_key != before
