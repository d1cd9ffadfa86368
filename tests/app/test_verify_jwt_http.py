"""``POST /api/v1/verify`` with a compact JWT as a ``text/plain`` body (ob3-requirements JWT-05)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient

from app.asgi import MAX_BODY_BYTES, create_app
from app.context import LocalServices
from common.settings import load_settings
from keys import Ed25519KeyPair, did_key, did_key_verification_method

KEY = Ed25519KeyPair.from_seed(bytes.fromhex("6e" * 32))
DID = did_key(KEY.public_key)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _token(**changes: Any) -> str:
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5b0c6e1a-2d3f-4a5b-8c7d-9e0f1a2b3c4d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "JWT badge",
        "issuer": {"id": DID, "type": ["Profile"], "name": "JWT Org"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:6c1d7f2b-3e4a-4b5c-9d8e-0f1a2b3c4d5e",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Assessed on a portfolio."},
            },
        },
        **changes,
    }
    nbf = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    payload = {**credential, "iss": DID, "jti": credential["id"], "nbf": nbf}
    header = {"alg": "EdDSA", "kid": did_key_verification_method(KEY.public_key), "typ": "vc+jwt"}
    data = ".".join(_b64(json.dumps(part).encode()) for part in (header, payload))
    return f"{data}.{_b64(KEY.sign(data.encode('ascii')))}"


@pytest.fixture
def client(env: dict[str, str]) -> Iterator[TestClient]:  # type: ignore[type-arg]
    services = LocalServices(load_settings(env))
    with TestClient(app=create_app(services=services)) as test_client:
        yield test_client


def _post(client: TestClient, body: str) -> Any:  # type: ignore[type-arg]
    return client.post(
        "/api/v1/verify", content=body.encode("ascii"), headers={"Content-Type": "text/plain"}
    )


def test_jwt_text_body_verifies(client: TestClient) -> None:  # type: ignore[type-arg]
    """A compact JWT sent as text/plain (with a trailing newline) is verified."""
    response = _post(client, _token() + "\n")
    assert response.status_code == 200
    report = response.json()
    assert report["verified"] is True, report["checks"]
    proof = next(check for check in report["checks"] if check["id"] == "proof")
    assert "JWT (EdDSA) signature verified" in proof["message"]
    assert report["credential"]["issuerId"] == DID


def test_tampered_jwt_text_body_is_not_verified(client: TestClient) -> None:  # type: ignore[type-arg]
    """A JWT whose signature belongs to another payload is answered verified: false."""
    head, _, signature = _token().split(".")
    _, payload, _ = _token(name="Forged").split(".")
    report = _post(client, f"{head}.{payload}.{signature}").json()
    assert report["verified"] is False
    proof = next(check for check in report["checks"] if check["id"] == "proof")
    assert proof["problem"]["type"].endswith("CRYPTOGRAPHIC_SECURITY_ERROR")


def test_d13_oversized_jwt_body_is_413(client: TestClient) -> None:  # type: ignore[type-arg]
    """D13: a JWT body over the app's limit is refused before decoding."""
    head, payload, signature = _token().split(".")
    response = _post(client, f"{head}.{payload}{'A' * MAX_BODY_BYTES}.{signature}")
    assert response.status_code == 413
