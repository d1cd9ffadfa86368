"""Registry fixtures: every test that takes ``engine`` runs on SQLite, and on PostgreSQL too
when ``LEVERUP_TEST_DATABASE_URL`` is set (CI sets it; each PostgreSQL test works in a fresh
schema that is dropped afterwards)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from registry.db import create_db_engine, migrate

PG_URL = os.environ.get("LEVERUP_TEST_DATABASE_URL")


def _backends() -> list[object]:
    pg = pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL, reason="PostgreSQL not configured (set LEVERUP_TEST_DATABASE_URL)"
        ),
    )
    return ["sqlite", pg]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database; yields its URL (with the schema for PostgreSQL in
    ``request.node.pg_schema``)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    assert PG_URL is not None
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_db_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    request.node.pg_schema = schema
    try:
        yield PG_URL
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated database (SQLite file, or a PostgreSQL schema)."""
    schema = getattr(request.node, "pg_schema", None)
    engine = create_db_engine(database_url, schema=schema)
    migrate(engine)
    yield engine
    engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())
