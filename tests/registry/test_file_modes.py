"""Issue 12, item 37: what holds personal data on disk is readable by its owner only.

The SQLite database (and its ``-wal`` and ``-shm`` files, which hold the same data) and the
``issue-batch --out`` CSV (plain e-mail addresses) used to be created world-readable (0644
under the usual umask); now they are 0600, like the master secret.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.batch import issue_batch
from registry.context import Registry
from registry.db import create_db_engine, migrate
from registry.models import OrganisationRecord

GOOD = "achievement,recipient_email\ntutor,ada@example.org\n"


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems run with (group and others may read new files)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_i12_37_sqlite_database_and_wal_files_are_private(tmp_path: Path) -> None:
    """Item 37: a new SQLite registry, its WAL and shared-memory files are 0600."""
    database = tmp_path / "data" / "leverup.db"
    engine = create_db_engine(f"sqlite:///{database}")
    try:
        migrate(engine)
        with engine.connect() as connection:  # the WAL files exist while a connection is open
            connection.exec_driver_sql("SELECT count(*) FROM organisations").scalar()
            files = [database, *database.parent.glob("leverup.db-*")]
            assert {f.name for f in files} >= {"leverup.db", "leverup.db-wal", "leverup.db-shm"}
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        engine.dispose()


def test_i12_37_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    """Item 37: a database left world-readable by an older version is made 0600 on open."""
    database = tmp_path / "leverup.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    engine = create_db_engine(f"sqlite:///{database}")
    engine.dispose()
    assert _mode(database) == 0o600


def test_i12_37_issue_batch_out_csv_is_private(
    registry: Registry, org: OrganisationRecord, tmp_path: Path
) -> None:
    """Item 37: ``issue-batch --out`` writes its CSV of e-mail addresses 0600, even over an
    existing world-readable file."""
    source = tmp_path / "cohort.csv"
    source.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "issued.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    result = CliRunner().invoke(
        issue_batch, [str(source), "--org", org.slug, "--out", str(out)], obj=registry
    )
    assert result.exit_code == 0, result.output
    assert "ada@example.org" in out.read_text(encoding="utf-8")
    assert _mode(out) == 0o600
