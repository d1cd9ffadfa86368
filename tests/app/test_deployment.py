"""docker-compose.yml is accepted by Compose (``docker compose config``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.fixture
def compose() -> list[str]:
    command = _compose()
    if command is None:
        if os.environ.get("LEVERUP_REQUIRE_COMPOSE") == "1":
            pytest.fail("LEVERUP_REQUIRE_COMPOSE=1 but neither docker compose nor docker-compose")
        pytest.skip("Compose is not installed (docker compose or docker-compose)")
    return command


def test_compose_config_accepts_the_file(compose: list[str], tmp_path: Path) -> None:
    """Compose validates the file: the service, PostgreSQL, health checks, volumes, secret."""
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "leverup_secret_key").write_text("0" * 64)
    result = subprocess.run(
        [*compose, "config"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    config = result.stdout
    for expected in ("healthcheck", "leverup_secret_key", "pgdata", "postgres", "service_healthy"):
        assert expected in config
