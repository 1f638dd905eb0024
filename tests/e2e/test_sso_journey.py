"""Signing in with the municipality's own account, in the browser, through a real OpenID Connect
provider answering over HTTP (tests/sso_provider.py)."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from boveileder.models import SingleSignOn
from tests.factories import CounsellorFactory, ManagerFactory, MunicipalityFactory
from tests.sso_provider import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Provider

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp/shots-h10"


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setenv("SSO_SECRET_ALESUND", CLIENT_SECRET)
    cache.clear()
    with Provider() as running:
        yield running


@pytest.fixture
def alesund(provider):
    muni = MunicipalityFactory(name="Ålesund", slug="alesund")
    SingleSignOn.objects.create(
        municipality=muni,
        enabled=True,
        issuer=provider.issuer,
        tenant_id=TENANT_ID,
        client_id=CLIENT_ID,
        client_secret_env="SSO_SECRET_ALESUND",
        manager_values="Boveileder.Manager",
        counsellor_values="Boveileder.Counsellor",
    )
    return muni


def test_a_counsellor_signs_in_through_the_provider_lands_on_the_caseload_and_signs_out(
    page, live_server, a11y, provider, alesund
):
    kari = CounsellorFactory(municipality=alesund, email="kari@alesund.kommune.no", first_name="Kari")
    provider.next_claims = {
        "oid": "oid-kari",
        "email": kari.email,
        "roles": ["Boveileder.Counsellor"],
        "amr": ["pwd"],
    }

    page.goto(f"{live_server.url}/login/")
    a11y.check(page)
    page.screenshot(path=f"{SHOTS}/sso-login-desk.png", full_page=True)
    page.get_by_role("link", name="Logg inn som ansatt i Ålesund").click()

    page.wait_for_url(re.compile(r"/cases/$"))
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mine husstander")

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(re.compile(r"/logout/$"))
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget ut av Boveileder")
    provider_logout = page.get_by_role("link", name="Logg ut av kommunekontoen også")
    expect(provider_logout).to_have_attribute(
        "href", re.compile("^" + re.escape(provider.issuer + "/logout?"))
    )
    page.screenshot(path=f"{SHOTS}/sso-logged-out-desk.png", full_page=True)

    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    a11y.check(page)


def test_a_manager_whose_provider_did_mfa_is_not_asked_for_a_code(
    page, live_server, a11y, provider, alesund, settings
):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    manager = ManagerFactory(municipality=alesund, email="leder@alesund.kommune.no")
    provider.next_claims = {
        "oid": "oid-leder",
        "email": manager.email,
        "roles": ["Boveileder.Manager"],
        "amr": ["pwd", "mfa"],
    }

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    a11y.check(page)
    page.screenshot(path=f"{SHOTS}/sso-login-phone.png", full_page=True)
    page.get_by_role("link", name="Logg inn som ansatt i Ålesund").click()

    page.wait_for_url(re.compile(r"/reports/$"))
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tall og rapporter")

    page.goto(f"{live_server.url}/municipality/sso/")
    a11y.check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Innlogging med kommunens konto")
    expect(page.get_by_text("SSO_SECRET_ALESUND")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(CLIENT_SECRET)
    page.screenshot(path=f"{SHOTS}/sso-settings-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=f"{SHOTS}/sso-settings-desk.png", full_page=True)


def test_a_provider_that_is_down_says_so_and_the_password_still_works(page, live_server, a11y, alesund):
    SingleSignOn.objects.filter(municipality=alesund).update(issuer="http://127.0.0.1:9/down/v2.0")
    CounsellorFactory(municipality=alesund, username="kari@alesund")

    page.goto(f"{live_server.url}/login/")
    a11y.check(page)
    page.get_by_role("link", name="Logg inn som ansatt i Ålesund").click()
    page.wait_for_url(re.compile(r"/login/$"))
    a11y.check(page)
    expect(page.get_by_role("status")).to_contain_text("Innloggingstjenesten til kommunen svarer ikke nå")
    page.screenshot(path=f"{SHOTS}/sso-down-desk.png", full_page=True)

    page.get_by_label("Brukernavn").fill("kari@alesund")
    page.get_by_label("Passord").fill("test-passord-123")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r"/cases/$"))
    a11y.check(page)
