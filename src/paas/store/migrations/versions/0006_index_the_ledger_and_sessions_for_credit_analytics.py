"""Indexes for credit analytics over millions of events (SQL aggregates, no row-by-row reads).

- ``credit_events (occurred_at, credits)`` replaces ``(occurred_at)``, of which it is an
  extension: a day's credits are an index-only range sum.
- ``credit_events (project_id, occurred_at, credits)``: the same for one project.
- ``sessions (status, completed_at, account_id, project_id, credits_used)``: the finished (or
  the handed-off) sessions of a window, their accounts, projects and credits, without reading
  the table.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_credit_events_occurred_at_credits", "credit_events", ["occurred_at", "credits"])
    op.drop_index("ix_credit_events_occurred_at", table_name="credit_events")
    op.create_index("ix_credit_events_project_id_occurred_at_credits", "credit_events",
                    ["project_id", "occurred_at", "credits"])
    op.create_index("ix_sessions_analytics_window", "sessions",
                    ["status", "completed_at", "account_id", "project_id", "credits_used"])


def downgrade() -> None:
    op.drop_index("ix_sessions_analytics_window", table_name="sessions")
    op.drop_index("ix_credit_events_project_id_occurred_at_credits", table_name="credit_events")
    op.create_index("ix_credit_events_occurred_at", "credit_events", ["occurred_at"])
    op.drop_index("ix_credit_events_occurred_at_credits", table_name="credit_events")
