"""Rotation by itself, git-aware handoffs, and directories mapped to projects.

Projects gain ``auto_rotate`` (the usage that crosses the threshold rotates), the
``rotation_strategy`` (best, next_available, use_first_to_reset), the ``repo_path`` of their
git working tree and ``auto_commit``. Sessions keep the git HEAD and branch they started on;
snapshots the git state their briefing described. ``project_links`` maps a working directory
to a project, so an agent running there (MCP tools, hooks) needs no project argument.
Existing rows get the defaults (off, best, no repository).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STRATEGIES = "'best', 'next_available', 'use_first_to_reset'"


def upgrade() -> None:
    with op.batch_alter_table("projects") as batch_op:
        batch_op.add_column(sa.Column("auto_rotate", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("rotation_strategy", sa.String(length=30), server_default="best",
                                      nullable=False))
        batch_op.add_column(sa.Column("repo_path", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("auto_commit", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_projects_rotation_strategy_allowed"),
                                         f"rotation_strategy IN ({STRATEGIES})")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(sa.Column("git_head", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("git_branch", sa.String(length=255), nullable=True))
    with op.batch_alter_table("context_snapshots") as batch_op:
        batch_op.add_column(sa.Column("git_state", sa.JSON(), nullable=True))
    op.create_table(
        "project_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_project_links_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_links")),
        sa.UniqueConstraint("path", name=op.f("uq_project_links_path")),
    )
    with op.batch_alter_table("project_links") as batch_op:
        batch_op.create_index(batch_op.f("ix_project_links_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_links") as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_links_project_id"))
    op.drop_table("project_links")
    with op.batch_alter_table("context_snapshots") as batch_op:
        batch_op.drop_column("git_state")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("git_branch")
        batch_op.drop_column("git_head")
    with op.batch_alter_table("projects") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_projects_rotation_strategy_allowed"), type_="check")
        batch_op.drop_column("auto_commit")
        batch_op.drop_column("repo_path")
        batch_op.drop_column("rotation_strategy")
        batch_op.drop_column("auto_rotate")
