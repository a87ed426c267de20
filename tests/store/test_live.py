"""store.live: a unit's events reach another engine on the same database once, and only if it committed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paas.core.events import AccountsImported, KnowledgeChanged
from paas.store import live
from paas.store.db import make_engine, upgrade
from paas.store.live import LiveEvent
from paas.store.schema import KnowledgeEntry
from paas.store.unit import Database, publish, run_in_transaction, transaction
from tests.conftest import drop_pg_schema, pg_url_in_schema, reset_pg_schema


def entry(session: Session, title: str) -> int:
    row = KnowledgeEntry(category="pattern", title=title)
    session.add(row)
    session.flush()
    publish(session, KnowledgeChanged(entry_id=row.id, change=title))
    return row.id


class Tail:
    """What another process on the database hears: its own engine, tailing from now on."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.batches: Generator[list[dict[str, Any]], None, None] | None = None
        self.last = 0
        if self.engine.dialect.name == "postgresql":
            self.batches = live.listen(self.engine, timeout=0.05)
            assert next(self.batches) == []  # the LISTEN is in place
        else:
            with transaction(self.engine, write=False) as session:
                self.last = live.latest_id(session)

    def heard(self, expect: int = 0, within: float = 1.0) -> list[dict[str, Any]]:
        """Everything told until ``expect`` events came (or ``within`` s), and a short while more."""
        told: list[dict[str, Any]] = []
        deadline = time.monotonic() + within
        while len(told) < expect and time.monotonic() < deadline:
            told += self._read()
        settle = time.monotonic() + 0.15  # anything told twice would come now
        while time.monotonic() < settle:
            told += self._read()
        return told

    def _read(self) -> list[dict[str, Any]]:
        if self.batches is not None:
            return next(self.batches)
        with transaction(self.engine, write=False) as session:
            rows = live.read_after(session, self.last, 1000)
        if rows:
            self.last = rows[-1][0]
        time.sleep(0.02)
        return [data for _, data in rows]

    def close(self) -> None:
        if self.batches is not None:
            self.batches.close()
        self.engine.dispose()


@pytest.fixture
def other(database_url: str, engine: Engine) -> Iterator[Tail]:
    tail = Tail(database_url)
    yield tail
    tail.close()


def test_a_committed_unit_is_heard_by_another_engine_once_in_order(engine: Engine, other: Tail) -> None:
    started = time.monotonic()
    with transaction(engine) as session:
        first, second = entry(session, "one"), entry(session, "two")
    with transaction(engine) as session:
        third = entry(session, "three")
    told = other.heard(expect=3)
    assert told == [{"kind": "knowledge_changed", "entry_id": first, "change": "one"},
                    {"kind": "knowledge_changed", "entry_id": second, "change": "two"},
                    {"kind": "knowledge_changed", "entry_id": third, "change": "three"}]
    assert time.monotonic() - started < 1.5


def test_a_rolled_back_unit_tells_nothing(engine: Engine, other: Tail) -> None:
    with pytest.raises(RuntimeError), transaction(engine) as session:
        entry(session, "doomed")
        raise RuntimeError("the work failed after publishing")
    with transaction(engine) as session:
        kept = entry(session, "kept")
    assert other.heard(expect=1) == [{"kind": "knowledge_changed", "entry_id": kept, "change": "kept"}]


def test_a_retried_unit_tells_once(engine: Engine, other: Tail) -> None:
    attempts: list[int] = []

    def work(session: Session) -> int:
        attempts.append(1)
        entry_id = entry(session, f"try {len(attempts)}")
        if len(attempts) == 1:  # lose a race once, after publishing
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))
        return entry_id

    entry_id = run_in_transaction(engine, work)
    assert len(attempts) == 2
    assert other.heard(expect=1) == [{"kind": "knowledge_changed", "entry_id": entry_id, "change": "try 2"}]


def test_read_units_and_units_without_events_tell_nothing(engine: Engine, other: Tail) -> None:
    database = Database(engine)
    database.read(lambda session: publish(session, KnowledgeChanged(entry_id=0, change="probe")))
    database.run(lambda session: session.add(KnowledgeEntry(category="pattern", title="quiet")))
    assert other.heard(within=0.3) == []
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(LiveEvent)) == 0


def test_a_unit_too_big_for_one_notification_is_told_whole_or_by_its_ids(engine: Engine, other: Tail) -> None:
    long = "x" * 250
    with transaction(engine) as session:
        ids = [entry(session, f"{number} {long}") for number in range(60)]  # ~17 kB of events
    told = other.heard(expect=60)
    assert [data["entry_id"] for data in told] == ids
    assert {data["kind"] for data in told} == {"knowledge_changed"}
    if engine.dialect.name == "postgresql":  # NOTIFY: cut to the kind and ids
        assert told[0] == {"kind": "knowledge_changed", "entry_id": ids[0], "partial": True}
    else:  # the table keeps whole events
        assert told[0]["change"] == f"0 {long}"


def test_notification_payloads_stay_under_postgresqls_limit() -> None:
    small = [KnowledgeChanged(entry_id=1, change="added").as_dict()]
    assert live.notify_payloads(small) == [json.dumps(small)]
    huge = [AccountsImported(account_ids=tuple(range(5000))).as_dict()] + [
        KnowledgeChanged(entry_id=number, change="y" * 100).as_dict() for number in range(2000)]
    payloads = live.notify_payloads(huge)
    assert len(payloads) > 1
    assert all(len(payload.encode()) <= live.PAYLOAD_BYTES for payload in payloads)
    told = [data for payload in payloads for data in json.loads(payload)]
    assert told[0] == {"kind": "accounts_imported", "partial": True}  # a list of ids is not an id
    assert [data["entry_id"] for data in told[1:]] == list(range(2000))


def test_pruning_keeps_the_table_bounded_and_the_newest_events(engine: Engine, other: Tail,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "PRUNE_EVERY", 10)
    monkeypatch.setattr(live, "KEEP", 25)
    database = Database(engine)
    told: list[dict[str, Any]] = []
    for number in range(120):
        database.run(lambda session, number=number: entry(session, f"entry {number}"))
        if number % 10 == 9:  # a reader keeping up loses nothing to the pruning
            told += other.heard(expect=10)
    with transaction(engine, write=False) as session:
        kept = list(session.scalars(select(LiveEvent.id).order_by(LiveEvent.id)))
        newest = live.latest_id(session)
    if engine.dialect.name == "postgresql":
        assert kept == [] and newest == 0  # NOTIFY: nothing kept
    else:
        assert 25 <= len(kept) <= 35
        assert kept == list(range(kept[0], 121))
    assert [data["change"] for data in told] == [f"entry {number}" for number in range(120)]


def test_another_schema_or_database_is_not_heard(engine: Engine, other: Tail, tmp_path: Path) -> None:
    postgresql = engine.dialect.name == "postgresql"
    schema = f"paas_live_elsewhere_{os.getpid()}"  # PostgreSQL: a schema beside this run's, on one server
    if postgresql:
        reset_pg_schema(schema)
    elsewhere_url = pg_url_in_schema(schema) if postgresql else f"sqlite:///{tmp_path / 'elsewhere.db'}"
    try:
        upgrade(elsewhere_url)
        elsewhere = make_engine(elsewhere_url)
        try:
            with transaction(elsewhere) as session:
                entry(session, "elsewhere")
        finally:
            elsewhere.dispose()
        with transaction(engine) as session:
            here = entry(session, "here")
        assert other.heard(expect=1) == [{"kind": "knowledge_changed", "entry_id": here, "change": "here"}]
    finally:
        if postgresql:
            drop_pg_schema(schema)
