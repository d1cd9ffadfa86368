"""The migrations build exactly the tables the models describe, on every backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import registry.models  # noqa: F401 - registers the tables
from registry.db import migrate


class TestMigrations:
    def test_tables_match_models(self, engine: Engine) -> None:
        """Every model table exists after migrating, with the same columns."""
        inspector = sa.inspect(engine)
        assert set(SQLModel.metadata.tables) <= set(inspector.get_table_names())
        for name, table in SQLModel.metadata.tables.items():
            columns = {column["name"] for column in inspector.get_columns(name)}
            assert columns == {column.name for column in table.columns}, name

    def test_migrate_is_idempotent(self, engine: Engine) -> None:
        """Running the migrations again changes nothing (the service migrates on every start)."""
        before = sorted(sa.inspect(engine).get_table_names())
        migrate(engine)
        assert sorted(sa.inspect(engine).get_table_names()) == before

    def test_no_pending_model_changes(self, engine: Engine) -> None:
        """Alembic's autogenerate finds no difference between the models and the migrations."""
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == []


class TestReadOnlySessions:
    def test_reader_does_not_wait_for_a_writer(self, engine: Engine) -> None:
        """A read-only session reads while another transaction holds the write lock."""
        import time

        from sqlmodel import select

        from registry.db import session_scope
        from registry.models import OrganisationRecord

        with session_scope(engine) as writer:
            writer.exec(select(OrganisationRecord)).all()  # begins (IMMEDIATE on SQLite)
            start = time.monotonic()
            with session_scope(engine, read_only=True) as reader:
                assert reader.exec(select(OrganisationRecord)).all() == []
            assert time.monotonic() - start < 2

    def test_writer_still_serialised(self, engine: Engine) -> None:
        """Two writers still exclude each other on SQLite (BEGIN IMMEDIATE) - the second waits."""
        import threading
        import time

        from sqlmodel import select

        from registry.db import session_scope
        from registry.models import OrganisationRecord

        if engine.dialect.name != "sqlite":
            pytest.skip("only SQLite serialises writers with a database-wide lock")
        entered = threading.Event()
        waited: list[float] = []

        def second() -> None:
            entered.wait()
            start = time.monotonic()
            with session_scope(engine) as other:
                other.exec(select(OrganisationRecord)).all()
            waited.append(time.monotonic() - start)

        thread = threading.Thread(target=second)
        thread.start()
        with session_scope(engine) as writer:
            writer.exec(select(OrganisationRecord)).all()
            entered.set()
            time.sleep(0.5)
        thread.join()
        assert waited and waited[0] >= 0.4
