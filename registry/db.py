"""The registry's database: one engine per process, SQLite by default, PostgreSQL in production.

``LEVERUP_DATABASE_URL`` takes ``sqlite:///path`` or ``postgresql://user@host:port/db`` (the
psycopg 3 driver is selected for it). Schema changes are Alembic migrations
(``registry/migrations``), applied on start by :func:`migrate`; tables are never created from
the models directly. A full disk (SQLite ``SQLITE_FULL``, PostgreSQL SQLSTATE class 53) is
raised as :class:`~registry.errors.DatabaseUnavailableError`, a 503 problem (catalogue J8).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from registry.errors import DatabaseUnavailableError, ServiceBusyError

__all__ = [
    "MIGRATIONS_DIR",
    "create_db_engine",
    "default_database_url",
    "migrate",
    "probe_engine",
    "session_scope",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def default_database_url(data_dir: Path) -> str:
    """The embedded default: a SQLite file under the data directory."""
    return f"sqlite:///{(data_dir / 'leverup.db').resolve()}"


def _sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _private_sqlite_file(sa_url: str) -> None:
    """Create the SQLite file (and its directory) readable by its owner only, or tighten an
    existing one to 0600; SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the
    database file's mode, so they are private too (they hold the same data)."""
    database = sa.make_url(sa_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for companion in (path, *(path.with_name(path.name + end) for end in _SQLITE_COMPANIONS)):
        if companion.exists() and companion.stat().st_mode & 0o077:
            companion.chmod(0o600)


_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


_SQLITE_FULL = 13
"""SQLite's result code for "database or disk is full" (also ``max_page_count`` reached)."""
_SQLITE_BUSY = 5
"""SQLite's primary result code for "database is locked" (another writer held the lock for the
whole busy timeout); the extended codes (``SQLITE_BUSY_SNAPSHOT`` ...) share its low byte."""
_PG_INSUFFICIENT_RESOURCES = "53"
"""PostgreSQL's SQLSTATE class 53: disk full (53100, "could not extend file"), out of memory,
too many connections."""


def _storage_error(context: Any) -> Exception | None:
    """``handle_error`` hook: a full disk becomes :class:`DatabaseUnavailableError` (503).

    The transaction is rolled back by its owner as for any error, so nothing partial remains
    (catalogue J8); the service recovers by itself once space is freed.
    """
    original = context.original_exception
    code = getattr(original, "sqlite_errorcode", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if isinstance(code, int) and code & 0xFF == _SQLITE_BUSY:
        return ServiceBusyError(
            "the database is busy with other writes; nothing was changed, try again",
            retry_after=2,
        )
    if code == _SQLITE_FULL or (
        isinstance(state, str) and state.startswith(_PG_INSUFFICIENT_RESOURCES)
    ):
        return DatabaseUnavailableError(
            "the database cannot store the change (disk full or out of resources); "
            "nothing was changed, try again later"
        )
    return None


def create_db_engine(url: str, *, echo: bool = False, schema: str | None = None) -> Engine:
    """Build the engine for ``url`` (SQLite: WAL, foreign keys, a busy timeout).

    Args:
        url: ``sqlite:///path`` or ``postgresql://user@host:port/db``.
        echo: log SQL.
        schema: PostgreSQL only: the schema to work in (tests use one per test).
    """
    sa_url = _sqlalchemy_url(url)
    if sa_url.startswith("sqlite"):
        _private_sqlite_file(sa_url)
        engine = sa.create_engine(
            sa_url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 10},
            # As many pooled connections as the worker threads that use them at once (anyio's
            # default limiter is 40): a connection opened beyond the pool is closed on return,
            # and opening one (with its PRAGMAs) costs more than the query a public page makes.
            pool_size=40,
            max_overflow=10,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _storage_error)

        # SQLite's driver opens transactions lazily; BEGIN IMMEDIATE takes the write lock at the
        # start so two writers never deadlock upgrading a read lock. Read-only work (a
        # ``read_only`` session) begins deferred: in WAL mode it never waits for a writer.
        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            if connection.get_execution_options().get("read_only"):
                connection.exec_driver_sql("BEGIN")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "connect")
        def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = sa.create_engine(
        sa_url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args=connect_args,
    )
    event.listen(engine, "handle_error", _storage_error)
    return engine


def probe_engine(engine: Engine) -> Engine:
    """A second engine over ``engine``'s database with a connection pool of its own (same
    connection settings), for the health check: it never waits behind the requests' pool."""
    return sa.create_engine(engine.url, pool=engine.pool.recreate())


def migrate(engine: Engine) -> None:
    """Apply every pending migration (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def session_scope(engine: Engine, *, read_only: bool = False) -> Iterator[Session]:
    """A session whose work commits on success and rolls back on any exception.

    Args:
        engine: the registry's engine.
        read_only: the work only reads (on SQLite it then never queues behind a writer).
    """
    bind = engine.execution_options(read_only=True) if read_only else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
