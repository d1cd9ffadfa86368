"""Catalogue J8: the database runs out of space mid-issue. SQLite is made really full with
``PRAGMA max_page_count`` (SQLITE_FULL); PostgreSQL's "could not extend file" (SQLSTATE 53100)
takes the same path. Expect 503, no partial rows, an intact database, and recovery."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg.errors
import pytest
from issuance_support import (
    PROBLEM,
    Tokens,
    competence_body,
    counts,
    make_credentials_app,
    new_org,
    row_count,
)
from litestar.testing import TestClient
from registry_support import bearer, make_registry, scope
from sqlalchemy import event
from sqlalchemy.engine import Engine

from registry.audit.log import AuditLog
from registry.context import Registry
from registry.db import _storage_error, create_db_engine, migrate
from registry.errors import DatabaseUnavailableError


class PageLimit:
    """``PRAGMA max_page_count`` on every connection checkout (0: no limit set)."""

    def __init__(self, engine: Engine) -> None:
        self.pages = 0
        event.listen(engine, "checkout", self._apply)

    def _apply(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {self.pages or 1073741823}")
        cursor.close()


@pytest.fixture
def small_db(tmp_path: Path) -> Iterator[tuple[Engine, PageLimit]]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'small.db'}")
    migrate(engine)
    limit = PageLimit(engine)
    yield engine, limit
    engine.dispose()


def _pragma(engine: Engine, name: str) -> Any:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()


def _fill(engine: Engine, limit: PageLimit) -> None:
    """No free page left and no growth allowed: the next new page is SQLITE_FULL."""
    raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM needs none
    try:
        raw.cursor().execute("VACUUM")
    finally:
        raw.close()
    limit.pages = int(_pragma(engine, "page_count"))


def _issue(client: TestClient[Any], tokens: Tokens, n: int) -> Any:
    body = competence_body(recipient={"email": f"v{n}@example.org"})
    return client.post("/api/v1/credentials", json=body, headers=bearer(tokens.assessor))


def test_j8_disk_full_is_503_with_no_partial_rows_and_recovers(
    small_db: tuple[Engine, PageLimit],
) -> None:
    engine, limit = small_db
    registry: Registry = make_registry(engine)
    org = new_org(registry)
    tokens = Tokens.of(registry, org)
    with TestClient(make_credentials_app(registry)) as client:
        assert _issue(client, tokens, 0).status_code == 201
        before = counts(registry)
        audit_rows = row_count(engine, "audit_log")
        _fill(engine, limit)
        refused = _issue(client, tokens, 1)
        assert refused.status_code == 503, refused.text
        assert refused.json()["type"] == PROBLEM + "database-unavailable"
        assert "retry-after" in refused.headers
        assert counts(registry) == before  # no credential, no used index, no key
        assert row_count(engine, "audit_log") == audit_rows  # no claim of an event
        assert _pragma(engine, "integrity_check") == "ok"
        limit.pages = 0  # space is freed
        assert _issue(client, tokens, 2).status_code == 201
    assert counts(registry).credentials == before.credentials + 1
    assert org.id is not None
    with scope(registry) as session:
        assert AuditLog(registry, session).verify_chain(org.id) is None


def test_j8_postgresql_could_not_extend_file_is_the_same_problem() -> None:
    """psycopg's DiskFull (SQLSTATE 53100) maps to database-unavailable; other errors do not."""
    full = SimpleNamespace(original_exception=psycopg.errors.DiskFull("could not extend file"))
    assert isinstance(_storage_error(full), DatabaseUnavailableError)
    other = SimpleNamespace(original_exception=psycopg.errors.UniqueViolation("duplicate"))
    assert _storage_error(other) is None
