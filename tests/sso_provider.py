"""A small OpenID Connect provider answering over HTTP in a thread, for the single sign-on tests.

It follows OIDC Core's authorization code flow: /authorize checks the client and redirect URI and
requires PKCE (S256), /token checks the client secret, the one-time code and the code verifier and
answers an RS256-signed ID token, /jwks publishes the public key. It signs in whoever the test puts
in `next_claims`, without a page of its own; `tamper` makes the next token wrong on purpose
(another issuer, expired, another key's signature, another nonce)."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "boveileder-test-client"
CLIENT_SECRET = "test-client-secret-not-real"
TENANT_ID = "11111111-2222-3333-4444-555555555555"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self):
        self.key = _key()
        self.other_key = _key()
        self.kid = "test-key-1"
        self.codes: dict[str, dict] = {}
        self.next_claims: dict = {}
        self.tamper: set[str] = set()
        self.token_requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/{TENANT_ID}/v2.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self):
        return self.issuer

    def jwks(self):
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def id_token(self, entry):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "nonce": entry["nonce"],
            "tid": TENANT_ID,
            **entry["claims"],
        }
        if "issuer" in entry["tamper"]:
            claims["iss"] = "https://login.microsoftonline.com/another-tenant/v2.0"
        if "expired" in entry["tamper"]:
            claims["iat"], claims["nbf"], claims["exp"] = now - 7200, now - 7200, now - 3600
        if "nonce" in entry["tamper"]:
            claims["nonce"] = "not-the-nonce-we-were-given"
        key = self.other_key if "signature" in entry["tamper"] else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                prefix = urlsplit(provider.issuer).path
                path = url.path.removeprefix(prefix)
                if path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": provider.base + "/authorize",
                            "token_endpoint": provider.base + "/token",
                            "jwks_uri": provider.base + "/jwks",
                            "end_session_endpoint": provider.base + "/logout",
                            "response_types_supported": ["code"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"],
                        }
                    )
                if path == "/jwks":
                    return self._json(provider.jwks())
                if path == "/authorize":
                    if (
                        query.get("client_id") != CLIENT_ID
                        or query.get("response_type") != "code"
                        or query.get("code_challenge_method") != "S256"
                        or not query.get("code_challenge")
                        or "openid" not in query.get("scope", "").split()
                    ):
                        return self._json({"error": "invalid_request"}, 400)
                    code = secrets.token_urlsafe(24)
                    provider.codes[code] = {
                        "claims": dict(provider.next_claims),
                        "tamper": set(provider.tamper),
                        "nonce": query.get("nonce"),
                        "challenge": query["code_challenge"],
                        "redirect_uri": query["redirect_uri"],
                    }
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query.get("state", "")})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if path == "/logout":
                    body = (
                        b"<!doctype html><html lang='en'><title>Signed out</title>"
                        b"<main><h1>Signed out</h1></main></html>"
                    )
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):
                path = urlsplit(self.path).path.removeprefix(urlsplit(provider.issuer).path)
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if path != "/token":
                    return self._json({"error": "not_found"}, 404)
                provider.token_requests += 1
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json({"error": "invalid_client"}, 401)
                entry = provider.codes.pop(form.get("code", ""), None)
                if entry is None or form.get("redirect_uri") != entry["redirect_uri"]:
                    return self._json({"error": "invalid_grant"}, 400)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                )
                if challenge != entry["challenge"]:
                    return self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
                return self._json(
                    {
                        "token_type": "Bearer",
                        "access_token": secrets.token_urlsafe(16),
                        "id_token": provider.id_token(entry),
                    }
                )

        return Handler
