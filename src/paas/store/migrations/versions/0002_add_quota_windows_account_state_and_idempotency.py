"""Add quota windows and platform-reported state to accounts; idempotent requests; app meta.

Accounts stop storing what can be computed: ``credits_available``, ``credits_refresh_date``
and ``status`` are dropped (credits left = quota − ledger in the window; status from the
facts). What a person set is kept: 'blocked' becomes admin_state 'disabled'.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_meta")),
    )
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_requests")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotent_requests_scope_key")),
    )
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("tags", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("quota", sa.Integer(), server_default="100", nullable=False))
        batch_op.add_column(sa.Column("window_kind", sa.String(length=10), server_default="daily", nullable=False))
        batch_op.add_column(
            sa.Column("window_reset_at", sa.String(length=5), server_default="00:00", nullable=False))
        batch_op.add_column(
            sa.Column("window_timezone", sa.String(length=64), server_default="UTC", nullable=False))
        batch_op.add_column(sa.Column("window_hours", sa.Integer(), server_default="24", nullable=False))
        batch_op.add_column(sa.Column("rotate_threshold", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("admin_state", sa.String(length=10), server_default="enabled", nullable=False))
        batch_op.add_column(sa.Column("disabled_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("exhausted_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("throttled_until", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("credentials_encrypted", sa.Text(), nullable=True))
    op.execute("UPDATE accounts SET admin_state = 'disabled', disabled_reason = 'blocked' WHERE status = 'blocked'")
    op.execute(
        "UPDATE accounts SET last_used_at = (SELECT MAX(occurred_at) FROM credit_events "
        "WHERE credit_events.account_id = accounts.id)"
    )
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint(op.f("ck_accounts_status_allowed"), type_="check")
        batch_op.drop_column("credits_available")
        batch_op.drop_column("status")
        batch_op.drop_column("credits_refresh_date")
        batch_op.create_check_constraint("admin_state_allowed", "admin_state IN ('enabled', 'disabled')")
        batch_op.create_check_constraint("window_kind_allowed", "window_kind IN ('daily', 'rolling')")
        batch_op.create_check_constraint("quota_positive", "quota >= 1")
        batch_op.create_check_constraint("window_hours_range", "window_hours BETWEEN 1 AND 744")
        batch_op.create_check_constraint(
            "rotate_threshold_range",
            "rotate_threshold IS NULL OR (rotate_threshold >= 1 AND rotate_threshold <= quota)",
        )
    with op.batch_alter_table("projects") as batch_op:
        batch_op.add_column(sa.Column("rotate_threshold_percent", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "rotate_threshold_percent_range",
            "rotate_threshold_percent IS NULL OR rotate_threshold_percent BETWEEN 1 AND 100",
        )


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch_op:
        batch_op.drop_constraint(op.f("ck_projects_rotate_threshold_percent_range"), type_="check")
        batch_op.drop_column("rotate_threshold_percent")
    with op.batch_alter_table("accounts") as batch_op:
        for name in ("admin_state_allowed", "window_kind_allowed", "quota_positive", "window_hours_range",
                     "rotate_threshold_range"):
            batch_op.drop_constraint(op.f(f"ck_accounts_{name}"), type_="check")
        batch_op.add_column(sa.Column("credits_refresh_date", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=20), server_default="available", nullable=False))
        batch_op.add_column(sa.Column("credits_available", sa.Integer(), server_default="100", nullable=False))
    op.execute("UPDATE accounts SET status = 'blocked' WHERE admin_state = 'disabled'")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.create_check_constraint(
            "status_allowed", "status IN ('available', 'active', 'exhausted', 'blocked')")
        for column in ("credentials_encrypted", "last_used_at", "throttled_until", "exhausted_until",
                       "disabled_reason", "admin_state", "rotate_threshold", "window_hours", "window_timezone",
                       "window_reset_at", "window_kind", "quota", "tags"):
            batch_op.drop_column(column)
    op.drop_table("idempotent_requests")
    op.drop_table("app_meta")
