"""Migration 0002 upgrades a 0001 database holding data: lists keep their signatures
(``signed_version`` = ``version``), credentials get ``key_id`` from their stored proofs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from registry_support import alembic
from sqlalchemy.engine import Engine

from registry.db import MIGRATIONS_DIR, migrate

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _signed(key: str) -> bytes:
    proof = {"type": "DataIntegrityProof", "verificationMethod": f"did:web:x:orgs:a#{key}"}
    return json.dumps({"id": "urn:x", "proof": proof}).encode()


def _seed_0001(engine: Engine) -> None:
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO organisations (id, slug, name, did, require_assessor_badge, "
                "created_at) VALUES (1, 'a', 'A', 'did:web:x:orgs:a', false, :now)"
            ),
            {"now": NOW},
        )
        c.execute(
            sa.text(
                "INSERT INTO status_lists (id, org_id, purpose, seq, size, bits, allocated, "
                "allocated_count, version, signed_bytes, etag, updated_at) VALUES "
                "(1, 1, 'revocation', 1, 8, :b, :b, 3, 4, :s, '\"e\"', :now), "
                "(2, 1, 'revocation', 2, 8, :b, :b, 0, 2, NULL, NULL, :now)"
            ),
            {"b": b"\x00", "s": b"{}", "now": NOW},
        )
        rows = [("c1", 0, _signed("key-1")), ("c2", 1, _signed("key-2")), ("c3", 2, None)]
        for credential_id, index, signed in rows:
            c.execute(
                sa.text(
                    "INSERT INTO credentials (id, org_id, achievement, lang, status, issued_at, "
                    "valid_from, status_list_id, status_index, version, signed_bytes, hidden) "
                    "VALUES (:id, 1, 'teamwork', 'en', 'active', :now, :now, 1, :i, 1, :s, false)"
                ),
                {"id": credential_id, "now": NOW, "i": index, "s": signed},
            )


def test_upgrade_from_0001_keeps_data_and_backfills(bare_engine: Engine) -> None:
    """key_id from each proof (None once erased); signed lists up to date, unsigned ones not."""
    alembic(bare_engine, "upgrade", "0001")
    _seed_0001(bare_engine)
    migrate(bare_engine)
    with bare_engine.connect() as c:
        keys: dict[str, str | None] = dict(
            c.execute(sa.text("SELECT id, key_id FROM credentials")).all()
        )
        lists = c.execute(
            sa.text("SELECT id, version, signed_version FROM status_lists ORDER BY id")
        ).all()
    assert keys == {"c1": "key-1", "c2": "key-2", "c3": None}
    assert [tuple(row) for row in lists] == [(1, 4, 4), (2, 2, 0)]


def test_downgrade_to_0001_and_up_again(bare_engine: Engine) -> None:
    """0002 is reversible: down to 0001 drops the columns, up again restores them."""
    migrate(bare_engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with bare_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    columns = {c["name"] for c in sa.inspect(bare_engine).get_columns("credentials")}
    assert "key_id" not in columns
    migrate(bare_engine)
    columns = {c["name"] for c in sa.inspect(bare_engine).get_columns("credentials")}
    assert "key_id" in columns
