"""``leverup issue-batch FILE.csv --org SLUG``: all or nothing, ids out, a report on refusal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from issuance_support import counts
from registry_support import scope

from app.cli.batch import issue_batch
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.models import CredentialRecord, OrganisationRecord

HEADER = "achievement,outcome,complexity,recipient_email,recipient_name\n"
GOOD = HEADER + "teamwork,basic,low,ada@example.org,Ada\ntutor,,,=cmd@example.org,Bo\n"


def _run(registry: Registry, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(issue_batch, list(args), obj=registry)
    return result.exit_code, result.stdout, result.stderr


def _file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cohort.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


class TestIssueBatchCommand:
    def test_issues_every_row_and_prints_the_ids(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """Exit 0; one credential id per line on stdout; a summary on stderr."""
        code, out, err = _run(registry, _file(tmp_path, GOOD), "--org", org.slug)
        assert code == 0, err
        ids = out.split()
        assert len(ids) == 2
        assert all(i.startswith(f"{registry.base_url}/credentials/") for i in ids)
        assert "issued 2 credentials of centre-one" in err
        with scope(registry) as session:
            for credential_id in ids:
                record = session.get(CredentialRecord, credential_id.rsplit("/", 1)[1])
                assert record is not None and record.signed_bytes is not None
                assert json.loads(record.signed_bytes)["id"] == credential_id

    def test_writes_a_csv_of_ids_with_inert_cells(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """--out writes row, id, e-mail and links; a formula-like value gets an apostrophe."""
        out_file = tmp_path / "issued.csv"
        code, out, err = _run(
            registry, _file(tmp_path, GOOD), "--org", org.slug, "--out", str(out_file)
        )
        assert code == 0, err
        rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
        assert [r["row"] for r in rows] == ["2", "3"]
        assert [r["credential_id"] for r in rows] == out.split()
        assert rows[1]["recipient_email"] == "'=cmd@example.org"
        assert rows[0]["json_url"] == rows[0]["credential_id"] + ".json"

    def test_actor_names_the_audit_entries(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """--actor NAME is recorded as cli:NAME."""
        code, _out, err = _run(
            registry, _file(tmp_path, GOOD), "--org", org.slug, "--actor", "maria"
        )
        assert code == 0, err
        assert org.id is not None
        with scope(registry) as session:
            actors = {e.actor for e in AuditLog(registry, session).entries(org.id)}
        assert "cli:maria" in actors

    def test_invalid_row_refuses_the_file(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """Exit 1, the row's problem on stderr, nothing on stdout, nothing issued."""
        text = GOOD + "teamwork,legendary,low,cy@example.org,Cy\n"
        code, out, err = _run(registry, _file(tmp_path, text), "--org", org.slug)
        assert code == 1
        assert out == ""
        assert "row 4: unknown outcome level 'legendary'" in err
        assert counts(registry).credentials == 0

    def test_check_issues_nothing(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """--check validates the file and issues nothing."""
        code, out, err = _run(registry, _file(tmp_path, GOOD), "--org", org.slug, "--check")
        assert code == 0, err
        assert out == ""
        assert "2 valid rows" in err
        assert counts(registry).credentials == 0

    def test_unknown_organisation_exits_1(self, registry: Registry, tmp_path: Path) -> None:
        """An unknown --org is refused."""
        code, _out, err = _run(registry, _file(tmp_path, GOOD), "--org", "nowhere")
        assert code == 1
        assert "no organisation 'nowhere'" in err

    def test_unreadable_file_exits_1(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """A file that is not UTF-8 CSV is refused as a whole."""
        path = tmp_path / "latin1.csv"
        path.write_bytes((HEADER + "tutor,,,a@example.org,Zoë\n").encode("latin-1"))
        code, _out, err = _run(registry, str(path), "--org", org.slug)
        assert code == 1
        assert "not UTF-8" in err

    def test_control_characters_are_not_echoed(
        self, registry: Registry, org: OrganisationRecord, tmp_path: Path
    ) -> None:
        """Terminal escapes from a file are shown escaped, never sent to the terminal."""
        text = HEADER + "teamwork,basic,low,ada@example.org,\x1b[31mAda\n"
        code, _out, err = _run(registry, _file(tmp_path, text), "--org", org.slug)
        assert code == 1
        assert "\x1b" not in err
        assert "row 2" in err
