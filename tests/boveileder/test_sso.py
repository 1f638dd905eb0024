"""Signing in with the municipality's own accounts, against a real OpenID Connect provider over
HTTP (tests/sso_provider.py) with real RS256-signed tokens: who gets in, and every way a sign-in
must fail."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from boveileder.models import SingleSignOn, SingleSignOnLink, User
from tests import factories as f
from tests.sso_provider import CLIENT_ID, CLIENT_SECRET, TENANT_ID, Provider

pytestmark = pytest.mark.django_db

SECRET_ENV = "SSO_SECRET_TEST_ALESUND"


@pytest.fixture(scope="module")
def running_provider():
    with Provider() as provider:
        yield provider


@pytest.fixture
def provider(running_provider, monkeypatch):
    running_provider.next_claims = {}
    running_provider.tamper = set()
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    cache.clear()
    return running_provider


@pytest.fixture
def muni():
    return f.MunicipalityFactory(name="Ålesund", slug="alesund")


@pytest.fixture
def sso(provider, muni):
    return SingleSignOn.objects.create(
        municipality=muni,
        enabled=True,
        issuer=provider.issuer,
        tenant_id=TENANT_ID,
        client_id=CLIENT_ID,
        client_secret_env=SECRET_ENV,
    )


def start(client, slug="alesund"):
    """The sign-in up to the provider's answer: the callback URL it sends the browser to."""
    response = client.get(f"/login/sso/{slug}/")
    assert response.status_code == 302, response
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def finish(client, callback):
    url = urlsplit(callback)
    return client.get(f"{url.path}?{url.query}", follow=True)


def sign_in(client, provider, **claims):
    provider.next_claims = claims
    return finish(client, start(client))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def page_says(response, text):
    return text in response.content.decode()


def kari(muni, **kwargs):
    return f.CounsellorFactory(
        municipality=muni, username="kari@alesund", email="kari@alesund.kommune.no", **kwargs
    )


# --- who comes in -------------------------------------------------------------------------------


def test_counsellor_a_manager_created_is_linked_at_first_sign_in_and_lands_on_the_caseload(
    client, provider, sso, muni
):
    user = kari(muni)
    response = sign_in(client, provider, oid="oid-kari", email="KARI@alesund.kommune.no", amr=["pwd"])

    assert response.redirect_chain[-1][0] == "/cases/"
    assert signed_in_as(client) == str(user.pk)
    assert SingleSignOnLink.objects.get(user=user).subject == "oid-kari"

    # Later sign-ins find her by `oid`, not by the e-mail, which may change.
    client.logout()
    sign_in(client, provider, oid="oid-kari", email="kari.nordmann@alesund.kommune.no")
    assert signed_in_as(client) == str(user.pk)


def test_the_authorization_request_uses_pkce_state_and_nonce(client, provider, sso):
    response = client.get("/login/sso/alesund/")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://testserver/login/sso/callback/"]
    assert response["Location"].startswith(provider.issuer + "/authorize?")


def test_someone_no_manager_created_does_not_get_in(client, provider, sso, muni):
    response = sign_in(client, provider, oid="oid-stranger", email="stranger@alesund.kommune.no")
    assert signed_in_as(client) is None
    assert page_says(response, "Be en leder om å opprette deg")
    assert not User.objects.filter(email="stranger@alesund.kommune.no").exists()


def test_the_municipality_may_create_unknown_staff_with_no_roles(client, provider, sso, muni):
    sso.create_unknown_staff = True
    sso.save()
    response = sign_in(
        client, provider, oid="oid-ny", email="ola.ny@alesund.kommune.no", given_name="Ola", family_name="Ny"
    )
    user = User.objects.get(email="ola.ny@alesund.kommune.no")
    assert (user.username, user.municipality, user.roles, user.has_usable_password()) == (
        "olany@alesund",
        muni,
        set(),
        False,
    )
    assert signed_in_as(client) == str(user.pk)
    assert response.status_code == 403  # the page for staff without a role yet


def test_roles_follow_the_provider_at_each_sign_in_and_the_change_is_logged(
    client, provider, sso, muni, caplog
):
    sso.counsellor_values = "Boveileder.Counsellor"
    sso.manager_values = "Boveileder.Manager, Boveileder-ledere"
    sso.save()
    user = kari(muni)
    with caplog.at_level(logging.INFO, logger="boveileder.services.sso"):
        sign_in(
            client,
            provider,
            oid="oid-kari",
            email=user.email,
            roles=["Boveileder.Counsellor", "Boveileder.Manager"],
        )
    user.refresh_from_db()
    assert user.roles == {"counsellor", "manager"}
    assert f"changed the roles of staff {user.pk} from counsellor to counsellor,manager" in caplog.text

    client.logout()
    sign_in(client, provider, oid="oid-kari", email=user.email, roles=["Boveileder.Counsellor"])
    user.refresh_from_db()
    assert user.roles == {"counsellor"}


# --- every way it must fail ---------------------------------------------------------------------


@pytest.mark.parametrize("tamper", ["issuer", "expired", "signature", "nonce"])
def test_a_token_that_is_not_right_is_refused(client, provider, sso, muni, tamper):
    kari(muni)
    provider.tamper = {tamper}
    response = sign_in(client, provider, oid="oid-kari", email="kari@alesund.kommune.no")
    assert signed_in_as(client) is None
    assert page_says(response, "Innloggingen kunne ikke bekreftes")
    assert not SingleSignOnLink.objects.exists()
    assert "oidc_id_token" not in client.session


def test_a_token_for_another_application_is_refused(client, provider, sso, muni):
    kari(muni)
    sso.client_id = "another-application"
    sso.save()
    # The provider only answers its own client: the token request fails, nobody comes in.
    provider.next_claims = {"oid": "oid-kari", "email": "kari@alesund.kommune.no"}
    response = client.get("/login/sso/alesund/")
    assert signed_in_as(client) is None
    assert response.status_code == 302


def test_a_replayed_callback_is_refused_before_the_provider_is_asked(client, provider, sso, muni):
    user = kari(muni)
    provider.next_claims = {"oid": "oid-kari", "email": user.email}
    callback = start(client)
    finish(client, callback)
    assert signed_in_as(client) == str(user.pk)
    asked = provider.token_requests

    # The same answer again in the same browser (Back, or a reload of the callback)...
    response = finish(client, callback)
    assert provider.token_requests == asked
    assert page_says(response, "brukt allerede")

    # ...or in another one, where the sign-in was never started.
    other = Client()
    response = finish(other, callback)
    assert other.session.get("_auth_user_id") is None
    assert provider.token_requests == asked
    assert page_says(response, "brukt allerede")


def test_a_person_of_another_tenant_is_refused(client, provider, sso, muni):
    kari(muni)
    response = sign_in(
        client, provider, oid="oid-kari", email="kari@alesund.kommune.no", tid="99999999-other"
    )
    assert signed_in_as(client) is None
    assert page_says(response, "en annen organisasjon")


def test_deactivated_staff_do_not_get_in(client, provider, sso, muni):
    user = kari(muni, is_active=False)
    response = sign_in(client, provider, oid="oid-kari", email=user.email)
    assert signed_in_as(client) is None
    assert page_says(response, "deaktivert")
    assert "oidc_id_token" not in client.session  # a refused person's token is not kept

    # Nor once linked, when deactivated afterwards.
    user.is_active = True
    user.save()
    sign_in(client, provider, oid="oid-kari", email=user.email)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    sign_in(client, provider, oid="oid-kari", email=user.email)
    assert signed_in_as(client) is None


def test_an_e_mail_of_another_municipalitys_staff_does_not_get_in(client, provider, sso, muni):
    kari(muni)
    f.CounsellorFactory(municipality=f.MunicipalityFactory(slug="molde"), email="kari@alesund.kommune.no")
    response = sign_in(client, provider, oid="oid-kari", email="kari@alesund.kommune.no")
    assert signed_in_as(client) is None
    assert page_says(response, "tilhører ansatte i en annen kommune")
    assert not SingleSignOnLink.objects.exists()


def test_a_provider_that_is_down_says_so_in_norwegian_and_offers_the_password(client, sso, muni):
    sso.issuer = "http://127.0.0.1:9/down/v2.0"  # the discard port: nothing answers
    sso.save()
    response = client.get("/login/sso/alesund/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert page_says(response, "Innloggingstjenesten til kommunen svarer ikke nå")
    assert page_says(response, "logg inn med brukernavn og passord")
    assert 'name="password"' in response.content.decode()


def test_a_provider_that_is_down_does_not_offer_the_password_where_it_is_off(client, sso, muni):
    sso.issuer = "http://127.0.0.1:9/down/v2.0"
    sso.local_passwords_off = True
    sso.save()
    response = client.get("/login/sso/alesund/", follow=True)
    assert page_says(response, "Innloggingstjenesten til kommunen svarer ikke nå")
    assert not page_says(response, "eller logg inn med brukernavn og passord")


def test_a_provider_that_goes_down_before_the_code_is_exchanged_says_so(client, sso, muni, monkeypatch):
    kari(muni)
    with Provider() as short_lived:
        sso.issuer = short_lived.issuer
        sso.save()
        short_lived.next_claims = {"oid": "oid-kari", "email": "kari@alesund.kommune.no"}
        callback = start(client)
    response = finish(client, callback)  # the token endpoint no longer answers
    assert signed_in_as(client) is None
    assert page_says(response, "Innloggingstjenesten til kommunen svarer ikke nå")


def test_a_password_sign_in_after_a_single_sign_on_does_not_inherit_its_second_factor(
    client, provider, sso, muni, settings
):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    manager = f.ManagerFactory(municipality=muni, username="leder@alesund", email="leder@alesund.kommune.no")
    sign_in(client, provider, oid="oid-leder", email=manager.email, amr=["pwd", "mfa"])
    assert client.get("/reports/").status_code == 200
    # The session's user signs in again with the password (a form sent before the redirect, say).
    from django.contrib.auth.forms import AuthenticationForm
    from django.test import RequestFactory

    from boveileder.views import LoginView

    request = RequestFactory().post("/login/")
    request.session = client.session
    request.user = manager
    view = LoginView()
    view.setup(request)
    form = AuthenticationForm(request, data={"username": "leder@alesund", "password": f.TEST_PASSWORD})
    assert form.is_valid()
    view.form_valid(form)
    assert "sso_mfa" not in request.session


def test_a_municipality_without_single_sign_on_has_no_sign_in_link(client, muni):
    assert client.get("/login/sso/alesund/").status_code == 404
    assert "/login/sso/" not in client.get("/login/").content.decode()


# --- passwords, two-factor, logout, the manager's page ------------------------------------------


def test_passwords_off_refuses_the_municipalitys_staff_but_not_others(client, sso, muni):
    user = kari(muni)
    other = f.CounsellorFactory(municipality=f.MunicipalityFactory(slug="molde"))
    assert client.login(username=user.username, password=f.TEST_PASSWORD)
    client.logout()
    sso.local_passwords_off = True
    sso.save()
    assert not client.login(username=user.username, password=f.TEST_PASSWORD)
    assert client.login(username=other.username, password=f.TEST_PASSWORD)


def test_staff_of_a_municipality_without_passwords_are_told_to_use_its_button(client, sso, muni):
    user = kari(muni)
    sso.local_passwords_off = True
    sso.save()
    response = client.post("/login/", {"username": user.username, "password": f.TEST_PASSWORD})
    assert signed_in_as(client) is None
    assert page_says(response, "Ansatte i Ålesund logger inn med kommunens konto: bruk knappen over.")
    assert page_says(response, "Logg inn som ansatt i Ålesund")
    # A name in the namespace that is nobody's gets the same answer: no account's existence shows.
    response = client.post("/login/", {"username": "nobody@alesund", "password": "x"})
    assert page_says(response, "Ansatte i Ålesund logger inn med kommunens konto")


@pytest.mark.parametrize(
    "next_url,lands_on",
    [("/cases/team/", "/cases/team/"), ("https://evil.example/", "/cases/"), ("//evil.example/", "/cases/")],
)
def test_the_sign_in_returns_to_the_page_asked_for_on_this_site_only(
    client, provider, sso, muni, next_url, lands_on
):
    kari(muni)
    provider.next_claims = {"oid": "oid-kari", "email": "kari@alesund.kommune.no"}
    response = client.get("/login/sso/alesund/", {"next": next_url})
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    response = finish(client, answer.headers["Location"])
    assert response.redirect_chain[-1][0] == lands_on


@pytest.mark.parametrize(
    "amr,lands_on", [(["pwd", "mfa"], "/reports/"), (["pwd"], "/login/two-factor/?next=/")]
)
def test_a_provider_that_did_mfa_satisfies_the_managers_two_factor_rule(
    client, provider, sso, muni, settings, amr, lands_on
):
    settings.OTP_REQUIRED_FOR_MANAGERS = True
    manager = f.ManagerFactory(municipality=muni, email="leder@alesund.kommune.no")
    response = sign_in(client, provider, oid="oid-leder", email=manager.email, amr=amr)
    assert signed_in_as(client) == str(manager.pk)
    assert response.redirect_chain[-1][0] == lands_on


def test_logout_ends_the_session_and_offers_the_providers_logout(client, provider, sso, muni):
    kari(muni)
    sign_in(client, provider, oid="oid-kari", email="kari@alesund.kommune.no")
    response = client.post("/logout/")
    assert signed_in_as(client) is None
    html = response.content.decode()
    assert f'href="{provider.issuer}/logout?client_id={CLIENT_ID}' in html
    assert "id_token_hint=" in html
    assert client.get("/cases/").status_code == 302


def test_a_manager_sees_the_configuration_and_never_the_secret(client, sso, muni):
    sso.manager_values = "Boveileder.Manager"
    sso.save()
    client.force_login(f.ManagerFactory(municipality=muni))
    html = client.get("/municipality/sso/").content.decode()
    assert sso.issuer in html and CLIENT_ID in html and SECRET_ENV in html and "Boveileder.Manager" in html
    assert CLIENT_SECRET not in html


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_persons_first_sign_in_twice_at_once_links_once_and_lets_both_in():
    """Two tabs finish the first sign-in together: the second waits on the staff row the first is
    linking, then finds the link instead of failing on the unique constraint."""
    import threading

    from django.db import connection, transaction

    from boveileder.services.sso import sso_staff_resolve
    from tests.services import wait_for

    muni = f.MunicipalityFactory(name="Ålesund", slug="alesund")
    provider = SingleSignOn.objects.create(
        municipality=muni,
        enabled=True,
        issuer="https://idp.example/v2.0",
        client_id="c",
        client_secret_env="S_X",
    )
    user = kari(muni)
    claims = {"oid": "oid-kari", "email": user.email}
    outcome, linked, release = [], threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                outcome.append(("first", sso_staff_resolve(provider=provider, claims=claims).pk))
                linked.set()
                release.wait(30)
        finally:
            connection.close()

    def second():
        try:
            outcome.append(("second", sso_staff_resolve(provider=provider, claims=claims).pk))
        except Exception as error:
            outcome.append(("second", type(error).__name__))
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert linked.wait(30)
    late = threading.Thread(target=second)
    late.start()

    def second_waits_on_a_lock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE 'SELECT%%boveileder_user%%'"
            )
            return cursor.fetchone()[0]

    wait_for(second_waits_on_a_lock, timeout=30, message="the second sign-in waiting on the first")
    release.set()
    holder.join(30)
    late.join(30)
    assert sorted(outcome) == [("first", user.pk), ("second", user.pk)], outcome
    assert SingleSignOnLink.objects.filter(user=user).count() == 1
