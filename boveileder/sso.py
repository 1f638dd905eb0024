"""Signing in with the municipality's own accounts: OpenID Connect through mozilla-django-oidc.

The library does the protocol (state, nonce and PKCE kept in the session, the code exchanged for
tokens, the ID token's signature checked against the provider's JWKS); this module gives it the
provider of the municipality the person chose, since each municipality has its own
(`SingleSignOn`), and checks what the library leaves out: issuer, audience, expiry. Who may come
in is decided by `boveileder.services.sso`."""

import logging
import os
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from boveileder.auth_backends import StaffBackend
from boveileder.models import SingleSignOn
from boveileder.services.sso import SignInRefused, sso_staff_resolve

logger = logging.getLogger(__name__)

# The session remembers that this sign-in's provider did multi-factor (the managers' second step),
# and where to offer the provider's logout.
SSO_MFA_SESSION_KEY = "sso_mfa"
SSO_LOGOUT_SESSION_KEY = "sso_end_session"
DISCOVERY_CACHE_SECONDS = 60 * 60


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered nonsense."""


def discovery(provider: SingleSignOn) -> dict:
    """The provider's endpoints from its OpenID configuration, kept an hour in the cache."""
    key = f"sso-discovery:{provider.issuer}"
    document = cache.get(key)
    if document is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(document.get(name), str):
                    raise ValueError(name)
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(str(error)) from error
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def _unavailable_message(provider: SingleSignOn) -> str:
    if provider.local_passwords_allowed:
        return _(
            "The municipality's sign-in service does not answer right now. Try again in a while, "
            "or sign in with your username and password."
        )
    return _("The municipality's sign-in service does not answer right now. Try again in a while.")


def _enabled(slug) -> SingleSignOn:
    return get_object_or_404(
        SingleSignOn.objects.select_related("municipality"), municipality__slug=slug, enabled=True
    )


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured per sign-in from the municipality's provider.

    Used only by the callback (which passes `sso_provider`); sessions are loaded as by `StaffBackend`."""

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, sso_provider=None, sso_endpoints=None, **kwargs):
        if sso_provider is None:
            return None
        self.provider = sso_provider
        self.OIDC_OP_TOKEN_ENDPOINT = sso_endpoints["token_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = sso_endpoints["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = sso_provider.client_id
        self.OIDC_RP_CLIENT_SECRET = os.environ.get(sso_provider.client_secret_env, "")
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (as the library checks it), and what it leaves out: the token is from the
        municipality's issuer, for this application, and not expired."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected signing algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                options={"require": ["exp", "iat", "iss", "aud"]},
                leeway=60,
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims: Entra ID's userinfo endpoint gives no roles or groups."""
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        user = sso_staff_resolve(provider=self.provider, claims=payload)
        user.sso_amr = payload.get("amr") or []
        return user

    def get_user(self, user_id):
        return StaffBackend().get_user(user_id)


@method_decorator(login_not_required, name="dispatch")
class SignInStart(OIDCAuthenticationRequestView):
    """Sends the person to their municipality's provider (code flow, PKCE, state and nonce)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request, slug):
        provider = _enabled(slug)
        try:
            endpoints = discovery(provider)
        except ProviderUnavailable as error:
            logger.warning(
                "single sign-on provider of municipality %s unavailable: %s", provider.municipality_id, error
            )
            messages.error(request, _unavailable_message(provider))
            return redirect("login")
        self.OIDC_OP_AUTH_ENDPOINT = endpoints["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        response = super().get(request)
        # The library keeps state, nonce and PKCE verifier by state; the municipality goes with them.
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        states = dict(request.session["oidc_states"])
        states[state] = {**states[state], "sso_provider": provider.pk}
        request.session["oidc_states"] = states
        return response


@method_decorator(login_not_required, name="dispatch")
class SignInCallback(OIDCAuthenticationCallbackView):
    """The provider sends the person back here: the state is taken from the session once (a replay
    finds none), the code exchanged and the ID token checked, then `sso_staff_resolve` decides."""

    def fail(self, message):
        self.request.session.pop("oidc_id_token", None)  # stored by the library before the refusal
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("login"))

    def get(self, request):
        states = request.session.get("oidc_states") or {}
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if state else None
        request.session["oidc_states"] = states
        request.session.save()
        if entry is None:
            logger.warning("single sign-on callback with an unknown or used state")
            return self.fail(_("The sign-in was not started here, or was used already. Start it again."))
        provider = (
            SingleSignOn.objects.select_related("municipality")
            .filter(pk=entry.get("sso_provider"), enabled=True)
            .first()
        )
        if provider is None:
            return self.fail(_("Single sign-on is not on for this municipality."))
        if request.GET.get("error") or not request.GET.get("code"):
            return self.fail(_("The sign-in was cancelled or refused by the sign-in service."))
        try:
            endpoints = discovery(provider)
            user = MunicipalOIDCBackend().authenticate(
                request,
                sso_provider=provider,
                sso_endpoints=endpoints,
                nonce=entry["nonce"],
                code_verifier=entry.get("code_verifier"),
            )
        except SignInRefused as refusal:
            return self.fail(refusal.message)
        except IntegrityError:
            # The same person's first sign-in twice at once: one linked them; the other starts again.
            logger.warning("single sign-on of municipality %s raced another", provider.municipality_id)
            return self.fail(_("The sign-in could not be verified. Start it again."))
        except (ProviderUnavailable, requests.RequestException) as error:
            logger.warning(
                "single sign-on provider of municipality %s failed: %s", provider.municipality_id, error
            )
            return self.fail(_unavailable_message(provider))
        except SuspiciousOperation as error:
            logger.warning("single sign-on of municipality %s refused: %s", provider.municipality_id, error)
            return self.fail(_("The sign-in could not be verified. Start it again."))
        if user is None:
            return self.fail(_("The sign-in could not be verified. Start it again."))
        user.backend = "boveileder.auth_backends.StaffBackend"
        id_token = request.session.get("oidc_id_token")
        auth.login(request, user)
        request.session[SSO_MFA_SESSION_KEY] = isinstance(user.sso_amr, list) and "mfa" in user.sso_amr
        if endpoints.get("end_session_endpoint"):
            request.session[SSO_LOGOUT_SESSION_KEY] = {
                "url": endpoints["end_session_endpoint"],
                "id_token": id_token,
                "client_id": provider.client_id,
            }
        return HttpResponseRedirect(self.success_url)


@require_POST
@login_not_required
def logout(request):
    """Ends the session here; after a single sign-on, offers the provider's logout too."""
    end_session = request.session.get(SSO_LOGOUT_SESSION_KEY)
    auth.logout(request)
    if not end_session:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    query = {
        "client_id": end_session["client_id"],
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if end_session.get("id_token"):
        query["id_token_hint"] = end_session["id_token"]
    return render(
        request,
        "registration/sso_logged_out.html",
        {"provider_logout": f"{end_session['url']}?{urlencode(query)}"},
    )
