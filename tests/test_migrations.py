"""Migrations build exactly the schema the models describe, on a blank database of each backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from paas.store.db import current_revision, downgrade, head_revision, make_engine, upgrade
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
                       "project_links", "usage_import_files", "platform_readings", "alerts", "webhooks",
                       "webhook_deliveries", "live_events", "api_token_projects", "auth_throttle",
                       "alembic_version"} == tables


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
        downgrade(blank_url, "0002")
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
            connection.exec_driver_sql("INSERT INTO projects (name, name_key) VALUES ('kept', 'kept')")
        downgrade(blank_url, "0003")
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


def test_usage_sources_units_and_alerts_go_down_and_up_again_keeping_typed_usage(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO accounts (account_name, account_name_key, quota, quota_unit) "
                                       "VALUES ('tok', 'tok', 5000000000, 'tokens')")
            connection.exec_driver_sql("INSERT INTO credit_events (account_id, credits, occurred_at) "
                                       "VALUES (1, 7, CURRENT_TIMESTAMP)")
            connection.exec_driver_sql("INSERT INTO credit_events (account_id, credits, occurred_at, source, "
                                       "message_id) VALUES (1, 0, CURRENT_TIMESTAMP, 'claude_code', 'msg_1')")
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE accounts SET quota = 100")  # back into 32 bits
        downgrade(blank_url, "0004")
        inspector = inspect(engine)
        assert {"alerts", "webhooks", "webhook_deliveries", "usage_import_files", "platform_readings"}.isdisjoint(
            inspector.get_table_names())
        assert "quota_unit" not in {column["name"] for column in inspector.get_columns("accounts")}
        with engine.connect() as connection:  # typed-in usage stays; imported usage goes with its columns
            assert connection.exec_driver_sql("SELECT credits FROM credit_events").all() == [(7,)]
    finally:
        engine.dispose()
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT quota_unit FROM accounts").one()[0] == "credits"
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_analytics_indexes_go_down_and_up_again_keeping_the_ledger(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO accounts (account_name, account_name_key) VALUES ('a', 'a')")
            connection.exec_driver_sql("INSERT INTO credit_events (account_id, credits, occurred_at) "
                                       "VALUES (1, 7, CURRENT_TIMESTAMP)")
        downgrade(blank_url, "0005")
        indexes = {index["name"] for index in inspect(engine).get_indexes("credit_events")}
        assert "ix_credit_events_occurred_at" in indexes
        assert {"ix_credit_events_occurred_at_credits", "ix_credit_events_project_id_occurred_at_credits"}.isdisjoint(
            indexes)
        session_indexes = {index["name"] for index in inspect(engine).get_indexes("sessions")}
        assert "ix_sessions_analytics_window" not in session_indexes
    finally:
        engine.dispose()
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT credits FROM credit_events").all() == [(7,)]
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_upgrading_a_database_in_use_keeps_its_rows(blank_url: str) -> None:
    """Altering a table other rows point at (accounts, under sessions and the ledger) keeps them all."""
    upgrade(blank_url, "0004")
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO accounts (account_name, quota) VALUES ('a', 100)")
            connection.exec_driver_sql("INSERT INTO projects (name) VALUES ('p')")
            connection.exec_driver_sql("INSERT INTO sessions (project_id, account_id, session_number, credits_used) "
                                       "VALUES (1, 1, 1, 7)")
            connection.exec_driver_sql("INSERT INTO credit_events (account_id, session_id, project_id, credits, "
                                       "occurred_at) VALUES (1, 1, 1, 7, CURRENT_TIMESTAMP)")
    finally:
        engine.dispose()
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT a.account_name, a.quota_unit, s.credits_used, e.credits, e.source FROM credit_events e "
                "JOIN sessions s ON s.id = e.session_id JOIN accounts a ON a.id = e.account_id").all() == [
                ("a", "credits", 7, 7, None)]
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_a_threshold_past_32_bits_is_kept_and_going_down_forgets_only_what_no_longer_fits(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO accounts (account_name, account_name_key, quota, quota_unit, "
                                       "rotate_threshold) VALUES ('week', 'week', 10000000000, 'tokens', "
                                       "9000000000), ('day', 'day', 100, 'credits', 90)")
            assert connection.exec_driver_sql("SELECT rotate_threshold FROM accounts ORDER BY id").all() == [
                (9_000_000_000,), (90,)]
    finally:
        engine.dispose()
    downgrade(blank_url, "0006")
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT rotate_threshold FROM accounts ORDER BY id").all() == [
                (None,), (90,)]
    finally:
        engine.dispose()


def test_live_events_go_down_and_up_again_and_their_ids_are_never_reused(blank_url: str) -> None:
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO live_events (kind, payload) VALUES ('a', '{}'), ('b', '{}')")
            connection.exec_driver_sql("DELETE FROM live_events")
            connection.exec_driver_sql("INSERT INTO live_events (kind, payload) VALUES ('c', '{}')")
            assert connection.exec_driver_sql("SELECT id, kind FROM live_events").all() == [(3, "c")]
    finally:
        engine.dispose()
    downgrade(blank_url, "0007")
    engine = make_engine(blank_url)
    try:
        assert "live_events" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgrade(blank_url)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        assert current_revision(engine) == head_revision()
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


def test_the_head_read_from_file_names_is_alembics_own_and_each_revision_is_its_number() -> None:
    from alembic.script import ScriptDirectory

    from paas.store.db import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
