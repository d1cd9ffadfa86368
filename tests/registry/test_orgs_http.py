"""The organisation routes: DID documents, profile, tokens, key rotation and the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import TestClient
from orgs_support import bearer, create_org, create_token, make_app, make_registry
from sqlalchemy.engine import Engine

from registry.context import Registry

PROBLEM = "urn:leverup:problem:"
DID = "did:web:badges.example.org:orgs:centre-one"


@pytest.fixture
def registry(engine: Engine) -> Registry:
    reg = make_registry(engine)
    create_org(reg, "centre-one", email="info@centre.example")
    create_org(reg, "centre-two")
    return reg


@pytest.fixture
def client(registry: Registry) -> Iterator[TestClient[Any]]:
    with TestClient(make_app(registry)) as test_client:
        yield test_client


@pytest.fixture
def admin(registry: Registry) -> dict[str, str]:
    return bearer(create_token(registry, "centre-one", "admin", "ops"))


class TestDidDocument:
    def test_did_document_is_public(self, client: TestClient[Any]) -> None:
        """GET /orgs/{slug}/did.json needs no token and is a DID document."""
        response = client.get("/orgs/centre-one/did.json")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/did+ld+json")
        assert response.json()["id"] == DID

    def test_did_document_lists_rotated_keys(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """After POST /api/v1/keys/rotate the document lists key-1 and key-2."""
        rotated = client.post("/api/v1/keys/rotate", headers=admin)
        assert rotated.status_code == 201
        assert rotated.json()["verificationMethod"] == f"{DID}#key-2"
        document = client.get("/orgs/centre-one/did.json").json()
        assert document["assertionMethod"] == [f"{DID}#key-1", f"{DID}#key-2"]

    def test_unknown_organisation_is_404(self, client: TestClient[Any]) -> None:
        """An unknown slug: 404 organisation-not-found."""
        response = client.get("/orgs/nobody/did.json")
        assert response.status_code == 404
        assert response.json()["type"] == PROBLEM + "organisation-not-found"

    def test_malformed_slug_is_404(self, client: TestClient[Any]) -> None:
        """A slug that could never exist is answered like an unknown one."""
        assert client.get("/orgs/Not_A_Slug/did.json").status_code == 404


class TestProfile:
    def test_profile_is_the_callers_organisation(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """GET /api/v1/org returns the token's organisation in camelCase."""
        body = client.get("/api/v1/org", headers=admin).json()
        assert (body["slug"], body["did"], body["email"]) == (
            "centre-one",
            DID,
            "info@centre.example",
        )
        assert body["requireAssessorBadge"] is False

    def test_patch_changes_the_profile(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """PATCH changes the given fields, null clears one, the rest stays."""
        response = client.patch(
            "/api/v1/org",
            headers=admin,
            json={
                "name": "Centro Uno",
                "email": None,
                "address": {"addressLocality": "Milano"},
                "requireAssessorBadge": True,
            },
        )
        assert response.status_code == 200
        body = client.get("/api/v1/org", headers=admin).json()
        assert (body["name"], body["email"], body["address"], body["requireAssessorBadge"]) == (
            "Centro Uno",
            None,
            {"addressLocality": "Milano"},
            True,
        )

    def test_patch_with_unknown_field_is_refused(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """Mass assignment: a field the API does not take (e.g. did) is refused; nothing changes."""
        response = client.patch(
            "/api/v1/org", headers=admin, json={"name": "X", "did": "did:web:evil.example"}
        )
        assert response.status_code == 400
        assert response.json()["type"] == PROBLEM + "invalid-request"
        assert client.get("/api/v1/org", headers=admin).json()["did"] == DID

    def test_patch_with_nul_in_name_is_422(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """A NUL in the name is refused before anything is stored, on every backend."""
        response = client.patch("/api/v1/org", headers=admin, json={"name": "Org\u0000One"})
        assert response.status_code == 422
        assert response.json()["type"] == PROBLEM + "invalid-input"


class TestTokens:
    def test_created_token_is_shown_once_and_works(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """POST returns the token (no-store); listings never show it, and it authenticates."""
        response = client.post(
            "/api/v1/tokens", headers=admin, json={"role": "viewer", "label": "reader"}
        )
        assert response.status_code == 201
        assert response.headers["cache-control"] == "no-store"
        token = response.json()["token"]
        listed = client.get("/api/v1/tokens", headers=admin)
        assert token not in listed.text
        assert all("token" not in t and "tokenHash" not in t for t in listed.json())
        assert client.get("/api/v1/org", headers=bearer(token)).status_code == 200

    def test_create_with_unknown_role_is_refused(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """Only admin, assessor and viewer tokens exist."""
        response = client.post("/api/v1/tokens", headers=admin, json={"role": "owner"})
        assert response.status_code == 400

    def test_create_with_extra_field_is_refused(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """Mass assignment: an org_id in the body is refused, not honoured."""
        response = client.post("/api/v1/tokens", headers=admin, json={"role": "admin", "org_id": 2})
        assert response.status_code == 400

    def test_revoking_another_organisations_token_is_404(
        self, registry: Registry, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """Token ids of another organisation are 'not found', and the token keeps working."""
        other = bearer(create_token(registry, "centre-two", "admin"))
        other_id = client.get("/api/v1/tokens", headers=other).json()[0]["id"]
        response = client.delete(f"/api/v1/tokens/{other_id}", headers=admin)
        assert response.status_code == 404
        assert response.json()["type"] == PROBLEM + "token-not-found"
        assert client.get("/api/v1/org", headers=other).status_code == 200


class TestAudit:
    def test_audit_pages_through_the_log(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """limit and after page the log; nextAfter is null on the last page."""
        for _ in range(3):
            client.post("/api/v1/keys/rotate", headers=admin)
        first = client.get("/api/v1/audit?limit=2", headers=admin).json()
        assert [e["seq"] for e in first["entries"]] == [1, 2]
        rest = client.get(f"/api/v1/audit?after={first['nextAfter']}", headers=admin).json()
        assert [e["seq"] for e in rest["entries"]] == [3, 4, 5]
        assert rest["nextAfter"] is None
        assert rest["entries"][-1]["action"] == "key.rotate"

    def test_another_organisations_token_reads_only_its_own_log(
        self, registry: Registry, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """centre-two's viewer sees centre-two's log, never centre-one's entries."""
        client.post("/api/v1/keys/rotate", headers=admin)
        viewer = bearer(create_token(registry, "centre-two", "viewer"))
        entries = client.get("/api/v1/audit?org=centre-one", headers=viewer).json()["entries"]
        assert [e["details"].get("slug") for e in entries if e["action"] == "org.create"] == [
            "centre-two"
        ]
        assert all(e["action"] != "key.rotate" for e in entries)

    def test_oversized_limit_is_refused(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """limit above 1000 is refused (400 invalid-request)."""
        response = client.get("/api/v1/audit?limit=1001", headers=admin)
        assert response.status_code == 400
        assert response.json()["type"] == PROBLEM + "invalid-request"

    def test_negative_after_is_refused(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """after below 0 is refused."""
        assert client.get("/api/v1/audit?after=-1", headers=admin).status_code == 400

    def test_verify_reports_an_intact_chain(
        self, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """GET /api/v1/audit/verify: valid, with the head of the chain."""
        body = client.get("/api/v1/audit/verify", headers=admin).json()
        assert (body["valid"], body["firstBrokenSeq"], body["headSeq"]) == (True, None, 2)

    def test_verify_names_a_tampered_entry(
        self, registry: Registry, client: TestClient[Any], admin: dict[str, str]
    ) -> None:
        """After an SQL edit of entry 1, verify reports it as the first broken one."""
        with registry.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE audit_log SET actor = 'cli:someone-else' WHERE seq = 1")
            )
        body = client.get("/api/v1/audit/verify", headers=admin).json()
        assert (body["valid"], body["firstBrokenSeq"]) == (False, 1)


class TestOpenApi:
    def test_routes_appear_in_the_openapi_document(self, client: TestClient[Any]) -> None:
        """The schema builds (PATCH's unset fields included) and lists every route."""
        response = client.get("/schema/openapi.json")
        assert response.status_code == 200
        paths = set(response.json()["paths"])
        assert {
            "/orgs/{slug}/did.json",
            "/api/v1/org",
            "/api/v1/tokens",
            "/api/v1/tokens/{token_id}",
            "/api/v1/keys/rotate",
            "/api/v1/audit",
            "/api/v1/audit/verify",
        } <= paths
