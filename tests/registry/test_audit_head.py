"""Signed audit heads: anyone who kept a head detects deleted newest entries later
(``GET /orgs/{slug}/audit-head``, ``leverup audit head|verify``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from issuance_support import PROBLEM, new_org
from litestar.testing import TestClient
from registry_support import ACTOR, scope

from app.cli.audit import audit as audit_cli
from common.errors import InvalidInputError
from registry.audit.head import check_head, signed_head
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.models import OrganisationRecord
from registry.orgs.service import OrganisationService


@pytest.fixture
def org(registry: Registry) -> OrganisationRecord:
    org = new_org(registry)
    with scope(registry) as session:
        assert org.id is not None
        for n in range(3):
            AuditLog(registry, session).append(org.id, actor=ACTOR, action=f"test.{n}")
    return org


def _head(registry: Registry, org: OrganisationRecord) -> dict[str, Any]:
    with scope(registry) as session:
        return signed_head(registry, session, org)


def _check(registry: Registry, org: OrganisationRecord, head: object) -> str | None:
    with scope(registry) as session:
        return check_head(registry, session, org, head)


def _delete_newest(registry: Registry, org: OrganisationRecord, count: int) -> None:
    with registry.engine.begin() as connection:
        top = connection.execute(
            sa.text("SELECT max(seq) FROM audit_log WHERE org_id = :o"), {"o": org.id}
        ).scalar_one()
        connection.execute(
            sa.text("DELETE FROM audit_log WHERE org_id = :o AND seq > :s"),
            {"o": org.id, "s": top - count},
        )


def test_public_head_is_signed_and_names_the_latest_entry(
    registry: Registry, org: OrganisationRecord, client: TestClient[Any]
) -> None:
    """GET /orgs/{slug}/audit-head needs no token; it is the head, signed by key-1."""
    response = client.get(f"/orgs/{org.slug}/audit-head")
    assert response.status_code == 200
    head = response.json()
    assert org.id is not None
    with scope(registry) as session:
        latest = AuditLog(registry, session).head(org.id)
    assert latest is not None
    assert (head["seq"], head["hash"], head["issuer"]) == (latest.seq, latest.hash, org.did)
    assert head["proof"]["verificationMethod"] == f"{org.did}#key-1"
    assert _check(registry, org, head) is None


def test_unknown_organisation_has_no_head(client: TestClient[Any]) -> None:
    """404 for an organisation that does not exist."""
    response = client.get("/orgs/nobody/audit-head")
    assert response.status_code == 404
    assert response.json()["type"] == PROBLEM + "organisation-not-found"


def test_deleting_the_newest_entries_is_detected(
    registry: Registry, org: OrganisationRecord
) -> None:
    """The chain alone still verifies after truncation; the kept head does not."""
    kept = _head(registry, org)
    _delete_newest(registry, org, 2)
    assert org.id is not None
    with scope(registry) as session:
        assert AuditLog(registry, session).verify_chain(org.id) is None
    problem = _check(registry, org, kept)
    assert problem is not None and "deleted" in problem


def test_a_rewritten_entry_is_detected(registry: Registry, org: OrganisationRecord) -> None:
    """Entry seq with another hash than the kept head's: reported as rewritten."""
    kept = _head(registry, org)
    with registry.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE audit_log SET hash = :h WHERE org_id = :o AND seq = :s"),
            {"h": "f" * 64, "o": org.id, "s": kept["seq"]},
        )
    problem = _check(registry, org, kept)
    assert problem is not None and "rewritten" in problem


def test_an_older_head_still_checks(registry: Registry, org: OrganisationRecord) -> None:
    """A head kept before later, legitimate entries is still in the log."""
    kept = _head(registry, org)
    with scope(registry) as session:
        assert org.id is not None
        AuditLog(registry, session).append(org.id, actor=ACTOR, action="test.more")
    assert _check(registry, org, kept) is None


def test_a_forged_head_is_refused(registry: Registry, org: OrganisationRecord) -> None:
    """Changing seq after signing breaks the signature."""
    forged = copy.deepcopy(_head(registry, org))
    forged["seq"] -= 1
    with pytest.raises(InvalidInputError, match="signature"):
        _check(registry, org, forged)


def test_another_organisations_head_is_refused(registry: Registry, org: OrganisationRecord) -> None:
    """A head of centre-two does not check centre-one's log."""
    other = new_org(registry, "centre-two")
    with pytest.raises(InvalidInputError, match="not of"):
        _check(registry, org, _head(registry, other))


def test_a_head_signed_by_a_compromised_key_is_refused(
    registry: Registry, org: OrganisationRecord
) -> None:
    """A key no longer in the DID document signs no head that checks."""
    from registry.credentials.compromise import KeyCompromiseService

    kept = _head(registry, org)
    with scope(registry) as session:
        KeyCompromiseService(registry, session).compromise(org, "key-1", actor=ACTOR)
    with pytest.raises(InvalidInputError, match="signature"):
        _check(registry, org, kept)
    with scope(registry) as session:
        assert (
            OrganisationService(registry, session)
            .signer(org)
            .verification_method.endswith("#key-2")
        )


def test_cli_audit_verify_with_a_kept_head(
    registry: Registry, org: OrganisationRecord, tmp_path: Path
) -> None:
    """``leverup audit head`` then ``audit verify --head``: 0 while intact, 1 once truncated."""
    runner = CliRunner()
    head_file = tmp_path / "head.json"
    saved = runner.invoke(
        audit_cli, ["head", "--org", org.slug, "--out", str(head_file)], obj=registry
    )
    assert saved.exit_code == 0, saved.output
    assert json.loads(head_file.read_text())["seq"] >= 3
    intact = runner.invoke(
        audit_cli, ["verify", "--org", org.slug, "--head", str(head_file)], obj=registry
    )
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output
    _delete_newest(registry, org, 1)
    broken = runner.invoke(
        audit_cli, ["verify", "--org", org.slug, "--head", str(head_file)], obj=registry
    )
    assert broken.exit_code == 1
    assert "deleted" in broken.output
