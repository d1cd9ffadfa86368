"""The migrations build exactly the tables the models describe, on every backend."""

from __future__ import annotations

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
