"""Issue 12, item 3: no test reads or writes the checkout's own ``var/`` (``make run``'s data)."""

from __future__ import annotations

import os
from pathlib import Path

from checkout_support import CHECKOUT_VAR, snapshot_tree

from common.settings import load_settings


def test_i12_3_settings_from_the_environment_use_the_session_data_dir(
    isolated_data_dir: Path,
) -> None:
    """A test that builds settings from the environment gets the session's temporary data
    directory, never the default ``var`` (relative to the checkout)."""
    settings = load_settings()
    assert settings.data_dir == isolated_data_dir
    assert CHECKOUT_VAR.resolve() not in settings.data_dir.resolve().parents
    assert settings.data_dir.resolve() != CHECKOUT_VAR.resolve()
    assert os.environ["LEVERUP_DATA_DIR"] == str(isolated_data_dir)


def test_i12_3_snapshot_sees_a_new_and_a_changed_file(tmp_path: Path) -> None:
    """The session guard compares snapshots of ``var/``: a file created or rewritten shows."""
    folder = tmp_path / "var"
    assert snapshot_tree(folder) == {}
    folder.mkdir()
    (folder / "leverup.db").write_bytes(b"one")
    before = snapshot_tree(folder)
    (folder / "secret.key").write_bytes(b"new")
    assert set(snapshot_tree(folder)) == {"leverup.db", "secret.key"}
    (folder / "secret.key").unlink()
    assert snapshot_tree(folder) == before
    (folder / "leverup.db").write_bytes(b"longer")
    assert snapshot_tree(folder) != before
