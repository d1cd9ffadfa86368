"""The ``leverup`` command line: the documented forms and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.cli import main
from keys.did import did_key
from keys.ed25519 import Ed25519KeyPair

SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
ISSUE = [
    "issue",
    "--competence",
    "teamwork",
    "--outcome",
    "accomplished",
    "--complexity",
    "mid-high",
    "--recipient-email",
    "volunteer@example.org",
]


def _run(runner: CliRunner, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False, input=stdin)


def _seed_file(tmp_path: Path, text: str = SEED) -> str:
    """A seed file (``--seed-file``; the seed is never a command-line value, issue 12 item 38)."""
    path = tmp_path / "seed.hex"
    path.write_text(text + "\n", encoding="ascii")
    path.chmod(0o600)
    return str(path)


def _issue(runner: CliRunner, tmp_path: Path, *extra: str, name: str = "c.json") -> Path:
    out = tmp_path / name
    result = _run(runner, *ISSUE, *extra, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def _unsigned() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5b7f2e0e-3c9a-4f55-9d0b-1f7b1c0c2b11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Foreign badge",
        "issuer": {
            "id": did_key(Ed25519KeyPair.from_seed(bytes.fromhex(SEED)).public_key),
            "type": ["Profile"],
            "name": "Elsewhere",
        },
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


class TestIssue:
    """leverup issue."""

    def test_issue_then_verify(self, runner: CliRunner, tmp_path: Path) -> None:
        """A competence credential issued by the local issuer verifies (exit 0)."""
        out = _issue(runner, tmp_path, "--lang", "da", "--recipient-name", "Alex")
        document = json.loads(out.read_bytes())
        assert document["credentialSubject"]["achievement"]["inLanguage"] == "da"
        assert document["issuer"]["id"] == "did:web:127.0.0.1%3A8000"
        result = _run(runner, "verify", str(out))
        assert result.exit_code == 0, result.output
        assert "VALID" in result.output

    def test_issue_role_prints_json(self, runner: CliRunner) -> None:
        """Without --out, the signed credential goes to standard output."""
        result = _run(runner, "issue", "--role", "trainer", "--recipient-email", "t@example.org")
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["credentialSubject"]["achievement"]["achievementType"] == "Certification"

    def test_valid_until_date(self, runner: CliRunner, tmp_path: Path) -> None:
        """A plain date means the end of that day, UTC."""
        out = _issue(runner, tmp_path, "--valid-until", "2031-06-30")
        assert json.loads(out.read_bytes())["validUntil"] == "2031-06-30T23:59:59Z"

    def test_both_competence_and_role(self, runner: CliRunner) -> None:
        result = _run(runner, *ISSUE, "--role", "tutor")
        assert result.exit_code == 1
        assert "exactly one of --competence or --role" in result.stderr

    def test_unknown_competence(self, runner: CliRunner) -> None:
        args = [*ISSUE]
        args[2] = "juggling"
        result = _run(runner, *args)
        assert result.exit_code == 1
        assert "unknown achievement 'juggling'" in result.stderr

    def test_bad_level(self, runner: CliRunner) -> None:
        args = [*ISSUE]
        args[4] = "superb"
        result = _run(runner, *args)
        assert result.exit_code == 1
        assert "unknown outcome level" in result.stderr

    def test_bad_valid_until(self, runner: CliRunner) -> None:
        result = _run(runner, *ISSUE, "--valid-until", "next year")
        assert result.exit_code == 1
        assert "date" in result.stderr

    def test_bad_email(self, runner: CliRunner) -> None:
        args = [*ISSUE]
        args[-1] = "nobody"
        result = _run(runner, *args)
        assert result.exit_code == 1
        assert "not an e-mail address" in result.stderr

    def test_i12_3_production_without_secret_refuses(
        self, runner: CliRunner, env: dict[str, str], tmp_path: Path, monkeypatch: Any
    ) -> None:
        """Issue 12, item 3: in production no master secret is invented (exit 2 with the reason),
        checked in the configured data directory, never in the working directory's ``var/``
        (which, in a checkout after ``make run``, holds a development secret)."""
        checkout = tmp_path / "checkout"
        (checkout / "var").mkdir(parents=True)
        (checkout / "var" / "secret.key").write_text("from make run\n")
        monkeypatch.chdir(checkout)
        monkeypatch.delenv("LEVERUP_SECRET_KEY")
        monkeypatch.setenv("LEVERUP_ENVIRONMENT", "production")
        result = runner.invoke(main, ISSUE)
        assert result.exit_code == 2, result.output
        assert "LEVERUP_SECRET_KEY" in result.stderr
        assert not (Path(env["LEVERUP_DATA_DIR"]) / "secret.key").exists()
        assert (checkout / "var" / "secret.key").read_text() == "from make run\n"


class TestVerify:
    """leverup verify: exit 0 valid, 1 invalid, 2 could not complete."""

    def test_tampered_is_invalid(self, runner: CliRunner, tmp_path: Path) -> None:
        out = _issue(runner, tmp_path)
        document = json.loads(out.read_bytes())
        document["credentialSubject"]["achievement"]["name"] = "Brain surgery"
        out.write_text(json.dumps(document))
        result = _run(runner, "verify", str(out))
        assert result.exit_code == 1
        assert "signature does not match" in result.output

    def test_not_json_is_invalid(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text("not json")
        result = _run(runner, "verify", str(path))
        assert result.exit_code == 1
        assert "FAIL  parse" in result.output

    def test_unresolvable_did_web_is_incomplete(self, runner: CliRunner, tmp_path: Path) -> None:
        """A foreign did:web cannot be resolved without the network: exit 2, not valid."""
        seed_doc = _unsigned()
        seed_doc["issuer"]["id"] = "did:web:elsewhere.example"
        path = tmp_path / "u.json"
        path.write_text(json.dumps(seed_doc))
        signed = _run(
            runner,
            "sign",
            str(path),
            "--seed-file",
            _seed_file(tmp_path),
            "--verification-method",
            "did:web:elsewhere.example#key-1",
        )
        assert signed.exit_code == 0, signed.output
        path.write_text(signed.stdout)
        result = _run(runner, "verify", str(path))
        assert result.exit_code == 2
        assert "COULD NOT BE CHECKED" in result.output

    def test_json_report(self, runner: CliRunner, tmp_path: Path) -> None:
        out = _issue(runner, tmp_path)
        result = _run(runner, "verify", str(out), "--json")
        report = json.loads(result.stdout)
        assert report["verified"] is True
        assert [c["id"] for c in report["checks"]][:5] == [
            "parse",
            "context",
            "type",
            "schema",
            "proof",
        ]


class TestSign:
    """leverup sign FILE --seed-file FILE."""

    def test_sign_with_did_key_verifies(self, runner: CliRunner, tmp_path: Path) -> None:
        """The default verification method is the seed's did:key; the result verifies."""
        path = tmp_path / "u.json"
        path.write_text(json.dumps(_unsigned()))
        result = _run(
            runner,
            "sign",
            str(path),
            "--seed-file",
            _seed_file(tmp_path),
            "--created",
            "2025-02-03T04:05:06Z",
        )
        assert result.exit_code == 0, result.output
        signed = json.loads(result.stdout)
        proof = signed["proof"][0]
        assert proof["created"] == "2025-02-03T04:05:06Z"
        assert proof["verificationMethod"].startswith(signed["issuer"]["id"] + "#")
        path.write_text(result.stdout)
        assert _run(runner, "verify", str(path)).exit_code == 0

    def test_i12_38_sign_reads_the_seed_from_standard_input(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """Item 38: ``--seed-file -`` reads the seed from standard input; the result verifies
        with the seed's did:key."""
        path = tmp_path / "u.json"
        path.write_text(json.dumps(_unsigned()))
        result = _run(runner, "sign", str(path), "--seed-file", "-", stdin=SEED)
        assert result.exit_code == 0, result.output
        path.write_text(result.stdout)
        assert _run(runner, "verify", str(path)).exit_code == 0

    def test_bad_seed(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "u.json"
        path.write_text(json.dumps(_unsigned()))
        result = _run(runner, "sign", str(path), "--seed-file", _seed_file(tmp_path, "abcd"))
        assert result.exit_code == 1
        assert "64 hex digits" in result.stderr

    def test_undefined_term_refused(self, runner: CliRunner, tmp_path: Path) -> None:
        document = _unsigned()
        document["credentialSubject"]["fooUndefined"] = "x"
        path = tmp_path / "u.json"
        path.write_text(json.dumps(document))
        result = _run(runner, "sign", str(path), "--seed-file", _seed_file(tmp_path))
        assert result.exit_code == 1
        assert "fooUndefined" in result.stderr

    def test_bad_created(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "u.json"
        path.write_text(json.dumps(_unsigned()))
        result = _run(
            runner, "sign", str(path), "--seed-file", _seed_file(tmp_path), "--created", "yesterday"
        )
        assert result.exit_code == 1


class TestKeys:
    """leverup keys: create, list, rotate, did-document."""

    def test_rotation_keeps_old_credentials_valid(self, runner: CliRunner, tmp_path: Path) -> None:
        """After a rotation the old credential still verifies and new ones use the new key."""
        old = _issue(runner, tmp_path, name="old.json")
        rotated = _run(runner, "keys", "rotate")
        assert rotated.stdout.strip() == "did:web:127.0.0.1%3A8000#key-2"
        new = _issue(runner, tmp_path, name="new.json")
        assert json.loads(new.read_bytes())["proof"][0]["verificationMethod"].endswith("#key-2")
        assert _run(runner, "verify", str(old)).exit_code == 0
        assert _run(runner, "verify", str(new)).exit_code == 0
        document = json.loads(_run(runner, "keys", "did-document").stdout)
        ids = [vm["id"] for vm in document["verificationMethod"]]
        assert ids == [
            "did:web:127.0.0.1%3A8000#key-1",
            "did:web:127.0.0.1%3A8000#key-2",
        ]
        assert document["assertionMethod"] == ids

    def test_list_shows_public_parts_only(self, runner: CliRunner) -> None:
        _run(runner, "keys", "create")
        listed = json.loads(_run(runner, "keys", "list", "--json").stdout)
        assert [row["keyId"] for row in listed] == ["key-1"]
        assert set(listed[0]) == {
            "controller",
            "keyId",
            "status",
            "created",
            "publicKeyMultibase",
            "verificationMethod",
        }

    def test_import_seed(self, runner: CliRunner, tmp_path: Path) -> None:
        _run(runner, "keys", "create")
        result = _run(runner, "keys", "import", "--seed-file", _seed_file(tmp_path))
        assert result.exit_code == 0, result.output
        assert result.stdout.strip().endswith("#key-2")

    def test_import_bad_seed(self, runner: CliRunner, tmp_path: Path) -> None:
        result = _run(runner, "keys", "import", "--seed-file", _seed_file(tmp_path, "zz"))
        assert result.exit_code == 1

    def test_i12_38_import_reads_the_seed_from_standard_input(self, runner: CliRunner) -> None:
        """Item 38: ``--seed-file -`` reads the seed from standard input."""
        _run(runner, "keys", "create")
        result = _run(runner, "keys", "import", "--seed-file", "-", stdin=SEED + "\n")
        assert result.exit_code == 0, result.output
        assert result.stdout.strip().endswith("#key-2")

    @pytest.mark.parametrize("command", [["keys", "import"], ["sign", "u.json"]])
    def test_i12_38_seed_is_never_a_command_line_value(
        self, runner: CliRunner, tmp_path: Path, command: list[str]
    ) -> None:
        """Item 38: ``--seed-hex`` (a private seed in the process list and the shell history)
        is gone: a usage error (exit 2), nothing imported or signed."""
        (tmp_path / "u.json").write_text(json.dumps(_unsigned()))
        args = [tmp_path / part if part == "u.json" else part for part in command]
        result = _run(runner, *map(str, args), "--seed-hex", SEED)
        assert result.exit_code == 2
        assert "No such option '--seed-hex'" in result.output
        assert SEED not in result.stdout


class TestCatalogue:
    """leverup catalogue."""

    def test_lists_eighteen(self, runner: CliRunner) -> None:
        lines = _run(runner, "catalogue").stdout.strip().splitlines()
        assert len(lines) == 18
        assert lines[0].startswith("responsibility")

    def test_json(self, runner: CliRunner) -> None:
        items = json.loads(_run(runner, "catalogue", "--json", "--lang", "es").stdout)
        assert {item["inLanguage"] for item in items} == {"es"}

    def test_unsupported_language(self, runner: CliRunner) -> None:
        result = _run(runner, "catalogue", "--lang", "de")
        assert result.exit_code == 1
        assert "unsupported language" in result.stderr


class TestBench:
    """leverup bench --json ends with one JSON line of figures."""

    def test_json_line(self, runner: CliRunner) -> None:
        result = _run(runner, "bench", "--seconds", "0.2", "--json")
        assert result.exit_code == 0, result.output
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        assert set(figures) == {"sign_ops_per_s", "verify_ops_per_s"}
        assert figures["sign_ops_per_s"] > 0
        assert figures["verify_ops_per_s"] > 0
