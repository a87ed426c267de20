"""An account's rotate threshold is 64-bit, like its quota: a week of tokens is billions.

0005 widened quotas and the ledger's figures; the threshold stayed 32-bit, which capped a
tokens account's threshold at 2,147,483,647 whatever its quota.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("rotate_threshold", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=True)


def downgrade() -> None:
    op.execute("UPDATE accounts SET rotate_threshold = NULL WHERE rotate_threshold > 2147483647")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("rotate_threshold", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=True)
