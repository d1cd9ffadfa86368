"""Alembic environment: migrations run on the connection the service hands in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import registry.models  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run on ``config.attributes["connection"]`` (set by ``registry.db.migrate``)."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run through registry.db.migrate(engine)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
