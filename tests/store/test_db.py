"""store.db and the UTCDateTime column type: engines tuned per backend, one transaction per unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Engine, column, func, select, table, text
from sqlalchemy.exc import OperationalError, StatementError

from paas.store.db import current_revision, head_revision, make_engine, upgrade
from paas.store.schema import Project
from paas.store.unit import transaction


def pragma(engine: Engine, name: str) -> object:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_engine_sets_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}", busy_timeout_ms=1234)
    try:
        assert str(pragma(engine, "journal_mode")).lower() == "wal"
        assert pragma(engine, "foreign_keys") == 1
        assert pragma(engine, "busy_timeout") == 1234
    finally:
        engine.dispose()


def test_sqlite_engine_creates_the_database_folder(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "paas.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        assert path.parent.is_dir()
    finally:
        engine.dispose()


def test_sqlite_write_transactions_take_the_lock_at_their_start_and_reads_do_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locks.db'}"
    upgrade(url)
    holder, impatient = make_engine(url), make_engine(url, busy_timeout_ms=0)
    try:
        with transaction(holder) as writing:
            writing.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is now held
            with transaction(impatient, write=False) as reading:
                assert reading.scalar(select(func.count()).select_from(Project)) == 0
            with pytest.raises(OperationalError, match="locked"), transaction(impatient) as second_writer:
                second_writer.execute(text("SELECT 1"))
    finally:
        holder.dispose()
        impatient.dispose()


def test_upgrade_brings_a_blank_database_to_the_head_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    engine = make_engine(url)
    try:
        assert current_revision(engine) is None
        upgrade(url)
        assert current_revision(engine) == head_revision() is not None
    finally:
        engine.dispose()


def test_transaction_commits_when_the_block_ends(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Project(name="kept"))
    with transaction(engine, write=False) as session:
        assert session.scalars(select(Project.name)).all() == ["kept"]


def test_transaction_rolls_back_when_the_block_raises(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="boom"), transaction(engine) as session:
        session.add(Project(name="lost"))
        session.flush()
        raise RuntimeError("boom")
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_aware_datetimes_round_trip_as_aware_utc(engine: Engine) -> None:
    at_plus_five = datetime(2026, 11, 25, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5)))
    with transaction(engine) as session:
        session.add(Project(name="timed", created_at=at_plus_five))
    with transaction(engine, write=False) as session:
        stored = session.scalars(select(Project.created_at)).one()
    assert stored == at_plus_five
    assert stored.tzinfo == UTC
    assert stored == datetime(2026, 11, 25, 7, 30, 15, 123456, tzinfo=UTC)


def test_datetimes_are_stored_as_naive_utc_wall_time(engine: Engine) -> None:
    minus_two = timezone(-timedelta(hours=2))
    with transaction(engine) as session:
        session.add(Project(name="timed", created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=minus_two)))
    raw = select(column("created_at", DateTime)).select_from(table("projects"))
    with engine.connect() as connection:
        assert connection.execute(raw).scalar() == datetime(2026, 1, 2, 5, 4, 5)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime") as raised, transaction(engine) as session:
        session.add(Project(name="naive", created_at=datetime(2026, 11, 25, 12, 0)))
        session.flush()
    assert isinstance(raised.value.orig, ValueError)
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0
