"""SvarUt's REST API v2, the three calls we make (docs/svarut.md names the spec files):

- send: `POST /api/v2/kontoer/{kontoId}/forsendelser`, multipart with a `forsendelse` JSON part and
  one `filer` part per document, answered `{"id": ...}`;
- find by our reference: `GET /api/v2/kontoer/{kontoId}/forsendelser?eksternRef=...`, answered
  `{"forsendelseIds": [...]}`;
- statuses: `POST /api/v2/kontoer/{kontoId}/forsendelser/status-sok` with `{"forsendelseIds": [...]}`,
  answered `{"statuser": [{"id", "status", "sisteStatusEndring"}]}`.

Each call carries the Maskinporten token and the integration's id and password. An error keeps
SvarUt's status and error code, never the request (it holds the recipient's national ID)."""

import json
import os

import requests
from django.conf import settings

from dispatch import maskinporten


class SvarUtError(Exception):
    """SvarUt refused the call (`status` is its HTTP status) or did not answer (`status` is None)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def refused(self) -> bool:
        """SvarUt said no to the shipment itself (a 4xx other than access, timeout or load): sending it
        again will not help. Access errors are the configuration's, so the letter waits for it."""
        waits = (401, 403, 408, 429)
        return self.status is not None and 400 <= self.status < 500 and self.status not in waits


def _url(account, tail: str = "") -> str:
    return f"{account.base_url.rstrip('/')}/api/v2/kontoer/{account.account_id}/forsendelser{tail}"


def _headers(account) -> dict:
    return {
        "Authorization": f"Bearer {maskinporten.access_token(account)}",
        "IntegrasjonId": str(account.integration_id),
        "IntegrasjonPassord": os.environ.get(account.integration_password_env, ""),
        "Accept": "application/json",
    }


def _call(method: str, url: str, **kwargs) -> dict:
    try:
        response = requests.request(method, url, timeout=(5, settings.SVARUT_READ_TIMEOUT), **kwargs)
    except requests.RequestException as error:
        raise SvarUtError(f"SvarUt did not answer ({type(error).__name__})") from None
    if response.status_code != 200:
        raise SvarUtError(
            f"SvarUt answered HTTP {response.status_code} {_error_code(response)}".strip(),
            response.status_code,
        )
    try:
        return response.json()
    except ValueError:
        raise SvarUtError("SvarUt's answer was not JSON", response.status_code) from None


def _error_code(response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("errorCode") or body.get("error") or "")[:80]


def send(account, forsendelse: dict, files: dict[str, bytes]) -> str:
    """Send one shipment; returns SvarUt's id for it."""
    parts = [("forsendelse", (None, json.dumps(forsendelse), "application/json"))]
    for document in forsendelse["dokumenter"]:
        name = document["filnavn"]
        parts.append(("filer", (name, files[name], document["mimeType"])))
    return str(_call("POST", _url(account), headers=_headers(account), files=parts)["id"])


def find(account, external_ref: str) -> list[str]:
    """SvarUt's ids of the shipments carrying our reference (none if it never got the shipment)."""
    answer = _call("GET", _url(account), headers=_headers(account), params={"eksternRef": external_ref})
    return [str(i) for i in answer.get("forsendelseIds", [])]


def statuses(account, ids: list[str]) -> list[dict]:
    """The current status of each shipment."""
    answer = _call(
        "POST", _url(account, "/status-sok"), headers=_headers(account), json={"forsendelseIds": ids}
    )
    return answer.get("statuser", [])
