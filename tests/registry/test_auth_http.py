"""Bearer authentication, roles and the request transaction, through a small Litestar app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar import post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.testing import TestClient
from orgs_support import bearer, create_org, create_token, make_app, make_registry, scope
from sqlalchemy.engine import Engine
from sqlmodel import Session

from common.errors import ConflictError
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import AuthenticationError, PermissionDeniedError
from registry.orgs.access import Principal, bearer_token, require

PROBLEM = "urn:leverup:problem:"


@post("/test/append", sync_to_thread=True)
def _append_then(
    registry: NamedDependency[Registry],
    session: NamedDependency[Session],
    principal: NamedDependency[Principal],
    fail: FromQuery[bool] = False,
) -> dict[str, int]:
    """Write an audit entry, then fail if asked: the entry must then not be stored."""
    entry = AuditLog(registry, session).append(
        principal.org_id, actor=principal.actor, action="test.append"
    )
    if fail:
        raise ConflictError("failing after a write")
    return {"seq": entry.seq}


@pytest.fixture
def registry(engine: Engine) -> Registry:
    reg = make_registry(engine)
    create_org(reg, "centre-one")
    create_org(reg, "centre-two")
    return reg


@pytest.fixture
def client(registry: Registry) -> Iterator[TestClient[Any]]:
    with TestClient(make_app(registry, [_append_then])) as test_client:
        yield test_client


def _entries(registry: Registry, org_id: int) -> list[str]:
    with scope(registry) as session:
        return [e.action for e in AuditLog(registry, session).entries(org_id)]


class TestUnauthenticated:
    def test_missing_token_is_401_with_a_bearer_challenge(self, client: TestClient[Any]) -> None:
        """No Authorization header: 401 invalid-token and WWW-Authenticate: Bearer."""
        response = client.get("/api/v1/org")
        assert response.status_code == 401
        assert response.json()["type"] == PROBLEM + "invalid-token"
        assert response.headers["www-authenticate"] == 'Bearer realm="leverup"'

    def test_unknown_token_is_401_invalid_token(self, client: TestClient[Any]) -> None:
        """A token that was never issued: 401 with error="invalid_token"."""
        response = client.get("/api/v1/org", headers=bearer("lvu_" + "x" * 43))
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["www-authenticate"]

    def test_revoked_token_is_401(self, registry: Registry, client: TestClient[Any]) -> None:
        """A token revoked through the API stops working at once."""
        admin = create_token(registry, "centre-one", "admin")
        viewer = create_token(registry, "centre-one", "viewer")
        token_id = client.get("/api/v1/org", headers=bearer(viewer)).status_code
        assert token_id == 200
        listed = client.get("/api/v1/tokens", headers=bearer(admin)).json()
        viewer_id = next(t["id"] for t in listed if t["role"] == "viewer")
        assert (
            client.delete(f"/api/v1/tokens/{viewer_id}", headers=bearer(admin)).status_code == 204
        )
        response = client.get("/api/v1/org", headers=bearer(viewer))
        assert response.status_code == 401
        assert response.json()["type"] == PROBLEM + "invalid-token"

    def test_other_scheme_is_401(self, registry: Registry, client: TestClient[Any]) -> None:
        """Only the Bearer scheme is accepted."""
        token = create_token(registry, "centre-one", "admin")
        response = client.get("/api/v1/org", headers={"Authorization": f"Basic {token}"})
        assert response.status_code == 401

    def test_token_in_the_query_string_is_401(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """A token in the URL is refused even beside a valid header (URLs end up in logs)."""
        token = create_token(registry, "centre-one", "admin")
        response = client.get(f"/api/v1/org?access_token={token}", headers=bearer(token))
        assert response.status_code == 401
        assert "URL" in response.json()["detail"]

    def test_token_value_under_any_query_name_is_401(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """Any query value that starts like a token is refused, whatever its name."""
        token = create_token(registry, "centre-one", "admin")
        response = client.get(f"/api/v1/org?q={token}", headers=bearer(token))
        assert response.status_code == 401

    def test_two_authorization_headers_are_401(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """An ambiguous request with two Authorization headers is refused."""
        token = create_token(registry, "centre-one", "admin")
        headers = [("authorization", f"Bearer {token}"), ("authorization", f"Bearer {token}")]
        response = client.get("/api/v1/org", headers=headers)
        assert response.status_code == 401


class TestRoles:
    def test_viewer_reads_the_profile(self, registry: Registry, client: TestClient[Any]) -> None:
        """Any role reads its organisation's profile."""
        token = create_token(registry, "centre-two", "viewer")
        response = client.get("/api/v1/org", headers=bearer(token))
        assert response.status_code == 200
        assert response.json()["slug"] == "centre-two"

    def test_viewer_cannot_patch_the_profile(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """PATCH /api/v1/org needs admin: 403 insufficient-role."""
        token = create_token(registry, "centre-one", "viewer")
        response = client.patch("/api/v1/org", json={"name": "Mine"}, headers=bearer(token))
        assert response.status_code == 403
        assert response.json()["type"] == PROBLEM + "insufficient-role"

    def test_assessor_cannot_create_tokens(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """Managing tokens needs admin: an assessor gets 403."""
        token = create_token(registry, "centre-one", "assessor")
        response = client.post("/api/v1/tokens", json={"role": "admin"}, headers=bearer(token))
        assert response.status_code == 403

    def test_assessor_cannot_rotate_keys(self, registry: Registry, client: TestClient[Any]) -> None:
        """Rotating keys needs admin: an assessor gets 403 and no key is made."""
        token = create_token(registry, "centre-one", "assessor")
        assert client.post("/api/v1/keys/rotate", headers=bearer(token)).status_code == 403
        document = client.get("/orgs/centre-one/did.json").json()
        assert len(document["verificationMethod"]) == 1

    def test_viewer_cannot_list_tokens(self, registry: Registry, client: TestClient[Any]) -> None:
        """Listing tokens needs admin."""
        token = create_token(registry, "centre-one", "viewer")
        assert client.get("/api/v1/tokens", headers=bearer(token)).status_code == 403


class TestRequestTransaction:
    def test_successful_request_commits(self, registry: Registry, client: TestClient[Any]) -> None:
        """What a handler writes is stored when it returns."""
        token = create_token(registry, "centre-one", "viewer")
        assert client.post("/test/append", headers=bearer(token)).status_code == 201
        assert _entries(registry, 1)[-1] == "test.append"

    def test_failed_request_rolls_back(self, registry: Registry, client: TestClient[Any]) -> None:
        """A handler that fails after writing leaves nothing behind (one request, one tx)."""
        token = create_token(registry, "centre-one", "viewer")
        before = _entries(registry, 1)
        response = client.post("/test/append?fail=true", headers=bearer(token))
        assert response.status_code == 409
        assert _entries(registry, 1) == before


class TestHelpers:
    def test_bearer_token_is_extracted(self) -> None:
        """'Bearer <token>' gives the token (scheme case-insensitive)."""
        assert bearer_token(["bearer lvu_abc"]) == "lvu_abc"

    def test_empty_bearer_is_refused(self) -> None:
        """'Bearer' without a token is refused."""
        with pytest.raises(AuthenticationError):
            bearer_token(["Bearer   "])

    def test_require_without_roles_is_a_programming_error(self) -> None:
        """require() must name at least one role."""
        with pytest.raises(ValueError, match="at least one role"):
            require(_principal("admin"))

    def test_require_admits_stronger_roles(self) -> None:
        """require(p, 'assessor') admits an admin and refuses a viewer."""
        require(_principal("admin"), "assessor")
        with pytest.raises(PermissionDeniedError, match="assessor"):
            require(_principal("viewer"), "assessor")


def _principal(role: Any) -> Principal:
    from registry.models import ApiTokenRecord, OrganisationRecord

    org = OrganisationRecord(id=1, slug="x", name="X", did="did:web:x")
    token = ApiTokenRecord(id=1, org_id=1, role=role, token_hash="0" * 64, prefix="lvu_")
    return Principal(org=org, token=token, role=role, actor="token:1:")
