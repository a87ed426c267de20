"""Let people acknowledge an alert: who (the token's name) and when, kept beside the alert.

An acknowledged alert stays active until its condition ends; acknowledging says a person has
seen it. The first acknowledgement is kept (a second one changes nothing).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("acknowledged_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("acknowledged_by")
        batch.drop_column("acknowledged_at")
