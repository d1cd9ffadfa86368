"""Catalogue J9: a revocation commits even when the status list cannot be signed, and the
published list converges (next change, GET of the list, background task, CLI)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from issuance_support import (
    PROBLEM,
    Tokens,
    competence_body,
    make_credentials_app,
    parsed,
    registry_verifier,
)
from litestar import Litestar
from litestar.testing import TestClient
from registry_support import bearer, make_registry, scope
from sqlalchemy.engine import Engine

from app.cli.status import status as status_cli
from keys.store import MasterSecret
from registry import background
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.models import OrganisationRecord, StatusListRecord
from registry.status import StatusListService, decode_bitstring, get_bit, republish_lagging

LIST_PATH = "/orgs/centre-one/status/revocation/1"


@pytest.fixture
def keys_down(registry: Registry) -> Registry:
    """The same database with a master secret that opens no key: every signature fails."""
    return dataclasses.replace(registry, master=MasterSecret(bytes(range(32))))


@pytest.fixture
def down_client(keys_down: Registry) -> Iterator[TestClient[Any]]:
    with TestClient(make_credentials_app(keys_down)) as test_client:
        yield test_client


def _issue(client: TestClient[Any], tokens: Tokens, email: str = "v@example.org") -> str:
    body = competence_body(recipient={"email": email})
    response = client.post("/api/v1/credentials", json=body, headers=bearer(tokens.assessor))
    assert response.status_code == 201, response.text
    return str(response.json()["credential"]["id"]).rsplit("/", 1)[1]


def _row(registry: Registry) -> StatusListRecord:
    with scope(registry) as session:
        _org, row = StatusListService(registry, session).find("centre-one", "revocation", 1)
        session.expunge(row)
        return row


def _served_bit(client: TestClient[Any], credential: dict[str, Any]) -> bool:
    response = client.get(LIST_PATH)
    assert response.status_code == 200
    subject = response.json()["credentialSubject"]
    index = int(credential["credentialStatus"]["statusListIndex"])
    return get_bit(decode_bitstring(subject["encodedList"]), index)


def _credential(client: TestClient[Any], tokens: Tokens, uuid: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/credentials/{uuid}", headers=bearer(tokens.viewer))
    assert response.status_code == 200
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def _revoke_while_keys_down(
    down_client: TestClient[Any], tokens: Tokens, uuid: str
) -> dict[str, Any]:
    response = down_client.post(
        f"/api/v1/credentials/{uuid}/revoke",
        json={"reason": "forged evidence"},
        headers=bearer(tokens.admin),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_j9_revocation_commits_while_the_key_store_is_down(
    registry: Registry,
    org: OrganisationRecord,
    tokens: Tokens,
    client: TestClient[Any],
    down_client: TestClient[Any],
) -> None:
    """200 with status revoked and publication pending; the bit and the audit entry commit."""
    uuid = _issue(client, tokens)
    before = _row(registry)
    body = _revoke_while_keys_down(down_client, tokens, uuid)
    assert body["status"] == "revoked"
    assert body["publication"] == "pending"
    after = _row(registry)
    assert after.version == before.version + 1
    assert after.signed_version == before.version  # lagging: the signature failed
    assert after.signed_bytes == before.signed_bytes  # the last signed list is kept
    credential = _credential(client, tokens, uuid)
    index = int(credential["credentialStatus"]["statusListIndex"])
    assert get_bit(after.bits, index)
    assert org.id is not None
    with scope(registry) as session:
        log = AuditLog(registry, session)
        entries = log.entries(org.id, limit=100)
        assert [e.action for e in entries if e.credential_id == uuid] == [
            "credential.issue",
            "credential.revoke",
        ]
        assert log.verify_chain(org.id) is None


def test_j9_list_endpoint_serves_the_last_signed_list_never_an_unsigned_one(
    registry: Registry,
    tokens: Tokens,
    client: TestClient[Any],
    down_client: TestClient[Any],
) -> None:
    """While signing fails, GET of the list answers the previous signed bytes (with a proof)."""
    uuid = _issue(client, tokens)
    before = down_client.get(LIST_PATH)
    _revoke_while_keys_down(down_client, tokens, uuid)
    served = down_client.get(LIST_PATH)
    assert served.status_code == 200
    assert served.content == before.content
    assert served.headers["etag"] == before.headers["etag"]
    assert "proof" in served.json()
    assert not _served_bit(down_client, _credential(client, tokens, uuid))


def test_j9_get_of_a_lagging_list_republishes_it(
    registry: Registry,
    tokens: Tokens,
    client: TestClient[Any],
    down_client: TestClient[Any],
) -> None:
    """Once keys are back, the next GET re-signs the list: it shows the revocation."""
    uuid = _issue(client, tokens)
    _revoke_while_keys_down(down_client, tokens, uuid)
    credential = _credential(client, tokens, uuid)
    assert _served_bit(client, credential)
    row = _row(registry)
    assert row.signed_version == row.version
    assert registry_verifier(registry).verify(json.dumps(credential).encode()).verified is False


def test_j9_next_status_change_republishes_the_lagging_list(
    registry: Registry,
    org: OrganisationRecord,
    tokens: Tokens,
    client: TestClient[Any],
    down_client: TestClient[Any],
) -> None:
    """A later revocation with the keys back publishes both changes, in one list."""
    first, second = _issue(client, tokens, "a@example.org"), _issue(client, tokens, "b@x.org")
    _revoke_while_keys_down(down_client, tokens, first)
    response = client.post(
        f"/api/v1/credentials/{second}/suspend",
        json={"reason": "under review"},
        headers=bearer(tokens.admin),
    )
    assert response.status_code == 200
    assert response.json()["publication"] == "published"
    row = _row(registry)
    assert row.signed_version == row.version
    subject = parsed(row.signed_bytes or b"{}")["credentialSubject"]
    bits = decode_bitstring(subject["encodedList"])
    for uuid in (first, second):
        index = int(_credential(client, tokens, uuid)["credentialStatus"]["statusListIndex"])
        assert get_bit(bits, index)


def test_j9_background_round_converges(
    registry: Registry,
    tokens: Tokens,
    client: TestClient[Any],
    down_client: TestClient[Any],
    keys_down: Registry,
) -> None:
    """A round with keys still down leaves it pending; with keys back it publishes."""
    uuid = _issue(client, tokens)
    _revoke_while_keys_down(down_client, tokens, uuid)
    failed = background.run_once(keys_down)
    assert (failed.lists_published, failed.lists_pending) == (0, 1)
    done = background.run_once(registry)
    assert (done.lists_published, done.lists_pending) == (1, 0)
    assert republish_lagging(registry).pending == 0
    row = _row(registry)
    assert row.signed_version == row.version


def test_j9_cli_status_republish(
    registry: Registry,
    tokens: Tokens,
    client: TestClient[Any],
    down_client: TestClient[Any],
    keys_down: Registry,
) -> None:
    """``leverup status republish`` exits 2 while lists stay pending, 0 once all are signed."""
    uuid = _issue(client, tokens)
    _revoke_while_keys_down(down_client, tokens, uuid)
    runner = CliRunner()
    still = runner.invoke(status_cli, ["republish"], obj=keys_down)
    assert still.exit_code == 2, still.output
    assert "still pending: 1" in still.output
    done = runner.invoke(status_cli, ["republish"], obj=registry)
    assert done.exit_code == 0, done.output
    assert "re-signed: 1; still pending: 0" in done.output


def test_j9_background_task_of_the_app_converges(
    engine: Engine, tokens: Tokens, client: TestClient[Any], down_client: TestClient[Any]
) -> None:
    """The app's lifespan task (LEVERUP_STATUS_REPUBLISH_SECONDS=1) re-signs by itself."""
    uuid = _issue(client, tokens)
    _revoke_while_keys_down(down_client, tokens, uuid)
    fast = make_registry(engine, status_republish_seconds=1)
    app = Litestar(route_handlers=[], lifespan=[background.lifespan(fast)])
    with TestClient(app):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            row = _row(fast)
            if row.signed_version == row.version:
                break
            time.sleep(0.2)
    row = _row(fast)
    assert row.signed_version == row.version


def test_j9_a_never_signed_list_that_cannot_be_signed_is_503(
    registry: Registry, tokens: Tokens, client: TestClient[Any], down_client: TestClient[Any]
) -> None:
    """A list with no signature at all is refused (503), never served unsigned."""
    _issue(client, tokens)
    with scope(registry) as session:
        _org, row = StatusListService(registry, session).find("centre-one", "revocation", 1)
        row.signed_bytes, row.etag = None, None
        session.add(row)
    response = down_client.get(LIST_PATH)
    assert response.status_code == 503
    assert response.json()["type"] == PROBLEM + "status-list-unavailable"
    assert "retry-after" in response.headers
