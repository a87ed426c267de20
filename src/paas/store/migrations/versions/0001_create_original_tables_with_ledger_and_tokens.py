"""Create the original eight tables, with the credit ledger and API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 21:45:00.743454
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("account_email", sa.String(length=320), nullable=True),
        sa.Column("platform", sa.String(length=20), server_default="genspark", nullable=False),
        sa.Column("credits_available", sa.Integer(), server_default="100", nullable=False),
        sa.Column("credits_refresh_date", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="available", nullable=False),
        sa.Column("specialization", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "platform IN ('genspark', 'claude', 'chatgpt', 'gemini', 'other')",
            name=op.f("ck_accounts_platform_allowed"),
        ),
        sa.CheckConstraint(
            "status IN ('available', 'active', 'exhausted', 'blocked')",
            name=op.f("ck_accounts_status_allowed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("account_name", name=op.f("uq_accounts_account_name")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("single_use", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('viewer', 'operator', 'admin')", name=op.f("ck_api_tokens_role_allowed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("total_credits_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_sessions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'completed', 'archived')", name=op.f("ck_projects_status_allowed")
        ),
        sa.CheckConstraint(
            "total_credits_used >= 0", name=op.f("ck_projects_total_credits_used_not_negative")
        ),
        sa.CheckConstraint("total_sessions >= 0", name=op.f("ck_projects_total_sessions_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", name=op.f("uq_projects_name")),
    )
    op.create_table(
        "project_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("file_path", sa.String(length=1000), nullable=False),
        sa.Column("file_type", sa.String(length=50), nullable=True),
        sa.Column("last_modified", sa.DateTime(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("git_status", sa.String(length=30), nullable=True),
        sa.Column("importance", sa.String(length=20), server_default="normal", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "importance IN ('critical', 'high', 'normal', 'low')",
            name=op.f("ck_project_files_importance_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_files_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_files")),
        sa.UniqueConstraint("project_id", "file_path", name=op.f("uq_project_files_project_id_file_path")),
    )
    with op.batch_alter_table("project_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_files_project_id"), ["project_id"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=False),
        sa.Column("session_type", sa.String(length=20), server_default="development", nullable=False),
        sa.Column("credits_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("objectives", sa.Text(), nullable=True),
        sa.Column("accomplishments", sa.Text(), nullable=True),
        sa.Column("blockers", sa.Text(), nullable=True),
        sa.Column("handoff_notes", sa.Text(), nullable=True),
        sa.Column("checkpoint_data", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="in_progress", nullable=False),
        sa.Column("started_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "session_type IN ('development', 'bugfix', 'feature', 'refactor', 'deployment')",
            name=op.f("ck_sessions_session_type_allowed"),
        ),
        sa.CheckConstraint(
            "status IN ('in_progress', 'completed', 'failed', 'handed_off')",
            name=op.f("ck_sessions_status_allowed"),
        ),
        sa.CheckConstraint("credits_used >= 0", name=op.f("ck_sessions_credits_used_not_negative")),
        sa.CheckConstraint("session_number >= 1", name=op.f("ck_sessions_session_number_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_sessions_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_sessions_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint(
            "project_id", "session_number", name=op.f("uq_sessions_project_id_session_number")
        ),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_project_id"), ["project_id"], unique=False)
        batch_op.create_index(
            "uq_sessions_account_id_in_progress",
            ["account_id"],
            unique=True,
            sqlite_where=sa.text("status = 'in_progress'"),
            postgresql_where=sa.text("status = 'in_progress'"),
        )

    op.create_table(
        "context_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("snapshot_type", sa.String(length=20), server_default="handoff", nullable=False),
        sa.Column("compressed_context", sa.Text(), nullable=False),
        sa.Column("context_summary", sa.Text(), nullable=True),
        sa.Column("file_count", sa.Integer(), nullable=True),
        sa.Column("code_lines", sa.Integer(), nullable=True),
        sa.Column("git_commit_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "snapshot_type IN ('handoff', 'checkpoint', 'backup')",
            name=op.f("ck_context_snapshots_snapshot_type_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_context_snapshots_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_context_snapshots_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_snapshots")),
    )
    with op.batch_alter_table("context_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_context_snapshots_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_context_snapshots_session_id"), ["session_id"], unique=False)

    op.create_table(
        "conversation_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("turn_number", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("tokens_used", sa.Integer(), nullable=True),
        sa.Column("timestamp", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "role IN ('user', 'assistant', 'system')", name=op.f("ck_conversation_history_role_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_conversation_history_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_history")),
        sa.UniqueConstraint(
            "session_id", "turn_number", name=op.f("uq_conversation_history_session_id_turn_number")
        ),
    )
    with op.batch_alter_table("conversation_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conversation_history_session_id"), ["session_id"], unique=False)

    op.create_table(
        "credit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("overdrawn", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("credits > 0", name=op.f("ck_credit_events_credits_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_credit_events_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_credit_events_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_credit_events_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_credit_events_idempotency_key")),
    )
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_events_account_id_occurred_at", ["account_id", "occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_credit_events_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_events_session_id"), ["session_id"], unique=False)

    op.create_table(
        "handoff_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("from_account_id", sa.Integer(), nullable=False),
        sa.Column("to_account_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), server_default="5", nullable=False),
        sa.Column("handoff_context", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'processing', 'completed', 'failed')",
            name=op.f("ck_handoff_queue_status_allowed"),
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 10", name=op.f("ck_handoff_queue_priority_range")),
        sa.ForeignKeyConstraint(
            ["from_account_id"], ["accounts.id"], name=op.f("fk_handoff_queue_from_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_handoff_queue_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["to_account_id"], ["accounts.id"], name=op.f("fk_handoff_queue_to_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_queue")),
    )
    with op.batch_alter_table("handoff_queue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_queue_session_id"), ["session_id"], unique=False)

    op.create_table(
        "knowledge_base",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tags", sa.Text(), nullable=True),
        sa.Column("usage_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("success_rate", sa.Float(), server_default="1.0", nullable=False),
        sa.Column("source_session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint(
            "category IN ('pattern', 'error_solution', 'optimization', 'best_practice', 'tip')",
            name=op.f("ck_knowledge_base_category_allowed"),
        ),
        sa.CheckConstraint("success_rate BETWEEN 0 AND 1", name=op.f("ck_knowledge_base_success_rate_range")),
        sa.CheckConstraint("usage_count >= 0", name=op.f("ck_knowledge_base_usage_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["source_session_id"], ["sessions.id"], name=op.f("fk_knowledge_base_source_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_base")),
    )


def downgrade() -> None:
    op.drop_table("knowledge_base")
    with op.batch_alter_table("handoff_queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_queue_session_id"))

    op.drop_table("handoff_queue")
    with op.batch_alter_table("credit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_events_session_id"))
        batch_op.drop_index(batch_op.f("ix_credit_events_project_id"))
        batch_op.drop_index("ix_credit_events_account_id_occurred_at")

    op.drop_table("credit_events")
    with op.batch_alter_table("conversation_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_history_session_id"))

    op.drop_table("conversation_history")
    with op.batch_alter_table("context_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_context_snapshots_session_id"))
        batch_op.drop_index(batch_op.f("ix_context_snapshots_project_id"))

    op.drop_table("context_snapshots")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_sessions_account_id_in_progress",
            sqlite_where=sa.text("status = 'in_progress'"),
            postgresql_where=sa.text("status = 'in_progress'"),
        )
        batch_op.drop_index(batch_op.f("ix_sessions_project_id"))
        batch_op.drop_index(batch_op.f("ix_sessions_account_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("project_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_files_project_id"))

    op.drop_table("project_files")
    op.drop_table("projects")
    op.drop_table("api_tokens")
    op.drop_table("accounts")
