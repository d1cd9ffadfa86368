"""seen_status_bits: revocation bits seen set in foreign status lists (issue 12, item 32)

The verifier refuses a foreign revocation list that clears a bit it has seen set (revocation
is final); this table keeps that memory across processes and restarts. A new, empty table:
nothing to backfill (the memory starts with the first list verified after the upgrade).

Revision ID: 0003_seen_status_bits
Revises: 0002
Create Date: 2026-12-08 01:25:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_seen_status_bits"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_status_bits",
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url_hash"),
    )


def downgrade() -> None:
    op.drop_table("seen_status_bits")
