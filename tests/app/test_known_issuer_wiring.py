"""The app's verifier marks known issuers: the local issuer, and ``LEVERUP_TRUSTED_DIDS``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli import main
from keys.did import did_key
from keys.ed25519 import Ed25519KeyPair

SEED = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
FOREIGN_DID = did_key(Ed25519KeyPair.from_seed(bytes.fromhex(SEED)).public_key)


def _run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def _foreign(tmp_path: Path, runner: CliRunner) -> Path:
    unsigned: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0d7e1c52-6f0e-4a57-8c1b-2c3d4e5f6a7b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Foreign badge",
        "issuer": {"id": FOREIGN_DID, "type": ["Profile"], "name": "Elsewhere"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://elsewhere.example/a/1",
                "type": ["Achievement"],
                "name": "A",
                "description": "An achievement.",
                "criteria": {"narrative": "Did it."},
            },
        },
    }
    source = tmp_path / "unsigned.json"
    source.write_text(json.dumps(unsigned))
    seed = tmp_path / "seed.hex"
    seed.write_text(SEED, encoding="ascii")  # --seed-file: never on the command line (item 38)
    result = _run(runner, "sign", str(source), "--seed-file", str(seed))
    assert result.exit_code == 0, result.output
    signed = tmp_path / "foreign.json"
    signed.write_text(result.stdout)
    return signed


def _report(runner: CliRunner, path: Path) -> dict[str, Any]:
    result = _run(runner, "verify", str(path), "--json")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_local_issuer_is_known(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    issued = _run(
        runner,
        "issue",
        "--competence",
        "teamwork",
        "--outcome",
        "accomplished",
        "--complexity",
        "mid-high",
        "--recipient-email",
        "volunteer@example.org",
        "--out",
        str(out),
    )
    assert issued.exit_code == 0, issued.output
    report = _report(runner, out)
    assert report["verified"] is True
    assert report["issuerKnown"] is True
    assert report["credential"]["issuerHost"] == "127.0.0.1"


def test_foreign_issuer_is_unknown_but_verified(runner: CliRunner, tmp_path: Path) -> None:
    report = _report(runner, _foreign(tmp_path, runner))
    assert report["verified"] is True
    assert report["issuerKnown"] is False


def test_trusted_did_is_known(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed = _foreign(tmp_path, runner)
    monkeypatch.setenv("LEVERUP_TRUSTED_DIDS", f"did:web:other.example, {FOREIGN_DID}")
    report = _report(runner, signed)
    assert report["verified"] is True
    assert report["issuerKnown"] is True
