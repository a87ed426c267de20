"""Scope tokens to projects, count failed authentications, and make names unique whatever their case or form.

- ``api_tokens.project_scoped`` + ``api_token_projects``: a scoped token sees only its projects.
- ``auth_throttle``: failed authentications per client and token prefix, shared by every process.
- ``projects.name_key`` and ``accounts.account_name_key``: the NFKC, case-folded form of the
  name, unique. Backfilled here; a database that already holds two names with one key (``X``
  and ``x``) cannot be upgraded until one is renamed, and the upgrade says which.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NAMED = (("projects", "name", "name_key"), ("accounts", "account_name", "account_name_key"))


def fold(name: str) -> str:
    # A frozen copy of core.names.name_key: a migration must not change when the app's code does.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold()).strip()


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("project_scoped", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.create_table(
        "api_token_projects",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"], ondelete="CASCADE",
                                name=op.f("fk_api_token_projects_token_id_api_tokens")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE",
                                name=op.f("fk_api_token_projects_project_id_projects")),
        sa.PrimaryKeyConstraint("token_id", "project_id", name=op.f("pk_api_token_projects")),
    )
    op.create_index(op.f("ix_api_token_projects_project_id"), "api_token_projects", ["project_id"])
    op.create_table(
        "auth_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_auth_throttle")),
    )
    connection = op.get_bind()
    for table, column, key_column in NAMED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(key_column, sa.String(length=200), nullable=True))
        rows = connection.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
        seen: dict[str, str] = {}
        for row_id, name in rows:
            key = fold(name)
            if key in seen:
                raise RuntimeError(f"{table}: {seen[key]!r} and {name!r} are now one name; rename one, then upgrade")
            seen[key] = name
            connection.execute(sa.text(f"UPDATE {table} SET {key_column} = :key WHERE id = :id"),
                               {"key": key, "id": row_id})
        with op.batch_alter_table(table) as batch:
            batch.alter_column(key_column, existing_type=sa.String(length=200), nullable=False)
            batch.create_unique_constraint(op.f(f"uq_{table}_{key_column}"), [key_column])


def downgrade() -> None:
    for table, _column, key_column in NAMED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"uq_{table}_{key_column}"), type_="unique")
            batch.drop_column(key_column)
    op.drop_table("auth_throttle")
    op.drop_index(op.f("ix_api_token_projects_project_id"), table_name="api_token_projects")
    op.drop_table("api_token_projects")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("project_scoped")
