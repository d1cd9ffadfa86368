"""Catalogue J13: the key-compromise drill revokes what the key signed, drops the key from the
DID document, rotates, re-signs the status lists and leaves a complete audit trail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from issuance_support import (
    PROBLEM,
    Tokens,
    competence_request,
    make_credentials_app,
    new_org,
    registry_verifier,
    stored,
)
from litestar.testing import TestClient
from registry_support import ACTOR, bearer, scope

from app.cli.keys import keys_compromise
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials.compromise import COMPROMISE_REASON, KeyCompromiseService
from registry.credentials.issuance import IssuanceService
from registry.errors import SigningKeyNotFoundError
from registry.models import OrganisationRecord
from registry.orgs.service import OrganisationService
from registry.status import StatusListService

N = 3


def _issue(registry: Registry, org: OrganisationRecord, count: int) -> list[str]:
    ids = []
    with scope(registry) as session:
        service = IssuanceService(registry, session)
        for n in range(count):
            request = competence_request(recipient={"email": f"v{n}@example.org"})
            ids.append(service.issue(org, request, actor=ACTOR).id)
    return ids


def _rotate(registry: Registry, org: OrganisationRecord) -> str:
    with scope(registry) as session:
        return OrganisationService(registry, session).rotate_key(org, actor=ACTOR).key_id


def _compromise(
    registry: Registry, org: OrganisationRecord, key_id: str, *, reissue: bool = False
) -> Any:
    with scope(registry) as session:
        return KeyCompromiseService(registry, session).compromise(
            org, key_id, actor=ACTOR, reissue=reissue
        )


def _did_keys(registry: Registry, org: OrganisationRecord) -> list[str]:
    with scope(registry) as session:
        document = OrganisationService(registry, session).did_document(org)
    return [method["id"].rsplit("#", 1)[1] for method in document["verificationMethod"]]


def _verify(registry: Registry, credential_id: str) -> Any:
    signed = stored(registry, credential_id).signed_bytes
    assert signed is not None
    return registry_verifier(registry).verify(signed)


def _check(report: Any, check_id: str) -> str:
    return str(next(c.status for c in report.checks if c.id == check_id))


def test_j13_compromise_revokes_every_credential_signed_with_the_key(
    registry: Registry, org: OrganisationRecord
) -> None:
    """Issue N with K1, rotate, issue with K2, compromise K1: exactly the N are revoked."""
    old = _issue(registry, org, N)
    assert _rotate(registry, org) == "key-2"
    new = _issue(registry, org, 2)
    assert {stored(registry, i).key_id for i in old} == {"key-1"}
    report = _compromise(registry, org, "key-1")
    assert sorted(report.revoked) == sorted(old)
    assert report.previous_status == "retired" and report.new_key_id is None
    for credential_id in old:
        record = stored(registry, credential_id)
        assert (record.status, record.status_reason) == ("revoked", COMPROMISE_REASON)
        with scope(registry) as session:
            bit = StatusListService(registry, session).get_bit(
                record.status_list_id, record.status_index
            )
        assert bit
    for credential_id in new:
        assert stored(registry, credential_id).status == "active"


def test_j13_the_did_document_drops_the_compromised_key(
    registry: Registry, org: OrganisationRecord
) -> None:
    """Retired keys stay in the DID document; a compromised key does not."""
    _issue(registry, org, 1)
    _rotate(registry, org)
    _rotate(registry, org)
    assert _did_keys(registry, org) == ["key-1", "key-2", "key-3"]
    _compromise(registry, org, "key-1")
    assert _did_keys(registry, org) == ["key-2", "key-3"]


def test_j13_old_credentials_fail_verification_and_new_ones_pass(
    registry: Registry, org: OrganisationRecord
) -> None:
    """K1's credentials no longer verify (key gone); K2's verify, status included."""
    old = _issue(registry, org, N)
    _rotate(registry, org)
    [fresh] = _issue(registry, org, 1)
    _compromise(registry, org, "key-1")
    for credential_id in old:
        report = _verify(registry, credential_id)
        assert report.verified is False
        assert _check(report, "proof") != "passed"
    report = _verify(registry, fresh)
    assert report.verified is True, report
    assert _check(report, "status") == "passed"


def test_j13_compromising_the_active_key_rotates_and_re_signs_the_lists(
    registry: Registry, org: OrganisationRecord
) -> None:
    """The active K1 compromised: key-2 becomes active, every list is signed by key-2."""
    _issue(registry, org, 2)
    report = _compromise(registry, org, "key-1")
    assert (report.previous_status, report.new_key_id) == ("active", "key-2")
    assert report.lists_signed == 1 and report.publication == "published"
    with scope(registry) as session:
        signed, _etag = StatusListService(registry, session).signed_list(org.slug, "revocation", 1)
    proof = json.loads(signed)["proof"]
    [proof] = proof if isinstance(proof, list) else [proof]
    assert proof["verificationMethod"].endswith("#key-2")
    [later] = _issue(registry, org, 1)
    assert stored(registry, later).key_id == "key-2"
    assert _verify(registry, later).verified is True


def test_j13_audit_trail_is_complete(registry: Registry, org: OrganisationRecord) -> None:
    """One key.compromise entry and one credential.revoke per credential; the chain verifies."""
    old = _issue(registry, org, N)
    _compromise(registry, org, "key-1")
    assert org.id is not None
    with scope(registry) as session:
        log = AuditLog(registry, session)
        entries = log.entries(org.id, limit=1000)
        assert log.verify_chain(org.id) is None
    [event] = [e for e in entries if e.action == "key.compromise"]
    assert json.loads(event.details)["key_id"] == "key-1"
    assert json.loads(event.details)["revoked"] == N
    revokes = [e for e in entries if e.action == "credential.revoke"]
    assert sorted(str(e.credential_id) for e in revokes) == sorted(old)
    assert {e.reason for e in revokes} == {COMPROMISE_REASON}


def test_j13_reissue_issues_new_credentials_under_the_new_key(
    registry: Registry, org: OrganisationRecord
) -> None:
    """--reissue: new ids, new status indexes, signed by key-2, verifying; old ones revoked."""
    old = _issue(registry, org, 2)
    report = _compromise(registry, org, "key-1", reissue=True)
    assert sorted(report.reissued) == sorted(old)
    for before, after in report.reissued.items():
        assert after != before
        renewed = stored(registry, after)
        assert renewed.key_id == "key-2" and renewed.status == "active"
        previous = stored(registry, before)
        assert (renewed.status_list_id, renewed.status_index) != (
            previous.status_list_id,
            previous.status_index,
        )
        assert renewed.recipient_lookup == previous.recipient_lookup
        assert _verify(registry, after).verified is True
        assert _verify(registry, before).verified is False
    assert org.id is not None
    with scope(registry) as session:
        entries = AuditLog(registry, session).entries(org.id, limit=1000)
    reissues = [e for e in entries if json.loads(e.details).get("reissue_of")]
    assert sorted(json.loads(e.details)["reissue_of"] for e in reissues) == sorted(old)


def test_j13_unknown_key_is_refused(registry: Registry, org: OrganisationRecord) -> None:
    """A key the organisation does not have: key-not-found, nothing changes."""
    _issue(registry, org, 1)
    with pytest.raises(SigningKeyNotFoundError):
        _compromise(registry, org, "key-9")
    assert _did_keys(registry, org) == ["key-1"]


def test_j13_another_organisations_key_cannot_be_compromised(
    registry: Registry, org: OrganisationRecord
) -> None:
    """Each organisation names only its own keys; the other's key-1 stays published."""
    other = new_org(registry, "centre-two")
    tokens = Tokens.of(registry, other)
    with TestClient(make_credentials_app(registry)) as client:
        response = client.post("/api/v1/keys/key-9/compromised", headers=bearer(tokens.admin))
    assert response.status_code == 404
    assert response.json()["type"] == PROBLEM + "key-not-found"
    assert _did_keys(registry, org) == ["key-1"]


def test_j13_http_drill(
    registry: Registry, org: OrganisationRecord, client: TestClient[Any]
) -> None:
    """POST /api/v1/keys/key-1/compromised (admin) answers the report."""
    tokens = Tokens.of(registry, org)
    old = _issue(registry, org, 2)
    response = client.post(
        "/api/v1/keys/key-1/compromised", json={"reissue": True}, headers=bearer(tokens.admin)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["revoked"]) == sorted(old)
    assert body["newKeyId"] == "key-2" and body["previousStatus"] == "active"
    assert sorted(body["reissued"]) == sorted(old)


def test_j13_only_an_admin_may_run_the_drill(
    registry: Registry, org: OrganisationRecord, client: TestClient[Any]
) -> None:
    """An assessor token gets 403 and the key stays."""
    tokens = Tokens.of(registry, org)
    response = client.post("/api/v1/keys/key-1/compromised", headers=bearer(tokens.assessor))
    assert response.status_code == 403
    assert _did_keys(registry, org) == ["key-1"]


def test_j13_cli_drill(registry: Registry, org: OrganisationRecord) -> None:
    """``leverup keys compromise --org S --key K`` reports what it did."""
    _issue(registry, org, 2)
    result = CliRunner().invoke(
        keys_compromise, ["--org", org.slug, "--key", "key-1"], obj=registry
    )
    assert result.exit_code == 0, result.output
    assert "revoked: 2 credential(s)" in result.output
    assert "new active key: key-2" in result.output
    assert _did_keys(registry, org) == ["key-2"]
