"""Migration 0003_seen_status_bits (issue 12, item 32): the verifier's memory of revocation bits
seen set in foreign status lists; a 0002 database with data upgrades, and it is reversible."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from registry_support import alembic
from sqlalchemy.engine import Engine

from registry.db import migrate

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_i12_32_upgrade_from_0002_adds_the_table_and_keeps_data(bare_engine: Engine) -> None:
    """Item 32: a 0002 database with an organisation upgrades to head: the organisation stays,
    seen_status_bits exists (empty) and takes a row."""
    alembic(bare_engine, "upgrade", "0002")
    with bare_engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO organisations (id, slug, name, did, require_assessor_badge, "
                "created_at) VALUES (1, 'a', 'A', 'did:web:x:orgs:a', false, :now)"
            ),
            {"now": NOW},
        )
    assert "seen_status_bits" not in sa.inspect(bare_engine).get_table_names()
    migrate(bare_engine)
    assert "seen_status_bits" in sa.inspect(bare_engine).get_table_names()
    with bare_engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO seen_status_bits (url_hash, url, bits, updated_at) "
                "VALUES (:h, :u, :b, :now)"
            ),
            {"h": "0" * 64, "u": "https://lists.example/1", "b": b"x", "now": NOW},
        )
        assert c.execute(sa.text("SELECT slug FROM organisations")).scalar_one() == "a"
        assert c.execute(sa.text("SELECT url FROM seen_status_bits")).scalar_one() == (
            "https://lists.example/1"
        )


def test_i12_32_downgrade_to_0002_and_up_again(bare_engine: Engine) -> None:
    """Item 32: 0003_seen_status_bits is reversible."""
    migrate(bare_engine)
    alembic(bare_engine, "downgrade", "0002")
    assert "seen_status_bits" not in sa.inspect(bare_engine).get_table_names()
    migrate(bare_engine)
    assert "seen_status_bits" in sa.inspect(bare_engine).get_table_names()
