"""store.unit: the one unit of work publishes its events only after commit, once, on every backend."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from paas.core.events import Event, EventBus, KnowledgeChanged
from paas.store.schema import KnowledgeEntry
from paas.store.unit import Database, build_then_save, pending_events, publish, run_in_transaction, transaction


def entry(session: Any, title: str) -> KnowledgeEntry:
    row = KnowledgeEntry(category="pattern", title=title)
    session.add(row)
    session.flush()
    publish(session, KnowledgeChanged(entry_id=row.id, change="added"))
    return row


def listening(bus: EventBus) -> list[Event]:
    heard: list[Event] = []
    bus.subscribe(heard.append)
    return heard


def titles(engine: Engine) -> list[str]:
    with transaction(engine, write=False) as session:
        return list(session.scalars(select(KnowledgeEntry.title).order_by(KnowledgeEntry.id)))


def test_events_wait_for_the_commit(engine: Engine) -> None:
    bus = EventBus()
    seen_at_publish: list[list[str]] = []
    bus.subscribe(lambda event: seen_at_publish.append(titles(engine)))  # a fresh connection: committed rows only
    with transaction(engine, bus=bus) as session:
        entry(session, "first")
        assert [e.kind for e in pending_events(session)] == ["knowledge_changed"]
        assert seen_at_publish == []  # not before the commit
    assert seen_at_publish == [["first"]]  # and the subscriber already sees the committed row


def test_a_rolled_back_unit_publishes_nothing(engine: Engine) -> None:
    bus = EventBus()
    heard = listening(bus)
    with pytest.raises(RuntimeError), transaction(engine, bus=bus) as session:
        entry(session, "doomed")
        raise RuntimeError("the work failed after publishing")
    assert heard == []
    assert titles(engine) == []


def test_a_retried_unit_publishes_once(engine: Engine) -> None:
    bus = EventBus()
    heard = listening(bus)
    attempts: list[int] = []

    def work(session: Any) -> int:
        attempts.append(1)
        row = entry(session, f"try {len(attempts)}")
        if len(attempts) == 1:  # lose a race once, after publishing
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))
        return row.id

    entry_id = run_in_transaction(engine, work, bus=bus)
    assert len(attempts) == 2
    assert heard == [KnowledgeChanged(entry_id=entry_id, change="added")]
    assert titles(engine) == ["try 2"]


def test_a_failing_subscriber_neither_fails_the_work_nor_silences_others(engine: Engine,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus()

    def broken(event: Event) -> None:
        raise ValueError("subscriber bug")

    bus.subscribe(broken)
    heard = listening(bus)
    with caplog.at_level(logging.ERROR, logger="paas.core.events"):
        Database(engine, bus).run(lambda session: entry(session, "kept"))
    assert titles(engine) == ["kept"]
    assert [event.kind for event in heard] == ["knowledge_changed"]
    assert "event subscriber failed on knowledge_changed" in caplog.text


def test_unsubscribe_stops_delivery(engine: Engine) -> None:
    bus = EventBus()
    heard: list[Event] = []
    stop = bus.subscribe(heard.append)
    database = Database(engine, bus)
    database.run(lambda session: entry(session, "one"))
    stop()
    database.run(lambda session: entry(session, "two"))
    assert len(heard) == 1


def test_a_read_unit_still_publishes_after_it_ends(engine: Engine) -> None:
    # Reads rarely publish, but the rule is the same: after the transaction ends, not during it.
    bus = EventBus()
    heard = listening(bus)
    database = Database(engine, bus)
    database.read(lambda session: publish(session, KnowledgeChanged(entry_id=0, change="probe")))
    assert heard == [KnowledgeChanged(entry_id=0, change="probe")]


def test_build_then_save_builds_once_and_saves_in_a_write(engine: Engine) -> None:
    database = Database(engine)
    builds: list[int] = []
    saves: list[int] = []

    def build(session: Any) -> str:
        builds.append(1)
        return "built outside the write"

    def save(session: Any, title: str) -> int:
        saves.append(1)
        row = entry(session, title)
        if len(saves) == 1:
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))
        return row.id

    database.build_then_save(build, save)
    assert (len(builds), len(saves)) == (1, 2)  # a lost race repeats the save, never the build
    assert titles(engine) == ["built outside the write"]
    assert build_then_save(database.read, database.run, lambda s: "again", lambda s, t: entry(s, t).title) == "again"


def test_events_as_json() -> None:
    event = KnowledgeChanged(entry_id=3, change="added")
    assert event.as_dict() == {"kind": "knowledge_changed", "entry_id": 3, "change": "added"}

