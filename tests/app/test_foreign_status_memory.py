"""The app's verifier remembers foreign revocation bits in its database (issue 12, item 32):
two services over the same data directory (a restart, or another worker) share the memory, so
the second refuses a replayed list that clears a bit the first saw set.

The foreign list (a JWT signed by the credential's did:key issuer) is served by a small loopback
HTTP server; the development switches let the service's fetcher reach it.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.context import LocalServices
from common.settings import load_settings
from keys import Ed25519KeyPair, did_key, did_key_verification_method

KEY = Ed25519KeyPair.from_seed(bytes.fromhex("5a" * 32))
DID = did_key(KEY.public_key)
VM = did_key_verification_method(KEY.public_key)
INDEX = 777
VALID_FROM = "2026-01-01T00:00:00Z"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt(payload: dict[str, Any]) -> str:
    header = {"alg": "EdDSA", "kid": VM, "typ": "JWT"}
    data = ".".join(_b64(json.dumps(part).encode()) for part in (header, payload))
    return f"{data}.{_b64(KEY.sign(data.encode('ascii')))}"


def _claims(document: dict[str, Any]) -> dict[str, Any]:
    nbf = int(datetime.fromisoformat(VALID_FROM.replace("Z", "+00:00")).timestamp())
    return {**document, "iss": DID, "jti": document["id"], "nbf": nbf}


def _list(url: str, *revoked: int) -> bytes:
    bits = bytearray(131_072 // 8)
    for index in revoked:
        bits[index >> 3] |= 0x80 >> (index & 7)
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "u" + _b64(gzip.compress(bytes(bits), mtime=0)),
        },
    }
    return _jwt(_claims(document)).encode("ascii")


def _credential(url: str) -> str:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0e7c2a7e-9a35-4b8e-a7a4-5a7f7c1d2e3f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Foreign badge",
        "issuer": {"id": DID, "type": ["Profile"], "name": "Foreign Org"},
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:1f8d3b8f-0b46-4c9f-b8b5-6b808d2e3f40",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Assessed on a portfolio."},
            },
        },
        "credentialStatus": {
            "id": f"{url}#{INDEX}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(INDEX),
            "statusListCredential": url,
        },
    }
    return _jwt(_claims(document))


@pytest.fixture
def list_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A loopback server answering ``/list.jwt`` with ``served["body"]``."""
    served: dict[str, bytes] = {"body": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served["body"]
            self.send_response(200)
            self.send_header("Content-Type", "application/vc+jwt")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/list.jwt", served
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_i12_32_app_remembers_seen_bits_across_services(
    env: dict[str, str], list_server: tuple[str, dict[str, bytes]]
) -> None:
    """Item 32: a service reads the foreign list with the bit set (revoked); a second service
    on the same data directory, served a replay with the bit clear and the same validFrom,
    reports the list rolled back (not "not revoked")."""
    url, served = list_server
    settings = {**env, "LEVERUP_FETCH_ALLOW_HTTP": "1", "LEVERUP_FETCH_ALLOW_PRIVATE": "1"}
    token = _credential(url)
    served["body"] = _list(url, INDEX)
    first = LocalServices(load_settings(settings)).verifier.verify(token)
    status = first.check("status")
    assert status is not None and status.status == "failed", first.checks
    served["body"] = _list(url)
    second = LocalServices(load_settings(settings)).verifier.verify(token)
    status = second.check("status")
    assert status is not None and status.status == "error", second.checks
    assert "rolled back" in status.message
