"""One writer at a time per SQLite engine, queued in the process instead of in SQLite's busy handler.

SQLite has one write lock per file. A ``BEGIN IMMEDIATE`` that finds it taken does not queue: its
busy handler sleeps and polls (1, 2, 5 ... then 100 ms at a time), so under concurrent writes a
writer sleeps on long after the lock came free, and a request's p99 grew to seconds while the
lock itself was held for milliseconds. Write units of one process therefore take a turn on a
lock here first (``store.unit.transaction``), lazily, when the unit's first statement begins its
transaction (a unit that never touches the database never queues), and hand it on at commit or
rollback: in-process writers wait on a lock that wakes them the moment it is free, and SQLite's
busy handler is left to arbitrate between processes only.

A turn not had within ``TURN_WAIT_SECONDS`` goes on without one, to SQLite's own busy timeout
(the behaviour before this queue). PostgreSQL locks rows, not the database: no queue there.
"""

from __future__ import annotations

import threading
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction

TURN = "paas_writer_turn"  # session.info key: the queue to take a turn on, then the lock once held
TURN_WAIT_SECONDS = 5.0

_queues: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_guard = threading.Lock()


def queue_of(engine: Engine) -> threading.Lock | None:
    """The engine's writer queue (None: not SQLite, writers need none)."""
    if engine.dialect.name != "sqlite":
        return None
    with _guard:
        return _queues.setdefault(engine, threading.Lock())


def wait_turn(session: Session, queue: threading.Lock) -> None:
    """Make ``session``'s first transaction take a turn on ``queue`` (released by ``release``)."""
    session.info[TURN] = queue


def release(session: Session) -> None:
    """Hand the turn on (after the commit or rollback; safe when none was taken)."""
    held = session.info.pop(TURN, None)
    if isinstance(held, _Held):
        held.lock.release()


class _Held:
    __slots__ = ("lock",)

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock


@event.listens_for(Session, "after_transaction_create")
def _take_turn(session: Session, transaction: SessionTransaction) -> None:
    # The root transaction is created just before the first statement procures a connection and
    # the engine's "begin" runs BEGIN IMMEDIATE: the turn is taken right then, once per unit.
    queue: Any = session.info.get(TURN)
    if transaction.parent is None and isinstance(queue, type(_guard)):
        if queue.acquire(timeout=TURN_WAIT_SECONDS):
            session.info[TURN] = _Held(queue)
        else:
            session.info.pop(TURN, None)  # waited long enough: SQLite's busy timeout decides
