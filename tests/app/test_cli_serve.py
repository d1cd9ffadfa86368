"""``leverup serve`` (and ``make run``): the base URL it serves, the registry it refuses, the
development token and a busy port (issue 12, items 1, 2 and 15)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from litestar.testing import TestClient

from app.cli import main
from app.cli.serve import DEV_TOKEN_FILE
from common.settings import served_base_url

ISSUE_BODY = {
    "achievement": "teamwork",
    "outcome": "accomplished",
    "complexity": "mid-high",
    "recipient": {"email": "v@example.org"},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``uvicorn.run`` replaced by a recorder: each call's app, host and port."""
    import uvicorn

    calls: list[dict[str, Any]] = []

    def record(app: Any, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", record)
    return calls


@pytest.fixture
def no_base_url(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI runner with ``LEVERUP_BASE_URL`` unset (as after a fresh clone)."""
    monkeypatch.delenv("LEVERUP_BASE_URL")
    return runner


def _serve(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, ["serve", *args], catch_exceptions=False)


@pytest.fixture
def port() -> int:
    return _free_port()


def test_i12_1_served_base_url() -> None:
    """The base URL of what is served: wildcards are reached on loopback, IPv6 in brackets."""
    assert served_base_url("127.0.0.1", 18001) == "http://127.0.0.1:18001"
    assert served_base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert served_base_url("::", 8000) == "http://[::1]:8000"
    assert served_base_url("::1", 8001) == "http://[::1]:8001"
    assert served_base_url("localhost", 8002) == "http://localhost:8002"


def test_i12_1_base_url_follows_the_served_port(
    no_base_url: CliRunner, served: list[dict[str, Any]], port: int, env: dict[str, str]
) -> None:
    """Without LEVERUP_BASE_URL, ``serve --port P``'s banner, curl line, DIDs and credential ids
    all use port P, and the credential issued by the printed curl line has an id under it."""
    result = _serve(no_base_url, "--port", str(port))
    assert result.exit_code == 0, result.output
    base = f"http://127.0.0.1:{port}"
    assert ":8000" not in result.output
    assert f"public base URL    {base}" in result.output
    assert f"      {base}/api/v1/credentials" in result.output
    assert [(c["host"], c["port"]) for c in served] == [("127.0.0.1", port)]
    token = (Path(env["LEVERUP_DATA_DIR"]) / DEV_TOKEN_FILE).read_text().strip()
    with TestClient(served[0]["app"], base_url=base) as client:
        answer = client.post(
            "/api/v1/credentials",
            json=ISSUE_BODY,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.text
        credential = answer.json()["credential"]
        assert credential["id"].startswith(f"{base}/credentials/")
        assert credential["issuer"]["id"] == f"did:web:127.0.0.1%3A{port}:orgs:demo"
        assert credential["credentialStatus"]["statusListCredential"].startswith(base + "/")
        assert client.get("/").json()["links"]["openapi"] == f"{base}/schema"


def test_i12_1_base_url_setting_wins(
    runner: CliRunner, served: list[dict[str, Any]], port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With LEVERUP_BASE_URL set (behind a proxy), the served port does not change it."""
    monkeypatch.setenv("LEVERUP_BASE_URL", "https://badges.example.org")
    result = _serve(runner, "--port", str(port))
    assert result.exit_code == 0, result.output
    assert "public base URL    https://badges.example.org  (LEVERUP_BASE_URL)" in result.output
    assert "https://badges.example.org/api/v1/credentials" in result.output


def test_i12_1_cli_follows_the_registry(
    no_base_url: CliRunner, served: list[dict[str, Any]], port: int
) -> None:
    """After ``serve --port P``, the other commands (LEVERUP_BASE_URL unset) work on the same
    registry under the same base URL: a new organisation's DID is under port P too."""
    assert _serve(no_base_url, "--port", str(port)).exit_code == 0
    made = no_base_url.invoke(
        main, ["orgs", "create", "--slug", "csv-torino", "--name", "CSV Torino"]
    )
    assert made.exit_code == 0, made.output
    listed = json.loads(no_base_url.invoke(main, ["orgs", "list", "--json"]).stdout)
    assert {row["did"] for row in listed} == {
        f"did:web:127.0.0.1%3A{port}:orgs:demo",
        f"did:web:127.0.0.1%3A{port}:orgs:csv-torino",
    }


def test_i12_2_another_port_on_an_existing_registry_is_refused(
    no_base_url: CliRunner, served: list[dict[str, Any]], port: int, env: dict[str, str]
) -> None:
    """The registry's organisations were made under port P: serving it on another port (base URL
    unset) refuses to start, says what to do, and creates nothing."""
    assert _serve(no_base_url, "--port", str(port)).exit_code == 0
    data_dir = Path(env["LEVERUP_DATA_DIR"])
    before = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*"))
    other = _free_port()
    result = _serve(no_base_url, "--port", str(other))
    assert result.exit_code == 2, result.output
    assert f"LEVERUP_BASE_URL=http://127.0.0.1:{port}" in result.stderr
    assert f"demo under http://127.0.0.1:{port}" in result.stderr
    assert "never verify" in result.stderr
    assert "LEVER UP Badges" not in result.stdout
    assert len(served) == 1
    after = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*"))
    assert [p for p in after if not p.startswith("leverup.db")] == [
        p for p in before if not p.startswith("leverup.db")
    ]


def test_i12_2_a_changed_base_url_setting_is_refused(
    runner: CliRunner, served: list[dict[str, Any]], port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing LEVERUP_BASE_URL on an existing data directory refuses every command too."""
    assert _serve(runner, "--port", str(port)).exit_code == 0  # LEVERUP_BASE_URL :8000
    monkeypatch.setenv("LEVERUP_BASE_URL", "https://badges.example.org")
    result = _serve(runner, "--port", str(port))
    assert result.exit_code == 2
    assert "LEVERUP_BASE_URL=http://127.0.0.1:8000" in result.stderr
    listed = runner.invoke(main, ["orgs", "list"])
    assert listed.exit_code == 2
    assert "another base URL" in listed.stderr


def test_i12_15_token_file_holds_the_token_alone(
    no_base_url: CliRunner, served: list[dict[str, Any]], port: int, env: dict[str, str]
) -> None:
    """``$(cat var/dev-admin-token)`` is the token: the file holds nothing else."""
    assert _serve(no_base_url, "--port", str(port)).exit_code == 0
    path = Path(env["LEVERUP_DATA_DIR"]) / DEV_TOKEN_FILE
    text = path.read_text()
    assert text.startswith("lvu_")
    assert text.strip().split() == [text.strip()]
    assert path.stat().st_mode & 0o777 == 0o600
    with TestClient(served[0]["app"]) as client:
        answer = client.get("/api/v1/org", headers={"Authorization": f"Bearer {text.strip()}"})
        assert answer.status_code == 200, answer.text


def test_i12_15_old_two_field_token_file_still_read(
    no_base_url: CliRunner, served: list[dict[str, Any]], port: int, env: dict[str, str]
) -> None:
    """A data directory from before keeps working: ``demo lvu_…`` is read, the token printed."""
    assert _serve(no_base_url, "--port", str(port)).exit_code == 0
    path = Path(env["LEVERUP_DATA_DIR"]) / DEV_TOKEN_FILE
    token = path.read_text().strip()
    path.write_text(f"demo {token}\n")
    again = _serve(no_base_url, "--port", str(port))
    assert again.exit_code == 0, again.output
    assert f"Bearer {token}'" in again.output
    assert "Bearer demo" not in again.output


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def test_i12_15_busy_port_fails_before_the_banner(
    no_base_url: CliRunner, served: list[dict[str, Any]], busy_port: int, env: dict[str, str]
) -> None:
    """A second ``make run`` on a busy port says so at once, suggests PORT=, prints no banner
    and creates nothing."""
    result = _serve(no_base_url, "--port", str(busy_port))
    assert result.exit_code == 2
    assert f"127.0.0.1:{busy_port}" in result.stderr
    assert f"PORT={busy_port + 1}" in result.stderr
    assert "LEVER UP Badges" not in result.stdout
    assert served == []
    assert not Path(env["LEVERUP_DATA_DIR"]).exists()


def test_i12_15_busy_port_of_a_used_data_dir_says_another_needs_its_own(
    no_base_url: CliRunner, served: list[dict[str, Any]], busy_port: int, port: int
) -> None:
    """The data directory already belongs to port P (a first ``make run``): the busy-port
    message says that another port needs its own data directory (else item 2 refuses it)."""
    assert _serve(no_base_url, "--port", str(port)).exit_code == 0
    result = _serve(no_base_url, "--port", str(busy_port))
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert f"PORT={busy_port + 1}" in message
    assert f"LEVERUP_DATA_DIR=var-{busy_port + 1}" in message
    assert f"belongs to http://127.0.0.1:{port}" in message
