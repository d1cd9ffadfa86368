"""Transaction-scoped locks that serialise writers of one thing (a key ring, an audit chain).

On PostgreSQL a transaction takes ``pg_advisory_xact_lock`` on a 64-bit key derived from a name;
the lock is released when the transaction ends (commit or rollback), so it can never leak. An
advisory lock is used rather than ``SELECT … FOR UPDATE`` on a row because it also covers the
case where no row exists yet (the first key, the first audit entry) and it does not conflict
with the ``FOR KEY SHARE`` locks that foreign-key checks take on ``organisations``. On SQLite
every write transaction starts with ``BEGIN IMMEDIATE`` (see :mod:`registry.db`), which already
serialises writers, so nothing more is needed there.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlmodel import Session

__all__ = ["lock_key", "transaction_lock"]


def lock_key(name: str) -> int:
    """The signed 64-bit advisory lock key of ``name`` (first 8 bytes of its SHA-256)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def transaction_lock(session: Session, name: str) -> None:
    """Block until this transaction holds the lock called ``name`` (held until it ends).

    Args:
        session: The session whose transaction takes the lock.
        name: What is locked, e.g. ``"audit:12"``; equal names exclude each other.
    """
    if session.get_bind().dialect.name == "postgresql":
        connection = session.connection()
        # Advisory locks are per database; qualify the name with the schema so that two
        # deployments (or two test schemas) sharing a database never block each other.
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(f"{schema}:{name}")}
        )
