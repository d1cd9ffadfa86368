"""``orgs`` and ``tokens`` commands: output forms, the token as last line, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from orgs_support import MASTER_HEX, scope

from app.cli.orgs import orgs
from app.cli.tokens import tokens
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import AuthenticationError
from registry.orgs.tokens import TokenService


def _run(registry: Registry, group: object, *args: str) -> Result:
    return CliRunner().invoke(group, list(args), obj=registry)  # type: ignore[arg-type]


def _create(registry: Registry, slug: str = "centre-one") -> Result:
    return _run(registry, orgs, "create", "--slug", slug, "--name", f"Centre {slug}")


class TestOrgs:
    def test_create_prints_the_did_and_method(self, registry: Registry) -> None:
        """orgs create prints the DID and key-1's verification method."""
        result = _create(registry)
        assert result.exit_code == 0, result.output
        assert "DID: did:web:badges.example.org:orgs:centre-one" in result.output
        assert result.output.splitlines()[-1].endswith("orgs:centre-one#key-1")

    def test_create_is_audited_as_the_cli_user(self, registry: Registry) -> None:
        """The org.create entry names the actor cli:<user>."""
        _create(registry)
        with scope(registry) as session:
            entry = AuditLog(registry, session).entries(1)[0]
        assert entry.actor.startswith("cli:")

    def test_create_twice_exits_1(self, registry: Registry) -> None:
        """A taken slug is refused with a one-line error and exit code 1."""
        _create(registry)
        result = _create(registry)
        assert result.exit_code == 1
        assert "already exists" in result.output

    def test_invalid_slug_exits_1(self, registry: Registry) -> None:
        """A malformed slug is refused with exit code 1."""
        assert _create(registry, "Bad Slug").exit_code == 1

    def test_list_as_json(self, registry: Registry) -> None:
        """orgs list --json lists slug, name and DID."""
        _create(registry, "beta")
        _create(registry, "alpha")
        rows = json.loads(_run(registry, orgs, "list", "--json").output)
        assert [r["slug"] for r in rows] == ["alpha", "beta"]


class TestTokens:
    def test_create_prints_the_token_as_the_last_line(self, registry: Registry) -> None:
        """tokens create ends its output with the token, which authenticates."""
        _create(registry)
        result = _run(
            registry, tokens, "create", "--org", "centre-one", "--role", "admin", "--label", "ops"
        )
        assert result.exit_code == 0, result.output
        token = result.output.splitlines()[-1]
        with scope(registry) as session:
            org, record = TokenService(registry, session).authenticate(token)
        assert (org.slug, record.role, record.label) == ("centre-one", "admin", "ops")

    def test_list_never_shows_the_token(self, registry: Registry) -> None:
        """tokens list shows the prefix, never the token."""
        _create(registry)
        created = _run(registry, tokens, "create", "--org", "centre-one", "--role", "viewer")
        token = created.output.splitlines()[-1]
        listed = _run(registry, tokens, "list", "--org", "centre-one", "--json")
        rows = json.loads(listed.output)
        assert token not in listed.output
        assert rows[0]["prefix"] == token[:12]

    def test_revoke_stops_the_token(self, registry: Registry) -> None:
        """tokens revoke --id N makes the token unusable."""
        _create(registry)
        created = _run(registry, tokens, "create", "--org", "centre-one", "--role", "viewer")
        token = created.output.splitlines()[-1]
        result = _run(registry, tokens, "revoke", "--org", "centre-one", "--id", "1")
        assert result.exit_code == 0, result.output
        with pytest.raises(AuthenticationError), scope(registry) as session:
            TokenService(registry, session).authenticate(token)

    def test_unknown_role_exits_2(self, registry: Registry) -> None:
        """--role accepts admin, assessor and viewer only (a usage error)."""
        _create(registry)
        result = _run(registry, tokens, "create", "--org", "centre-one", "--role", "root")
        assert result.exit_code == 2

    def test_unknown_organisation_exits_1(self, registry: Registry) -> None:
        """A token for an unknown organisation is refused."""
        result = _run(registry, tokens, "create", "--org", "nobody", "--role", "viewer")
        assert result.exit_code == 1
        assert "no organisation" in result.output

    def test_revoke_unknown_token_exits_1(self, registry: Registry) -> None:
        """Revoking a token id the organisation does not have is refused."""
        _create(registry)
        result = _run(registry, tokens, "revoke", "--org", "centre-one", "--id", "99")
        assert result.exit_code == 1


class TestFromSettings:
    """Without an injected registry the commands build one from LEVERUP_* settings."""

    @pytest.fixture
    def env(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        import os

        for name in list(os.environ):
            if name.startswith("LEVERUP_") and not name.startswith(("LEVERUP_TEST", "LEVERUP_REQ")):
                monkeypatch.delenv(name)
        monkeypatch.setenv("LEVERUP_DATA_DIR", str(tmp_path / "var"))
        monkeypatch.setenv("LEVERUP_BASE_URL", "https://badges.example.org")
        monkeypatch.setenv("LEVERUP_SECRET_KEY", MASTER_HEX)
        return tmp_path / "var"

    def test_create_then_token_on_the_default_database(self, env: Path) -> None:
        """orgs create and tokens create work on the embedded SQLite database."""
        runner = CliRunner()
        created = runner.invoke(orgs, ["create", "--slug", "centre-one", "--name", "C"])
        assert created.exit_code == 0, created.output
        token = runner.invoke(tokens, ["create", "--org", "centre-one", "--role", "admin"])
        assert token.output.splitlines()[-1].startswith("lvu_")
        assert (env / "leverup.db").exists()

    def test_production_without_a_secret_exits_2(
        self, env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Outside development, no master secret is a configuration error (exit 2)."""
        monkeypatch.delenv("LEVERUP_SECRET_KEY")
        monkeypatch.setenv("LEVERUP_ENVIRONMENT", "production")
        result = CliRunner().invoke(orgs, ["list"])
        assert result.exit_code == 2
        assert "master secret" in result.output
