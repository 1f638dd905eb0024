"""A Maskinporten access token for SvarUt: the JWT grant signed with the municipality's business
certificate (RS256, the certificate in `x5c`), as KS's client ks-no/fiks-maskinporten builds it
(docs/svarut.md). Tokens are kept in the cache until shortly before they expire."""

import base64
import os
import time
import uuid

import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache

SCOPE = "ks:fiks"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TIMEOUT = (5, 20)
MARGIN_SECONDS = 10


class MaskinportenError(Exception):
    """The token could not be had; the message names the HTTP status and the error code only."""


def _pem(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def grant(account) -> str:
    """The signed JWT grant asking for the `ks:fiks` scope, valid for two minutes."""
    certificate = x509.load_pem_x509_certificate(_pem(account.certificate_path))
    password = os.environ.get(account.private_key_password_env) if account.private_key_password_env else None
    key = serialization.load_pem_private_key(
        _pem(account.private_key_path), password=password.encode() if password else None
    )
    now = int(time.time())
    claims = {
        "aud": account.audience,
        "iss": account.client_id,
        "scope": SCOPE,
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
    }
    x5c = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    return jwt.encode(claims, key, algorithm="RS256", headers={"x5c": [x5c]})


def access_token(account) -> str:
    """A valid access token for the account's client, from the cache or fresh from Maskinporten."""
    key = f"maskinporten:{account.token_url}:{account.client_id}"
    token = cache.get(key)
    if token:
        return token
    try:
        response = requests.post(
            account.token_url,
            data={"grant_type": GRANT_TYPE, "assertion": grant(account)},
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise MaskinportenError(f"Maskinporten did not answer ({type(error).__name__})") from None
    if response.status_code != 200:
        code = _error_code(response)
        raise MaskinportenError(f"Maskinporten refused the token: HTTP {response.status_code} {code}")
    body = response.json()
    token = body["access_token"]
    lifetime = int(body.get("expires_in", 120)) - MARGIN_SECONDS
    if lifetime > 0:
        cache.set(key, token, lifetime)
    return token


def _error_code(response) -> str:
    try:
        return str(response.json().get("error", ""))[:60]
    except ValueError:
        return ""
