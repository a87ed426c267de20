"""services.live.LiveFeed: what any process commits on the database reaches this server's subscribers."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.services import knowledge
from paas.services.live import LiveFeed
from paas.store.db import make_engine
from paas.store.unit import Database


def add(database: Database, title: str) -> int:
    return database.run(lambda session: knowledge.add_knowledge(session, category="pattern", title=title).id)


@pytest.fixture
def server(database_url: str, engine: Engine) -> Iterator[tuple[Database, LiveFeed]]:
    """Another process's Database (its own engine) and its feed."""
    database = Database(make_engine(database_url))
    feed = LiveFeed(database)
    yield database, feed
    feed.close()
    database.dispose()


def test_an_event_from_another_engine_arrives_within_a_second_once(engine: Engine,
                                                                   server: tuple[Database, LiveFeed]) -> None:
    database, feed = server
    add(Database(engine), "before the feed")  # not replayed
    heard: queue.Queue[dict[str, Any]] = queue.Queue()
    feed.subscribe(heard.put)
    started = time.monotonic()
    entry_id = add(Database(engine), "from elsewhere")
    first = heard.get(timeout=1.0)
    assert time.monotonic() - started < 1.0
    assert first == {"kind": "knowledge_changed", "entry_id": entry_id, "change": "added"}
    own = add(database, "from this process")  # comes the same way, once
    assert heard.get(timeout=1.0)["entry_id"] == own
    time.sleep(0.4)
    assert heard.empty()


def test_a_failing_subscriber_is_logged_and_skipped_and_unsubscribe_stops(
        engine: Engine, server: tuple[Database, LiveFeed], caplog: pytest.LogCaptureFixture) -> None:
    _, feed = server

    def broken(data: dict[str, Any]) -> None:
        raise ValueError("subscriber bug")

    heard: queue.Queue[dict[str, Any]] = queue.Queue()
    feed.subscribe(broken)
    stop = feed.subscribe(heard.put)
    with caplog.at_level(logging.ERROR, logger="paas.services.live"):
        add(Database(engine), "one")
        assert heard.get(timeout=1.0)["kind"] == "knowledge_changed"
    assert "live subscriber failed on knowledge_changed" in caplog.text
    stop()
    add(Database(engine), "two")
    time.sleep(0.5)
    assert heard.empty()


def test_close_stops_the_thread_within_a_second(server: tuple[Database, LiveFeed]) -> None:
    _, feed = server
    feed.subscribe(lambda data: None)
    assert feed.running
    started = time.monotonic()
    feed.close()
    assert not feed.running
    assert time.monotonic() - started < 1.0
