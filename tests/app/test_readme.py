"""The README stays true: every setting and every CLI command is documented there."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli import main
from common.settings import ENV_PREFIX, Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_documented() -> None:
    """Each Settings field appears as its LEVERUP_* variable in the README's table."""
    missing = [
        ENV_PREFIX + name.upper()
        for name in Settings.__struct_fields__
        if f"`{ENV_PREFIX}{name.upper()}`" not in README
    ]
    assert missing == []


def _commands(group: click.Group, prefix: str = "leverup") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_command_documented() -> None:
    """Each leaf command of the CLI appears in the README."""
    missing = [name for name in _commands(main) if f"`{name}" not in README]
    assert missing == []


def test_switches_are_not_settings() -> None:
    """LEVERUP_TEST_*, LEVERUP_REQUIRE_* and LEVERUP_BENCH_* do not stop the service starting."""
    from common.settings import load_settings

    settings = load_settings(
        {
            "LEVERUP_TEST_DATABASE_URL": "postgresql://x@y:5432/z",
            "LEVERUP_REQUIRE_NODE": "1",
            "LEVERUP_BENCH_DATABASE_URL": "postgresql://x@y:5432/z",
        }
    )
    assert settings.base_url == "http://127.0.0.1:8000"


def test_unknown_setting_refused() -> None:
    """A misspelt LEVERUP_* variable is an error, not silently ignored."""
    import pytest

    from common.errors import ConfigurationError
    from common.settings import load_settings

    with pytest.raises(ConfigurationError, match="LEVERUP_BASEURL"):
        load_settings({"LEVERUP_BASEURL": "https://x.example"})
