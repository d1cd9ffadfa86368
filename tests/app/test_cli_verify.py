"""``leverup verify`` on our own baked badges, and from another directory (issue 12, item 6)."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

from app.asgi import create_app
from app.cli import main
from app.context import LocalServices
from common.settings import load_settings
from registry.credentials.issuance import IssuanceService
from registry.db import session_scope
from registry.orgs.service import OrganisationService
from registry.schemas import CredentialIn


def _issue(services: LocalServices) -> tuple[str, bytes]:
    registry = services.registry
    with session_scope(registry.engine) as session:
        org = OrganisationService(registry, session).create(
            slug="csv-torino", name="CSV Torino", actor="test"
        )
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


@pytest.fixture
def issued(env: dict[str, str], tmp_path: Path) -> dict[str, Path]:
    """One credential of the registry under ``env``: its JSON, baked PNG and baked SVG."""
    services = LocalServices(load_settings(env))
    credential_id, signed = _issue(services)
    files = {"json": tmp_path / "credential.json"}
    files["json"].write_bytes(signed)
    with TestClient(create_app(services=services)) as client:
        for kind in ("png", "svg"):
            answer = client.get(f"/credentials/{credential_id}/badge.{kind}")
            assert answer.status_code == 200, answer.text
            files[kind] = tmp_path / f"badge.{kind}"
            files[kind].write_bytes(answer.content)
    services.registry.engine.dispose()
    return files


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_i12_6_our_baked_badges_verify(
    runner: CliRunner, issued: dict[str, Path], kind: str
) -> None:
    """``leverup verify badge.png`` / ``badge.svg`` unbakes as the web verifier does: VALID."""
    result = runner.invoke(main, ["verify", str(issued[kind])], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "ok    proof" in result.output
    assert "ok    status" in result.output
    assert "VALID" in result.output
    assert "UTF-8" not in result.output


def test_i12_6_unreadable_image_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    """A PNG that carries no credential: exit 1 with the unbaker's reason."""
    path = tmp_path / "plain.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    result = runner.invoke(main, ["verify", str(path)])
    assert result.exit_code == 1
    assert "not a readable baked badge" in result.stderr


def test_i12_6_verify_elsewhere_creates_nothing_and_says_where_it_looked(
    runner: CliRunner,
    issued: dict[str, Path],
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Run from another directory with the default settings (no secret, data dir ``var``):
    nothing is created there, and the answer names the registry it looked for."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for name in ("LEVERUP_DATA_DIR", "LEVERUP_SECRET_KEY", "LEVERUP_BASE_URL"):
        monkeypatch.delenv(name)
    result = runner.invoke(main, ["verify", str(issued["json"])], catch_exceptions=False)
    assert os.listdir(elsewhere) == []
    assert result.exit_code == 2, result.output
    assert f"{elsewhere / 'var' / 'leverup.db'}: not found" in result.output
    assert "LEVERUP_DATA_DIR" in result.output
    assert "COULD NOT BE CHECKED" in result.output


def test_i12_6_verify_with_the_service_data_dir_is_valid_and_creates_nothing(
    runner: CliRunner, issued: dict[str, Path], env: dict[str, str], tmp_path: Path
) -> None:
    """Pointed at the service's data directory, the same credential is VALID and the data
    directory gains no file."""
    data_dir = Path(env["LEVERUP_DATA_DIR"])
    before = sorted(p.name for p in data_dir.rglob("*") if "leverup.db" not in p.name)
    result = runner.invoke(main, ["verify", str(issued["json"])], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"this service's registry: {data_dir.resolve() / 'leverup.db'}" in result.output
    after = sorted(p.name for p in data_dir.rglob("*") if "leverup.db" not in p.name)
    assert after == before
