"""The registry flow as a person runs it: issue in the registry, revoke, `leverup verify`."""

from __future__ import annotations

from pathlib import Path

import msgspec
from click.testing import CliRunner

from app.cli import main
from app.context import LocalServices
from common.settings import load_settings
from registry.credentials.issuance import IssuanceService
from registry.credentials.lifecycle import LifecycleService
from registry.db import session_scope
from registry.orgs.service import OrganisationService
from registry.schemas import CredentialIn


def _issue(services: LocalServices) -> tuple[str, bytes]:
    registry = services.registry
    with session_scope(registry.engine) as session:
        orgs = OrganisationService(registry, session)
        org = orgs.create(slug="csv-torino", name="CSV Torino", actor="test")
        request = msgspec.convert(
            {
                "achievement": "empathy",
                "outcome": "expert",
                "complexity": "mid-low",
                "recipient": {"email": "v@example.org"},
            },
            CredentialIn,
        )
        record = IssuanceService(registry, session).issue(org, request, actor="test")
        assert record.signed_bytes is not None
        return record.id, record.signed_bytes


def test_verify_says_revoked_after_revocation(
    runner: CliRunner, env: dict[str, str], tmp_path: Path
) -> None:
    """Valid (with a passed status check) before; after a revocation, exit 1 and 'revoked'."""
    services = LocalServices(load_settings(env))
    credential_id, signed = _issue(services)
    path = tmp_path / "credential.json"
    path.write_bytes(signed)

    before = runner.invoke(main, ["verify", str(path)], catch_exceptions=False)
    assert before.exit_code == 0, before.output
    assert "ok    status" in before.output

    registry = services.registry
    with session_scope(registry.engine) as session:
        org = OrganisationService(registry, session).get("csv-torino")
        LifecycleService(registry, session).revoke(
            org, credential_id, reason="issued in error", actor="test"
        )

    after = runner.invoke(main, ["verify", str(path)], catch_exceptions=False)
    assert after.exit_code == 1, after.output
    assert "FAIL  status" in after.output
    assert "revoked" in after.output
    registry.engine.dispose()
