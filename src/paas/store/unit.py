"""The one unit of work: every door reaches the database through here.

- ``transaction(engine, write=..., bus=...)``: one attempt. Commits when the block ends, rolls
  back if it raises. ``write=False`` opens a deferred (read) transaction on SQLite, so readers
  never wait for the write lock; on PostgreSQL both are the same. Services never commit.
- ``run_in_transaction(engine, work, ...)``: the same, retried when it lost a race that a fresh
  attempt will see the result of (a busy lock, a serialization failure or deadlock, a unique
  index another transaction just filled), with a short jittered back-off.
- Events: services call ``publish(session, event)`` during the work; the events wait on the
  session and go to the bus only **after the commit** — none from a rollback, and a retried
  transaction publishes once (the failed attempt's events are dropped with its rollback).
  A write unit also records them for the other processes in its own transaction, just before
  the commit (``store.live``: a table on SQLite, NOTIFY on PostgreSQL).
- ``Database``: what a door holds (engine + bus), with ``unit`` (a context manager, for the
  API's per-request dependency), ``read`` and ``run`` (retried write). ``build_then_save`` is the
  pattern for a slow step (a briefing, a model call) meeting a write: build it in a read
  transaction (or none), then save it in a short, retried write, so the write lock is held only
  to decide and save.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from paas.core.events import Event, EventBus
from paas.store import live, writers

T = TypeVar("T")
B = TypeVar("B")
EVENTS = "paas_events"  # the session.info key where a unit's events wait for its commit
ATTEMPTS = 8


class Transaction(Protocol):
    """Runs ``work`` in a transaction and returns its result (``Database.read`` / ``Database.run``)."""

    def __call__(self, work: Callable[[Session], T], /) -> T: ...


def publish(session: Session, event: Event) -> None:
    """Publish ``event`` when the unit of work that ``session`` belongs to commits."""
    session.info.setdefault(EVENTS, []).append(event)


def pending_events(session: Session) -> list[Event]:
    """What ``session``'s unit will publish at commit (for tests and diagnostics)."""
    return list(session.info.get(EVENTS, ()))


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A step that may fail without failing the unit: on an error, what it wrote is rolled back
    to a savepoint and the events it published are dropped; the error goes on to the caller."""
    mark = len(session.info.get(EVENTS, ()))
    nested = session.begin_nested()
    try:
        yield
    except BaseException:
        nested.rollback()
        del session.info.setdefault(EVENTS, [])[mark:]
        raise
    nested.commit()


@contextmanager
def transaction(engine: Engine, *, write: bool = True, bus: EventBus | None = None,
                wait: bool = True) -> Iterator[Session]:
    """``wait=False``: fail at once (``OperationalError``) rather than queue for a lock (``store.db``)."""
    options = ({} if write else {"paas_write": False}) | ({} if wait else {"paas_wait": False})
    bind = engine.execution_options(**options) if options else engine
    session = Session(bind=bind, expire_on_commit=False, autoflush=True, info={EVENTS: []})
    queue = writers.queue_of(engine) if write and wait else None
    if queue is not None:  # SQLite: this process's writers queue here, not in the busy handler
        writers.wait_turn(session, queue)
    try:
        yield session
        if write and session.info.get(EVENTS):  # other processes hear them too, from this commit
            live.record(session, session.info[EVENTS])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        events = session.info.pop(EVENTS, [])
        session.close()
        writers.release(session)
    if bus is not None and events:
        bus.publish(events)


RETRYABLE_CONSTRAINTS = ("uq_sessions_account_id_in_progress", "uq_sessions_project_id_session_number",
                         "uq_idempotent_requests_scope_key", "uq_credit_events_idempotency_key")


def is_retryable(error: BaseException) -> bool:
    """Lost a race that a fresh attempt will see the result of."""
    if isinstance(error, OperationalError):
        text_of = str(error.orig).lower()
        return any(word in text_of for word in ("locked", "busy", "deadlock", "could not serialize"))
    if isinstance(error, IntegrityError):
        return any(name in str(error.orig) for name in RETRYABLE_CONSTRAINTS)
    return False


def run_in_transaction(engine: Engine, work: Callable[[Session], T], *, attempts: int = ATTEMPTS,
                       bus: EventBus | None = None) -> T:
    """``work`` in a write transaction, retried on a lost race."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction(engine, bus=bus) as session:
                return work(session)
        except (OperationalError, IntegrityError) as error:
            if attempt == attempts or not is_retryable(error):
                raise
            time.sleep(random.uniform(0.005, 0.02) * attempt)
    raise AssertionError("unreachable")


def build_then_save(read: Transaction, run: Transaction, build: Callable[[Session], B],
                    save: Callable[[Session, B], T]) -> T:
    """``build`` in a read transaction (the slow part, no write lock held), then ``save`` what it
    built in a short write one (``run`` retries a lost race without building again)."""
    built = read(build)
    return run(lambda session: save(session, built))


class Database:
    """The engine and the event bus a door works with: the one way in."""

    def __init__(self, engine: Engine, bus: EventBus | None = None) -> None:
        self.engine = engine
        self.bus = bus if bus is not None else EventBus()

    @contextmanager
    def unit(self, *, write: bool = True, wait: bool = True) -> Iterator[Session]:
        """One attempt, for a caller that cannot repeat its work (the API's per-request session);
        ``wait=False``: bookkeeping that gives up rather than queue behind another writer."""
        with transaction(self.engine, write=write, bus=self.bus, wait=wait) as session:
            yield session

    def read(self, work: Callable[[Session], T]) -> T:
        with transaction(self.engine, write=False, bus=self.bus) as session:
            return work(session)

    def run(self, work: Callable[[Session], T]) -> T:
        return run_in_transaction(self.engine, work, bus=self.bus)

    def build_then_save(self, build: Callable[[Session], B], save: Callable[[Session, B], T]) -> T:
        return build_then_save(self.read, self.run, build, save)

    def dispose(self) -> None:
        self.engine.dispose()
