"""``leverup issue --org``: the README's first CLI example issues through the registry; an
offline credential says what it is (issue 12, item 4)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

from app.asgi import create_app
from app.cli import main
from app.context import LocalServices
from common.settings import load_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_cli_example() -> list[list[str]]:
    """The commands of the README's first ``leverup issue`` example, as argument lists."""
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    block = next(b for b in blocks if "leverup issue" in b)
    commands = block.replace("\\\n", " ").splitlines()
    return [shlex.split(line)[1:] for line in commands if line.startswith(".venv/bin/leverup ")]


@pytest.fixture
def demo(runner: CliRunner) -> CliRunner:
    """The registry with the development organisation ``demo`` (what ``make run`` makes)."""
    made = runner.invoke(main, ["orgs", "create", "--slug", "demo", "--name", "Demo centre"])
    assert made.exit_code == 0, made.output
    return runner


def test_i12_4_readme_example_issues_through_the_registry(
    demo: CliRunner, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as printed, the README's example makes a stored credential whose id answers on the
    service, that has a status, and that ``leverup verify`` calls VALID with its status checked."""
    monkeypatch.chdir(tmp_path)
    commands = _readme_cli_example()
    assert [c[0] for c in commands] == ["issue", "verify"]
    issued = demo.invoke(main, commands[0], catch_exceptions=False)
    assert issued.exit_code == 0, issued.output
    assert "offline" not in issued.stderr
    document = json.loads((tmp_path / "teamwork.json").read_bytes())
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["issuer"]["id"] == "did:web:127.0.0.1%3A8000:orgs:demo"
    assert f"issued {document['id']}" in issued.stderr
    with TestClient(create_app(services=LocalServices(load_settings(env)))) as client:
        served = client.get(document["id"].removeprefix("http://127.0.0.1:8000") + ".json")
        assert served.status_code == 200
        assert served.content == (tmp_path / "teamwork.json").read_bytes()
    verified = demo.invoke(main, commands[1], catch_exceptions=False)
    assert verified.exit_code == 0, verified.output
    assert "ok    status" in verified.output


def test_i12_4_unknown_org_refused(demo: CliRunner) -> None:
    result = demo.invoke(
        main, ["issue", "--org", "nowhere", "--role", "tutor", "--recipient-email", "t@e.org"]
    )
    assert result.exit_code == 1
    assert "no organisation 'nowhere'" in result.stderr


def test_i12_4_registry_issue_checks_input(demo: CliRunner) -> None:
    """The registry refuses what the API refuses; nothing is written."""
    result = demo.invoke(
        main,
        ["issue", "--org", "demo", "--competence", "teamwork", "--recipient-email", "v@e.org"],
    )
    assert result.exit_code == 1
    assert "outcome" in result.stderr


def test_i12_4_offline_credential_says_what_it_is(runner: CliRunner, tmp_path: Path) -> None:
    """Without --org: the credential is made, and stderr says plainly it is offline, stored
    nowhere, without status, and how to issue through the registry."""
    out = tmp_path / "offline.json"
    result = runner.invoke(
        main,
        ["issue", "--role", "tutor", "--recipient-email", "t@example.org", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "credentialStatus" not in json.loads(out.read_bytes())
    note = " ".join(result.stderr.split())
    assert "offline credential" in note
    assert "stored in no registry" in note
    assert "answers 404" in note
    assert "no status" in note
    assert "--org" in note
