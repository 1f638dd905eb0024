"""Headers: a content security policy with no inline script or style, frame denial, no caching of
pages with personal data, and in production HSTS, HTTPS only and secure cookies."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.boveileder.test_access_walk import assert_no_inline_script_or_style

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client_for, counsellor, household):
    response = client_for(counsellor).get(reverse("cases:household_detail", args=[household.pk]))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.django_db
def test_pages_refuse_framing_and_sniffing(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_with_personal_data_are_never_cached(client_for, counsellor, household):
    response = client_for(counsellor).get(reverse("cases:household_detail", args=[household.pk]))
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["Expires"]


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(manager, household):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    response = browser.post(reverse("cases:household_privacy", args=[household.pk]), {"restricted": "1"})
    assert response.status_code == 403
    household.refresh_from_db()
    assert not household.restricted


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db  # the page lists the municipalities whose staff sign in with their own accounts
def test_the_login_page_has_no_inline_script_or_style(client):
    """Every other page is checked by the access walk (assert_no_inline_script_or_style)."""
    assert_no_inline_script_or_style("login", client.get(reverse("login")))


_PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
c = Client()
plain = c.get("/login/", HTTP_HOST="boveileder.kommune.no")
secure = c.get("/login/", HTTP_HOST="boveileder.kommune.no", secure=True)
cookie = secure.cookies.get("__Host-csrftoken")
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location"),
    "hsts": secure.get("Strict-Transport-Security"),
    "cookie": cookie.output() if cookie else None,
}))
"""


def test_production_sends_hsts_redirects_to_https_and_marks_cookies_secure(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="boveileder.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "k3y" * 20,
        ALLOWED_HOSTS="boveileder.kommune.no",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )
    script = "import django; django.setup()\n" + _PROBE
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://boveileder.kommune.no/")
    hsts = probe["hsts"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    cookie = probe["cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
