"""Usage read from agents' own logs, quota units, platform readings, alerts and webhooks.

Accounts gain ``quota_unit`` (credits, tokens, usd in cents; existing rows count credits).
Figures that tokens can push past 2^31 become 64-bit (quota, the ledger's credits, sessions'
and projects' totals). Ledger events gain the source they were read from (agent, file,
message/request id, sidechain, the agent's session), the model, the four token counts and an
estimated cost; an imported event may spend 0. ``usage_import_files`` remembers how far each
log file was read; ``platform_readings`` what a platform said of a window; ``alerts`` (one
active per key), ``webhooks`` and ``webhook_deliveries`` (the durable outbox) carry alerts out.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SOURCES = "'claude_code', 'codex'"
NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("quota", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False, existing_server_default="100")
        batch_op.add_column(sa.Column("quota_unit", sa.String(length=10), server_default="credits", nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_accounts_quota_unit_allowed"),
                                         "quota_unit IN ('credits', 'tokens', 'usd')")
    with op.batch_alter_table("projects") as batch_op:
        batch_op.alter_column("total_credits_used", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False, existing_server_default="0")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.alter_column("credits_used", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False, existing_server_default="0")
    op.create_table(
        "usage_import_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("offset", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("lines", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("records", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.CheckConstraint(f"source IN ({SOURCES})", name=op.f("ck_usage_import_files_source_allowed")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_usage_import_files_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_import_files")),
        sa.UniqueConstraint("path", name=op.f("uq_usage_import_files_path")),
    )
    with op.batch_alter_table("usage_import_files") as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_import_files_account_id"), ["account_id"], unique=False)
    with op.batch_alter_table("credit_events") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_credit_events_credits_positive"), type_="check")
        batch_op.alter_column("credits", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)
        batch_op.alter_column("overdrawn", existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False, existing_server_default="0")
        batch_op.add_column(sa.Column("source", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("source_file_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("request_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sidechain", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("agent_session", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("model", sa.String(length=200), nullable=True))
        for column in ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens"):
            batch_op.add_column(sa.Column(column, sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("cost_usd", sa.Float(), nullable=True))
        batch_op.create_check_constraint(batch_op.f("ck_credit_events_credits_positive_unless_imported"),
                                         "credits > 0 OR (source IS NOT NULL AND credits >= 0)")
        batch_op.create_check_constraint(batch_op.f("ck_credit_events_source_allowed"), f"source IN ({SOURCES})")
        batch_op.create_foreign_key(batch_op.f("fk_credit_events_source_file_id_usage_import_files"),
                                    "usage_import_files", ["source_file_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_credit_events_source_file_id"), ["source_file_id"], unique=False)
        batch_op.create_index("ix_credit_events_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_credit_events_source_message_id", ["source", "message_id"], unique=False)
    op.create_table(
        "platform_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("window", sa.String(length=20), nullable=False),
        sa.Column("used_percentage", sa.Float(), nullable=False),
        sa.Column("resets_at", sa.DateTime(), nullable=True),
        sa.Column("estimated_percentage", sa.Float(), nullable=True),
        sa.Column("agent_session", sa.String(length=200), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_platform_readings_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_readings")),
    )
    with op.batch_alter_table("platform_readings") as batch_op:
        batch_op.create_index("ix_platform_readings_account_id_read_at", ["account_id", "read_at"], unique=False)
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=10), server_default="warning", nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('active', 'cleared')", name=op.f("ck_alerts_status_allowed")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_alerts_account_id_accounts")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_alerts_project_id_projects")),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], name=op.f("fk_alerts_session_id_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts") as batch_op:
        batch_op.create_index("uq_alerts_active_key", ["key"], unique=True, sqlite_where=sa.text("status = 'active'"),
                              postgresql_where=sa.text("status = 'active'"))
        batch_op.create_index("ix_alerts_key_raised_at", ["key", "raised_at"], unique=False)
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')",
                           name=op.f("ck_webhook_deliveries_status_allowed")),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name=op.f("fk_webhook_deliveries_alert_id_alerts")),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"],
                                name=op.f("fk_webhook_deliveries_webhook_id_webhooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_deliveries_webhook_id"), ["webhook_id"], unique=False)
        batch_op.create_index("ix_webhook_deliveries_status_next_attempt_at", ["status", "next_attempt_at"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("alerts")
    op.drop_table("platform_readings")
    op.execute("DELETE FROM credit_events WHERE source IS NOT NULL")
    with op.batch_alter_table("credit_events") as batch_op:
        batch_op.drop_index("ix_credit_events_source_message_id")
        batch_op.drop_index("ix_credit_events_occurred_at")
        batch_op.drop_index(batch_op.f("ix_credit_events_source_file_id"))
        batch_op.drop_constraint(batch_op.f("fk_credit_events_source_file_id_usage_import_files"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("ck_credit_events_source_allowed"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_credit_events_credits_positive_unless_imported"), type_="check")
        for column in ("cost_usd", "cache_read_tokens", "cache_creation_tokens", "output_tokens", "input_tokens",
                       "model", "agent_session", "sidechain", "request_id", "message_id", "source_file_id", "source"):
            batch_op.drop_column(column)
        batch_op.alter_column("overdrawn", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False, existing_server_default="0")
        batch_op.alter_column("credits", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f("ck_credit_events_credits_positive"), "credits > 0")
    with op.batch_alter_table("usage_import_files") as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_import_files_account_id"))
    op.drop_table("usage_import_files")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.alter_column("credits_used", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False, existing_server_default="0")
    with op.batch_alter_table("projects") as batch_op:
        batch_op.alter_column("total_credits_used", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False, existing_server_default="0")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_accounts_quota_unit_allowed"), type_="check")
        batch_op.drop_column("quota_unit")
        batch_op.alter_column("quota", existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False, existing_server_default="100")
