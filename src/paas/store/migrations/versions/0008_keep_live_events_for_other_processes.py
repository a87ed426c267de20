"""Keep each committed unit's domain events for the other processes on the database (the live dashboard).

``live_events`` is the outbox a unit of work writes in its own transaction (``store.live``): on
SQLite other processes tail it by id (AUTOINCREMENT, so ids are never reused after a prune); on
PostgreSQL the events go out by NOTIFY and the table stays empty.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_events")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("live_events")
