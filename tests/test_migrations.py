"""Migrations build exactly the schema the models describe, on a blank database of each backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from paas.store.db import alembic_config, current_revision, head_revision, make_engine, upgrade
from paas.store.schema import Base
from tests.conftest import BACKENDS, drop_pg_schema, pg_url_in_schema, reset_pg_schema


@pytest.fixture(params=BACKENDS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    schema = f"paas_migration_{request.node.name.split('[')[0][-20:]}"
    reset_pg_schema(schema)
    yield pg_url_in_schema(schema)
    drop_pg_schema(schema)


def test_upgrade_on_blank_database_matches_the_models(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    original = {"projects", "accounts", "sessions", "context_snapshots", "conversation_history", "project_files",
                "handoff_queue", "knowledge_base"}
    assert original | {"credit_events", "api_tokens", "idempotent_requests", "app_meta", "transcript_sources",
                       "project_links", "alembic_version"} == tables


def test_upgrade_twice_is_a_no_op(blank_url: str) -> None:
    upgrade(blank_url)
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_keeping_transcript_sources_goes_down_and_up_again(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(blank_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        inspector = inspect(engine)
        assert "transcript_sources" not in inspector.get_table_names()
        assert {"stats", "source_format", "source_id"}.isdisjoint(
            column["name"] for column in inspector.get_columns("context_snapshots"))
    finally:
        engine.dispose()
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_rotation_settings_and_git_state_go_down_and_up_again(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO projects (name) VALUES ('kept')")
        with engine.begin() as connection:
            config = alembic_config(blank_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        inspector = inspect(engine)
        assert "project_links" not in inspector.get_table_names()
        assert {"auto_rotate", "rotation_strategy", "repo_path", "auto_commit"}.isdisjoint(
            column["name"] for column in inspector.get_columns("projects"))
    finally:
        engine.dispose()
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            row = connection.exec_driver_sql(
                "SELECT name, auto_rotate, rotation_strategy, repo_path FROM projects").one()
            assert (row[0], bool(row[1]), row[2], row[3]) == ("kept", False, "best", None)
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_migration_files_are_named_like_sentences() -> None:
    versions = Path(__file__).resolve().parents[1] / "src" / "paas" / "store" / "migrations" / "versions"
    names = sorted(path.stem for path in versions.glob("*.py"))
    assert names, "no migrations found"
    for number, name in enumerate(names, start=1):
        prefix, _, words = name.partition("_")
        assert prefix == f"{number:04d}", f"{name}: revisions are numbered 0001, 0002, ..."
        assert len(words.split("_")) >= 3, f"{name}: name the change in a few words"
