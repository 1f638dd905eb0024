"""Stand-ins for Maskinporten and KS SvarUt, each a real HTTP server in a thread, checking what the
real services check (docs/svarut.md names the spec files they follow) and answering as they do.

- `Maskinporten`: `POST /token` with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an
  `assertion`: a JWT signed RS256 by the key of the business certificate in its `x5c` header, the
  certificate being the one registered for the client; `aud` its own audience, `iss` the client id,
  `scope` granted to the client, at most two minutes long. Answers an access token it signs itself.
- `SvarUt`: every call needs `Authorization: Bearer` with a valid token of that Maskinporten holding
  `ks:fiks`, and the integration's `IntegrasjonId` and `IntegrasjonPassord`. `POST .../forsendelser`
  takes multipart form data with a `forsendelse` JSON part (required: `tittel`, `mottaker.navn`,
  the postal address unless `kunDigitalLevering`, each document's `filnavn` and `mimeType`) and one
  `filer` part per document, named as the document; `GET .../forsendelser?eksternRef=` finds
  shipments by our reference; `POST .../forsendelser/status-sok` answers each shipment's status.
  Errors come as SvarUt's ErrorMessage JSON. `slow_seconds` answers a send late (it is kept first,
  as a real server that got it would); `fail_next` answers the next call with an error."""

import base64
import contextlib
import datetime
import json
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_ID = "11111111-aaaa-4bbb-8ccc-222222222222"
ACCOUNT_ID = "0b7c5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f21"
INTEGRATION_ID = "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
INTEGRATION_PASSWORD = "integrasjon-passord-i-test"  # the stand-in's own


def business_certificate(folder: Path, org_number: str = "942110464") -> tuple[Path, Path, x509.Certificate]:
    """A self-signed stand-in for the municipality's business certificate, written as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "TEST KOMMUNE"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, org_number),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "virksomhet.crt.pem", folder / "virksomhet.key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path, certificate


class _Server:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _answer(handler, data, status=200):
    body = json.dumps(data).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class Maskinporten(_Server):
    def __init__(self, certificate: x509.Certificate, client_id: str = CLIENT_ID, scopes=("ks:fiks",)):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.fingerprint = certificate.fingerprint(hashes.SHA256())
        self.client_id = client_id
        self.scopes = set(scopes)
        self.grants: list[dict] = []  # the accepted grants' claims
        self.refusals: list[str] = []
        super().__init__()
        self.audience = self.url + "/"
        self.token_url = self.url + "/token"

    def _check(self, form: dict) -> dict:
        if form.get("grant_type") != GRANT_TYPE:
            raise ValueError("unsupported_grant_type")
        assertion = form.get("assertion", "")
        header = jwt.get_unverified_header(assertion)
        if header.get("alg") != "RS256" or not header.get("x5c"):
            raise ValueError("invalid_grant")
        certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        if certificate.fingerprint(hashes.SHA256()) != self.fingerprint:
            raise ValueError("invalid_client")
        claims = jwt.decode(
            assertion,
            certificate.public_key(),
            algorithms=["RS256"],
            audience=self.audience,
            issuer=self.client_id,
            options={"require": ["aud", "iss", "exp", "iat", "jti"]},
        )
        if claims["exp"] - claims["iat"] > 120:
            raise ValueError("invalid_grant")
        if not set(claims.get("scope", "").split()) <= self.scopes or not claims.get("scope"):
            raise ValueError("invalid_scope")
        return claims

    def token(self, scope: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.audience,
            "client_id": self.client_id,
            "scope": scope,
            "iat": now,
            "exp": now + 120,
        }
        return jwt.encode(claims, self.key, algorithm="RS256")

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                if urlsplit(self.path).path != "/token":
                    return _answer(self, {"error": "not_found"}, 404)
                if self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
                    return _answer(self, {"error": "invalid_request"}, 400)
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                try:
                    claims = standin._check(form)
                except (ValueError, jwt.PyJWTError) as error:
                    code = str(error) if isinstance(error, ValueError) else "invalid_grant"
                    standin.refusals.append(code)
                    return _answer(self, {"error": code, "error_description": "refused by the stand-in"}, 400)
                standin.grants.append(claims)
                return _answer(
                    self,
                    {
                        "access_token": standin.token(claims["scope"]),
                        "token_type": "Bearer",
                        "expires_in": 120,
                        "scope": claims["scope"],
                    },
                )

        return Handler


class SvarUt(_Server):
    def __init__(self, maskinporten: Maskinporten):
        self.maskinporten = maskinporten
        self.shipments: dict[str, dict] = {}  # SvarUt's id -> what it kept
        self.requests: list[tuple[str, str]] = []  # (method, path) of every call, as seen
        self.refusals: list[tuple[int, str]] = []
        self.slow_seconds = 0.0
        self.fail_next: int | None = None  # an HTTP status to answer the next call with
        self.lock = threading.Lock()
        super().__init__()

    @property
    def sent(self) -> list[dict]:
        return list(self.shipments.values())

    def set_status(self, shipment_id: str, status: str, at: datetime.datetime | None = None):
        entry = self.shipments[str(shipment_id)]
        entry["status"] = status
        entry["changed"] = (at or datetime.datetime.now(datetime.UTC)).isoformat()

    def _error(self, handler, status: int, code: str, message: str):
        self.refusals.append((status, code))
        return _answer(
            handler,
            {
                "timestamp": int(time.time() * 1000),
                "status": status,
                "error": code,
                "errorId": str(uuid.uuid4()),
                "path": urlsplit(handler.path).path,
                "message": message,
                "errorCode": code,
            },
            status,
        )

    def _authorised(self, handler) -> str | None:
        """None when the call carries a valid token and the integration's credentials, else the code."""
        bearer = handler.headers.get("Authorization", "")
        if not bearer.startswith("Bearer "):
            return "MANGLER_TOKEN"
        try:
            claims = jwt.decode(
                bearer.removeprefix("Bearer "),
                self.maskinporten.key.public_key(),
                algorithms=["RS256"],
                issuer=self.maskinporten.audience,
                options={"require": ["exp", "iss", "scope"]},
            )
        except jwt.PyJWTError:
            return "UGYLDIG_TOKEN"
        if "ks:fiks" not in claims["scope"].split():
            return "MANGLER_SCOPE"
        if (
            handler.headers.get("IntegrasjonId") != INTEGRATION_ID
            or handler.headers.get("IntegrasjonPassord") != INTEGRATION_PASSWORD
        ):
            return "UGYLDIG_INTEGRASJON"
        return None

    def _base(self) -> str:
        return f"/api/v2/kontoer/{ACCOUNT_ID}/forsendelser"

    def _send(self, handler, body: bytes):
        content_type = handler.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            return self._error(handler, 415, "UGYLDIG_CONTENT_TYPE", "multipart/form-data expected")
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        parts = [(p.get_param("name", header="content-disposition"), p) for p in message.iter_parts()]
        metadata = [p for name, p in parts if name == "forsendelse"]
        files = {p.get_filename(): p.get_payload(decode=True) for name, p in parts if name == "filer"}
        if len(metadata) != 1:
            return self._error(handler, 400, "MANGLER_FORSENDELSE", "one forsendelse part expected")
        try:
            forsendelse = json.loads(metadata[0].get_payload(decode=True))
        except ValueError:
            return self._error(handler, 400, "UGYLDIG_JSON", "forsendelse is not JSON")
        problem = _forsendelse_problem(forsendelse, files)
        if problem:
            return self._error(handler, 400, "VALIDERINGSFEIL", problem)
        shipment_id = str(uuid.uuid4())
        now = datetime.datetime.now(datetime.UTC).isoformat()
        with self.lock:
            self.shipments[shipment_id] = {
                "id": shipment_id,
                "forsendelse": forsendelse,
                "files": files,
                "status": "MOTTATT",
                "changed": now,
            }
        if self.slow_seconds:
            time.sleep(self.slow_seconds)
        return _answer(handler, {"id": shipment_id})

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _start(self, method) -> str | None:
                url = urlsplit(self.path)
                standin.requests.append((method, self.path))
                if standin.fail_next:
                    status, standin.fail_next = standin.fail_next, None
                    standin._error(self, status, "SYSTEMFEIL", "the stand-in was told to fail")
                    return None
                refused = standin._authorised(self)
                if refused:
                    standin._error(
                        self, 401 if refused != "UGYLDIG_INTEGRASJON" else 403, refused, "no access"
                    )
                    return None
                return url.path.rstrip("/")

            def do_GET(self):
                path = self._start("GET")
                if path is None:
                    return None
                if path != standin._base():
                    return standin._error(self, 404, "IKKE_FUNNET", "unknown account or path")
                query = parse_qs(urlsplit(self.path).query)
                if "eksternRef" not in query:
                    return standin._error(self, 400, "MANGLER_EKSTERNREF", "eksternRef is required")
                ref = query["eksternRef"][0]
                ids = [s["id"] for s in standin.sent if s["forsendelse"].get("eksternReferanse") == ref]
                return _answer(self, {"forsendelseIds": ids})

            def do_POST(self):
                path = self._start("POST")
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if path is None:
                    return None
                if path == standin._base():
                    return standin._send(self, body)
                if path == standin._base() + "/status-sok":
                    ids = json.loads(body or b"{}").get("forsendelseIds")
                    if not isinstance(ids, list):
                        return standin._error(
                            self, 400, "MANGLER_FORSENDELSEIDS", "forsendelseIds is required"
                        )
                    statuses = [
                        {
                            "id": i,
                            "status": standin.shipments[i]["status"],
                            "sisteStatusEndring": standin.shipments[i]["changed"],
                        }
                        for i in ids
                        if i in standin.shipments
                    ]
                    return _answer(self, {"statuser": statuses})
                return standin._error(self, 404, "IKKE_FUNNET", "unknown account or path")

        return Handler


def _forsendelse_problem(forsendelse: dict, files: dict) -> str | None:
    """What the send API's schema requires (Forsendelse, Adresse, Dokument) that is missing."""
    recipient = forsendelse.get("mottaker") or {}
    if not forsendelse.get("tittel"):
        return "tittel is required"
    if not recipient.get("navn"):
        return "mottaker.navn is required"
    if not forsendelse.get("kunDigitalLevering") and not (
        recipient.get("postnummer") and recipient.get("poststed")
    ):
        return "mottaker.postnummer and poststed are required unless kunDigitalLevering"
    documents = forsendelse.get("dokumenter") or []
    if not documents:
        return "dokumenter is required"
    for document in documents:
        if not document.get("filnavn") or not document.get("mimeType"):
            return "dokument.filnavn and mimeType are required"
        data = files.get(document["filnavn"])
        if data is None:
            return "a filer part is missing for a document"
        if document["mimeType"] == "application/pdf" and not data.startswith(b"%PDF-"):
            return "the document is not a PDF"
    if len(files) != len(documents):
        return "every filer part must be a document of forsendelse"
    return None


@contextlib.contextmanager
def running(folder: Path):
    """Both stand-ins answering, with the business certificate's files they trust in `folder`."""
    cert_path, key_path, certificate = business_certificate(folder)
    with Maskinporten(certificate) as maskinporten, SvarUt(maskinporten) as svarut:
        yield SimpleNamespace(
            maskinporten=maskinporten, svarut=svarut, cert_path=cert_path, key_path=key_path
        )
