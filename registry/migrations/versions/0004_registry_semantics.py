"""registry semantics of issue 12: erasable audit reasons, organisation name keys

- ``audit_log.reason_hash`` and ``audit_log.hash_version``: entries written from this revision on
  (``hash_version`` 2) chain the SHA-256 of their free-text reason, not the text, so erasure can
  clear the text and the chain still verifies; existing entries keep ``hash_version`` 1 and their
  old hashing (the reason in clear), so existing chains stay verifiable.
- ``organisations.training_provider``: organisations designated (by an operator) as training
  providers, whose assessors may issue practitioner-role badges; none is, to begin with.
- ``organisations.name_key``: the name's confusable-insensitive key (UTS #39 skeleton of the
  case-folded name, :func:`registry.orgs.fields.name_key`), unique. Existing organisations get
  theirs here, oldest first; one whose key an older organisation already holds keeps ``NULL``
  (and a warning) until it is renamed: no existing data is refused.

Revision ID: 0004_registry_semantics
Revises: 0003_seen_status_bits
Create Date: 2026-12-08 01:20:00.000000
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from registry.orgs.fields import name_key

revision = "0004_registry_semantics"
down_revision = "0003_seen_status_bits"
branch_labels = None
depends_on = None

_log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=800), nullable=True))
    # A plain ADD COLUMN on both backends: in a batch, SQLite would rebuild the table, which
    # the foreign keys of the tables holding data refuse.
    op.add_column(
        "organisations",
        sa.Column("training_provider", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _backfill_name_keys()
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisations_name_key"), ["name_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_name_key"))
        batch_op.drop_column("training_provider")
        batch_op.drop_column("name_key")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash_version")
        batch_op.drop_column("reason_hash")


def _backfill_name_keys() -> None:
    bind = op.get_bind()
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Integer()),
        sa.column("slug", sa.String()),
        sa.column("name", sa.String()),
        sa.column("name_key", sa.String()),
    )
    taken: dict[str, str] = {}
    rows = bind.execute(
        sa.select(organisations.c.id, organisations.c.slug, organisations.c.name).order_by(
            organisations.c.id
        )
    ).all()
    for org_id, slug, name in rows:
        key = name_key(name)
        if key in taken:
            _log.warning(
                "organisation %r: its name is confusable with that of %r; rename it",
                slug,
                taken[key],
            )
            continue
        taken[key] = slug
        bind.execute(
            sa.update(organisations).where(organisations.c.id == org_id).values(name_key=key)
        )
