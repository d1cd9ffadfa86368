"""The web application: health, catalogue, DID document, verification, problem details."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from app.asgi import MAX_BODY_BYTES, create_app
from app.context import LocalServices
from common.settings import load_settings
from issuer import IssueRequest, Recipient

PROBLEM = "application/problem+json"


@pytest.fixture
def services(env: dict[str, str]) -> LocalServices:
    return LocalServices(load_settings(env))


@pytest.fixture
def client(services: LocalServices) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(app=create_app(services=services)) as test_client:
        yield test_client


def _issued(services: LocalServices) -> bytes:
    request = IssueRequest(
        achievement="empathy",
        outcome="expert",
        complexity="low",
        recipient=Recipient(email="v@example.org"),
    )
    issued = services.issuer.issue(request, profile=services.profile, signer=services.signer())
    return issued.signed_bytes


class TestService:
    def test_health(self, client: TestClient) -> None:  # type: ignore[type-arg]
        response = client.get("/health")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "keys": "ok"}

    def test_health_without_database(
        self,
        client: TestClient,  # type: ignore[type-arg]
        services: LocalServices,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """When the database does not answer, /health is a 503 problem.

        The health check has a connection pool of its own (issue 12, item 26), over the same
        database: refusing every new connection to the database reaches it."""

        def broken(*_args: object, **_kwargs: object) -> None:
            raise OSError("connection refused")

        monkeypatch.setattr(services.registry.engine.dialect, "connect", broken)
        response = client.get("/health")
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:leverup:problem:database-unavailable"

    def test_index_links(self, client: TestClient) -> None:  # type: ignore[type-arg]
        body = client.get("/").json()
        assert body["issuer"] == "did:web:127.0.0.1%3A8000"
        assert body["links"]["verify"] == "http://127.0.0.1:8000/api/v1/verify"

    def test_openapi_served(self, client: TestClient) -> None:  # type: ignore[type-arg]
        spec = client.get("/schema/openapi.json").json()
        assert "/api/v1/verify" in spec["paths"]


class TestCatalogue:
    def test_achievement_document(self, client: TestClient) -> None:  # type: ignore[type-arg]
        """An achievement is served at its id, as JSON-LD, in the requested language."""
        response = client.get("/achievements/teamwork", params={"lang": "nl"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/ld+json")
        body = response.json()
        assert body["id"] == "http://127.0.0.1:8000/achievements/teamwork"
        assert body["inLanguage"] == "nl"

    def test_list(self, client: TestClient) -> None:  # type: ignore[type-arg]
        assert len(client.get("/achievements").json()) == 18

    def test_unknown_achievement_problem(self, client: TestClient) -> None:  # type: ignore[type-arg]
        response = client.get("/achievements/juggling")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:leverup:problem:not-found"

    def test_unsupported_language_problem(self, client: TestClient) -> None:  # type: ignore[type-arg]
        response = client.get("/achievements/teamwork", params={"lang": "de"})
        assert response.status_code == 422
        assert response.json()["type"] == "urn:leverup:problem:invalid-input"


class TestDidDocument:
    def test_did_document(self, client: TestClient) -> None:  # type: ignore[type-arg]
        """The local issuer's key is published at /.well-known/did.json."""
        document = client.get("/.well-known/did.json").json()
        assert document["id"] == "did:web:127.0.0.1%3A8000"
        assert document["assertionMethod"] == ["did:web:127.0.0.1%3A8000#key-1"]


class TestVerify:
    def test_valid(self, client: TestClient, services: LocalServices) -> None:  # type: ignore[type-arg]
        response = client.post("/api/v1/verify", content=_issued(services))
        assert response.status_code == 200
        report = response.json()
        assert report["verified"] is True
        assert report["credential"]["issuerId"] == "did:web:127.0.0.1%3A8000"

    def test_tampered(self, client: TestClient, services: LocalServices) -> None:  # type: ignore[type-arg]
        document = json.loads(_issued(services))
        document["validFrom"] = "2020-01-01T00:00:00Z"
        report = client.post("/api/v1/verify", content=json.dumps(document)).json()
        assert report["verified"] is False
        proof = next(c for c in report["checks"] if c["id"] == "proof")
        assert proof["status"] == "failed"

    def test_garbage_is_a_report(self, client: TestClient) -> None:  # type: ignore[type-arg]
        response = client.post("/api/v1/verify", content=b"\xff\xfe not json")
        assert response.status_code == 200
        assert response.json()["verified"] is False

    def test_body_too_large(self, client: TestClient) -> None:  # type: ignore[type-arg]
        response = client.post("/api/v1/verify", content=b"x" * (MAX_BODY_BYTES + 1))
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["type"] == "urn:leverup:problem:request-too-large"

    def test_wrong_method(self, client: TestClient) -> None:  # type: ignore[type-arg]
        response = client.get("/api/v1/verify")
        assert response.status_code == 405
        assert response.json()["type"] == "urn:leverup:problem:method-not-allowed"


def test_no_secret_file_outside_data_dir(services: LocalServices, tmp_path: Path) -> None:
    """Keys and secrets stay under the configured data directory."""
    services.ensure_issuer_key()
    assert (tmp_path / "var" / "keys" / "keys.json").is_file()


class TestRateLimit:
    """Catalogue H14: one client address gets 429 with Retry-After beyond the limit."""

    def test_limit_enforced(self, env: dict[str, str]) -> None:
        services = LocalServices(load_settings({**env, "LEVERUP_RATE_LIMIT_PER_MINUTE": "3"}))
        with TestClient(app=create_app(services=services)) as client:
            statuses = [client.get("/achievements/teamwork").status_code for _ in range(4)]
            assert statuses == [200, 200, 200, 429]
            response = client.get("/achievements/teamwork")
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["type"] == "urn:leverup:problem:too-many-requests"
            assert int(response.headers["retry-after"]) >= 0

    def test_health_not_limited(self, env: dict[str, str]) -> None:
        services = LocalServices(load_settings({**env, "LEVERUP_RATE_LIMIT_PER_MINUTE": "1"}))
        with TestClient(app=create_app(services=services)) as client:
            assert [client.get("/health").status_code for _ in range(3)] == [200, 200, 200]

    def test_zero_disables(self, env: dict[str, str]) -> None:
        services = LocalServices(load_settings({**env, "LEVERUP_RATE_LIMIT_PER_MINUTE": "0"}))
        with TestClient(app=create_app(services=services)) as client:
            assert {client.get("/achievements").status_code for _ in range(5)} == {200}
