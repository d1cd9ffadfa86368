"""Fixtures for the CLI and web application tests: an isolated data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

SECRET = "3f9a6c1d82e45b07a1c9d3e6f0b2847c5d1e9a0b3c7f2e6d4a8b1c5e9f0d2a47"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """LEVERUP_* settings pointing at a fresh data directory with a fixed master secret."""
    return {
        "LEVERUP_DATA_DIR": str(tmp_path / "var"),
        "LEVERUP_SECRET_KEY": SECRET,
        "LEVERUP_BASE_URL": "http://127.0.0.1:8000",
    }


@pytest.fixture
def runner(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner whose environment is ``env`` (and no other LEVERUP_* variable)."""
    import os

    for name in list(os.environ):
        if name.startswith("LEVERUP_") and not name.startswith(("LEVERUP_REQUIRE", "LEVERUP_TEST")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return CliRunner()
