"""Migration 0003_seen_status_bits (issue 12, item 32): the verifier's memory of revocation bits
seen set in foreign status lists; a 0002 database with data upgrades, and it is reversible."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from registry.db import MIGRATIONS_DIR, create_db_engine, migrate

PG_URL = os.environ.get("LEVERUP_TEST_DATABASE_URL")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _backends() -> list[object]:
    pg = pytest.param(
        "postgresql", marks=pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured")
    )
    return ["sqlite", pg]


@pytest.fixture(params=_backends())
def bare_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (no migration applied yet)."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    assert PG_URL is not None
    schema = f"m_{secrets.token_hex(6)}"
    admin = create_db_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = create_db_engine(PG_URL, schema=schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _command(engine: Engine, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def test_i12_32_upgrade_from_0002_adds_the_table_and_keeps_data(bare_engine: Engine) -> None:
    """Item 32: a 0002 database with an organisation upgrades to head: the organisation stays,
    seen_status_bits exists (empty) and takes a row."""
    _command(bare_engine, "upgrade", "0002")
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
    _command(bare_engine, "downgrade", "0002")
    assert "seen_status_bits" not in sa.inspect(bare_engine).get_table_names()
    migrate(bare_engine)
    assert "seen_status_bits" in sa.inspect(bare_engine).get_table_names()
