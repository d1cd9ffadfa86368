"""The lifecycle API: admin only, 404 across organisations, signed bytes spliced unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from registry_support import (
    bearer,
    create_org,
    create_token,
    issue_credential,
    make_app,
    scope,
)

from app.api import ROUTES
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.models import CredentialRecord, OrganisationRecord

PROBLEM = "urn:leverup:problem:"


class World:
    """Two organisations, tokens of each role of the first, one credential of the first."""

    def __init__(self, registry: Registry) -> None:
        self.org = create_org(registry)
        self.other = create_org(registry, "centre-two")
        with scope(registry) as session:
            self.credential = issue_credential(registry, session, self.org)
        self.admin = create_token(registry, self.org, "admin")
        self.assessor = create_token(registry, self.org, "assessor")
        self.viewer = create_token(registry, self.org, "viewer")
        self.other_admin = create_token(registry, self.other, "admin")
        self.path = f"/api/v1/credentials/{self.credential.id}"


@pytest.fixture
def world(registry: Registry) -> World:
    """The organisations, tokens and credential."""
    return World(registry)


@pytest.fixture
def client(registry: Registry) -> Iterator[TestClient[Any]]:
    """A test client of the status and lifecycle routes."""
    with TestClient(make_app(registry, ROUTES)) as test_client:
        yield test_client


def _stored(registry: Registry, credential_id: str) -> CredentialRecord:
    with scope(registry) as session:
        record = session.get(CredentialRecord, credential_id)
        assert record is not None
        session.expunge(record)
        return record


def _actions(registry: Registry, org: OrganisationRecord) -> list[str]:
    assert org.id is not None
    with scope(registry) as session:
        return [e.action for e in AuditLog(registry, session).entries(org.id)]


def _problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM + slug


class TestRevokeEndpoint:
    def test_admin_revokes_and_gets_the_new_state(
        self, registry: Registry, world: World, client: TestClient[Any]
    ) -> None:
        """200 {"id","status":"revoked","publication","credential","links"}; credential =
        stored bytes; the list was re-signed, so publication is "published"."""
        response = client.post(
            world.path + "/revoke", json={"reason": "forged evidence"}, headers=bearer(world.admin)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert list(body) == ["id", "status", "publication", "credential", "links"]
        assert body["id"] == world.credential.id and body["status"] == "revoked"
        assert body["publication"] == "published"
        stored = _stored(registry, world.credential.id)
        assert stored.signed_bytes is not None
        assert stored.signed_bytes in response.content  # spliced, not re-encoded
        assert body["credential"] == json.loads(stored.signed_bytes)
        assert body["links"]["status"].endswith("/orgs/centre-one/status/revocation/1")
        assert body["links"]["public"].endswith(f"/credentials/{world.credential.id}")
        assert body["links"]["self"].endswith(f"/api/v1/credentials/{world.credential.id}")
        assert body["links"]["json"] == body["links"]["public"] + ".json"
        assert _actions(registry, world.org)[-1] == "credential.revoke"

    def test_a_missing_token_is_401(self, world: World, client: TestClient[Any]) -> None:
        """No Authorization header: 401 invalid-token."""
        response = client.post(world.path + "/revoke", json={"reason": "x"})
        _problem(response, 401, "invalid-token")

    @pytest.mark.parametrize("role", ["viewer", "assessor"])
    def test_a_weaker_role_is_403(
        self, registry: Registry, world: World, client: TestClient[Any], role: str
    ) -> None:
        """Viewer and assessor tokens may not revoke: 403, nothing changes."""
        token = world.viewer if role == "viewer" else world.assessor
        response = client.post(world.path + "/revoke", json={"reason": "x"}, headers=bearer(token))
        _problem(response, 403, "insufficient-role")
        assert _stored(registry, world.credential.id).status == "active"

    def test_another_organisations_admin_gets_404(
        self, registry: Registry, world: World, client: TestClient[Any]
    ) -> None:
        """Org B's admin revoking org A's credential: 404, A's credential untouched (H2)."""
        response = client.post(
            world.path + "/revoke", json={"reason": "x"}, headers=bearer(world.other_admin)
        )
        _problem(response, 404, "credential-not-found")
        assert _stored(registry, world.credential.id).status == "active"

    def test_an_unknown_credential_is_404(self, world: World, client: TestClient[Any]) -> None:
        """A well-formed id that does not exist: 404."""
        response = client.post(
            "/api/v1/credentials/00000000-0000-4000-8000-000000000000/revoke",
            json={"reason": "x"},
            headers=bearer(world.admin),
        )
        _problem(response, 404, "credential-not-found")

    def test_a_missing_body_is_refused(self, world: World, client: TestClient[Any]) -> None:
        """No reason at all: 400 invalid-request."""
        response = client.post(world.path + "/revoke", headers=bearer(world.admin))
        _problem(response, 400, "invalid-request")

    def test_an_empty_reason_is_422(self, world: World, client: TestClient[Any]) -> None:
        """A blank reason: 422 invalid-input."""
        response = client.post(
            world.path + "/revoke", json={"reason": "  "}, headers=bearer(world.admin)
        )
        _problem(response, 422, "invalid-input")

    def test_an_unknown_body_field_is_refused(self, world: World, client: TestClient[Any]) -> None:
        """Extra members (e.g. statusListIndex) are refused: 400."""
        response = client.post(
            world.path + "/revoke",
            json={"reason": "x", "statusListIndex": "7"},
            headers=bearer(world.admin),
        )
        _problem(response, 400, "invalid-request")

    def test_revoking_twice_is_409(self, world: World, client: TestClient[Any]) -> None:
        """A revoked credential cannot be revoked again: 409 invalid-state."""
        headers = bearer(world.admin)
        client.post(world.path + "/revoke", json={"reason": "x"}, headers=headers)
        response = client.post(world.path + "/revoke", json={"reason": "y"}, headers=headers)
        _problem(response, 409, "invalid-state")


class TestOtherActions:
    def test_suspend_then_reinstate(
        self, registry: Registry, world: World, client: TestClient[Any]
    ) -> None:
        """Suspend (200 suspended), reinstate (200 active, a new signed copy, new status link)."""
        headers = bearer(world.admin)
        suspended = client.post(world.path + "/suspend", json={"reason": "review"}, headers=headers)
        assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
        reinstated = client.post(world.path + "/reinstate", headers=headers)
        assert reinstated.status_code == 200 and reinstated.json()["status"] == "active"
        credential = reinstated.json()["credential"]
        assert credential["id"].endswith(world.credential.id)
        assert (
            credential["credentialStatus"]
            != json.loads(world.credential.signed_bytes or b"{}")["credentialStatus"]
        )
        stored = _stored(registry, world.credential.id)
        assert stored.signed_bytes is not None and stored.signed_bytes in reinstated.content

    def test_reinstating_an_active_credential_is_409(
        self, world: World, client: TestClient[Any]
    ) -> None:
        """Only a suspended credential can be reinstated."""
        response = client.post(world.path + "/reinstate", headers=bearer(world.admin))
        _problem(response, 409, "invalid-state")

    def test_renew_sets_valid_until(self, world: World, client: TestClient[Any]) -> None:
        """Renew with a dateTimeStamp: 200, the new copy carries it."""
        response = client.post(
            world.path + "/renew",
            json={"validUntil": "2033-03-03T10:00:00+01:00"},
            headers=bearer(world.admin),
        )
        assert response.status_code == 200, response.text
        assert response.json()["credential"]["validUntil"] == "2033-03-03T09:00:00Z"

    @pytest.mark.parametrize(
        "value", ["2033-03-03T10:00:00", "2020-01-01T00:00:00Z", "2020-01-01", "soon"]
    )
    def test_renew_refuses_a_bad_valid_until(
        self, world: World, client: TestClient[Any], value: str
    ) -> None:
        """No time zone, not a date-time, or in the past: 422 invalid-input (a plain date is
        accepted since issue 12 item 17, see test_i12_registry_semantics)."""
        response = client.post(
            world.path + "/renew", json={"validUntil": value}, headers=bearer(world.admin)
        )
        _problem(response, 422, "invalid-input")

    @pytest.mark.parametrize("method", ["post", "delete"])
    def test_erase_by_post_or_delete(
        self, registry: Registry, world: World, client: TestClient[Any], method: str
    ) -> None:
        """POST …/erase and DELETE …: 200 status erased, credential null; data removed."""
        headers = bearer(world.admin)
        if method == "post":
            response = client.post(world.path + "/erase", headers=headers)
        else:
            response = client.delete(world.path, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "erased" and response.json()["credential"] is None
        stored = _stored(registry, world.credential.id)
        assert stored.signed_bytes is None and stored.recipient_name is None
        assert _actions(registry, world.org)[-1] == "credential.erase"

    def test_erase_needs_the_admin_role(
        self, registry: Registry, world: World, client: TestClient[Any]
    ) -> None:
        """An assessor cannot erase: 403, data kept."""
        response = client.delete(world.path, headers=bearer(world.assessor))
        _problem(response, 403, "insufficient-role")
        assert _stored(registry, world.credential.id).signed_bytes is not None
