"""Keep the transcripts `context save` receives, and each briefing's stats and source.

``transcript_sources`` holds a transcript exactly as received (zlib-compressed UTF-8, SHA-256
of the text, detected format, file name), once per project and text. Snapshots gain the
engine's ``stats`` (JSON), the ``source_format`` they were read as and the ``source_id`` they
were built from. Snapshots written before this revision keep NULL in all three: their stats
were never stored and their source was never kept.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transcript_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content_zlib", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.Column("last_saved_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_transcript_sources_size_bytes_not_negative")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_transcript_sources_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_transcript_sources_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_sources")),
        sa.UniqueConstraint("project_id", "sha256", name=op.f("uq_transcript_sources_project_id_sha256")),
    )
    with op.batch_alter_table("transcript_sources") as batch_op:
        batch_op.create_index(batch_op.f("ix_transcript_sources_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transcript_sources_session_id"), ["session_id"], unique=False)
    with op.batch_alter_table("context_snapshots") as batch_op:
        batch_op.add_column(sa.Column("stats", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("source_format", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_context_snapshots_source_id"), ["source_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_context_snapshots_source_id_transcript_sources"), "transcript_sources",
            ["source_id"], ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("context_snapshots") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_context_snapshots_source_id_transcript_sources"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_context_snapshots_source_id"))
        batch_op.drop_column("source_id")
        batch_op.drop_column("source_format")
        batch_op.drop_column("stats")
    with op.batch_alter_table("transcript_sources") as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcript_sources_session_id"))
        batch_op.drop_index(batch_op.f("ix_transcript_sources_project_id"))
    op.drop_table("transcript_sources")
