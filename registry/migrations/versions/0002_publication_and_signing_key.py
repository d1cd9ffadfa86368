"""status-list publication state, the signing key of each credential, idempotency expiry

- ``status_lists.signed_version``: the list ``version`` its signed bytes show (a publication is
  pending while it is lower than ``version``); existing signed lists are up to date.
- ``credentials.key_id``: the organisation's key whose proof the current copy carries, filled
  from the stored proof's ``verificationMethod`` (``did:web:…#key-N``); erased credentials keep
  ``NULL``.
- an index on ``idempotency_keys.created_at`` for purging expired keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 06:30:00.000000
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BACKFILL_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signed_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute("UPDATE status_lists SET signed_version = version WHERE signed_bytes IS NOT NULL")

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_credentials_key_id"), ["key_id"], unique=False)
    _backfill_key_ids()

    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at"))
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_key_id"))
        batch_op.drop_column("key_id")
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_column("signed_version")


def _backfill_key_ids() -> None:
    """Set ``credentials.key_id`` from each stored proof, a batch of rows at a time."""
    bind = op.get_bind()
    credentials = sa.table(
        "credentials",
        sa.column("id", sa.String()),
        sa.column("signed_bytes", sa.LargeBinary()),
        sa.column("key_id", sa.String()),
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(credentials.c.id, credentials.c.signed_bytes)
            .where(credentials.c.id > last)
            .where(credentials.c.signed_bytes.is_not(None))
            .order_by(credentials.c.id)
            .limit(_BACKFILL_BATCH)
        ).all()
        for credential_id, signed in rows:
            key_id = key_id_of(bytes(signed))
            if key_id is not None:
                bind.execute(
                    sa.update(credentials)
                    .where(credentials.c.id == credential_id)
                    .values(key_id=key_id)
                )
        if len(rows) < _BACKFILL_BATCH:
            return
        last = rows[-1][0]


def key_id_of(signed: bytes) -> str | None:
    """The ``key-N`` fragment of the first proof's ``verificationMethod``, or None."""
    try:
        document: Any = json.loads(signed)
    except ValueError:
        return None
    proof = document.get("proof") if isinstance(document, dict) else None
    if isinstance(proof, list):
        proof = proof[0] if proof else None
    method = proof.get("verificationMethod") if isinstance(proof, dict) else None
    if not isinstance(method, str) or "#" not in method:
        return None
    fragment = method.rsplit("#", 1)[1]
    return fragment if 0 < len(fragment) <= 32 else None
