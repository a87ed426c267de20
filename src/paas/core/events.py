"""Domain events: what changed, told after the change is committed.

Services publish an event inside the unit of work that makes the change
(``store.unit.publish``); the unit of work hands the events to the ``EventBus`` only after its
commit, so a subscriber never hears of work that was rolled back, and a transaction retried
after a lost race publishes once (the failed attempts' events go with their rollback).
Subscribers today are in-process (tests, the coming live dashboard and alerts); the events are
plain frozen dataclasses with ``kind`` and ``as_dict()`` so a door can send them as JSON.

What is computed is never an event: an account's window turning, or its credits left, follow
from the clock and the ledger, and a reader asks for them when it hears of a change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from threading import Lock
from typing import Any, ClassVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"

    def as_dict(self) -> dict[str, Any]:
        data = {field.name: _plain(getattr(self, field.name)) for field in fields(self)}
        return {"kind": self.kind, **data}


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class UsageRecorded(Event):
    """Credits appended to the ledger (a replayed idempotent request is not a new event)."""

    kind: ClassVar[str] = "usage_recorded"
    credit_event_id: int
    account_id: int
    session_id: int
    project_id: int
    credits: int
    overdrawn: int
    occurred_at: datetime


@dataclass(frozen=True)
class UsageImported(Event):
    """Usage read from an agent's logs (``paas usage import``) charged to an account: one event per
    account and import, however many records (``session_id``: the session in progress it went to)."""

    kind: ClassVar[str] = "usage_imported"
    account_id: int
    records: int
    credits: int
    session_id: int | None
    project_id: int | None
    occurred_at: datetime  # the newest record's time


@dataclass(frozen=True)
class SessionStarted(Event):
    kind: ClassVar[str] = "session_started"
    session_id: int
    project_id: int
    account_id: int
    session_number: int


@dataclass(frozen=True)
class SessionEnded(Event):
    kind: ClassVar[str] = "session_ended"
    session_id: int
    project_id: int
    account_id: int
    status: str


@dataclass(frozen=True)
class ProjectRotated(Event):
    kind: ClassVar[str] = "project_rotated"
    project_id: int
    from_account_id: int
    to_account_id: int
    ended_session_id: int | None
    new_session_id: int
    snapshot_id: int
    marked_exhausted: bool


@dataclass(frozen=True)
class AccountStateChanged(Event):
    """An account's stored state changed: created, edited, deleted, a limit reported, disabled or
    enabled by a person, marked exhausted by a rotation (``change`` says which)."""

    kind: ClassVar[str] = "account_state_changed"
    account_id: int
    change: str


@dataclass(frozen=True)
class AccountsImported(Event):
    """A batch of accounts created at once (one event, not one per row)."""

    kind: ClassVar[str] = "accounts_imported"
    account_ids: tuple[int, ...]


@dataclass(frozen=True)
class BriefingSaved(Event):
    kind: ClassVar[str] = "briefing_saved"
    snapshot_id: int
    project_id: int
    snapshot_type: str


@dataclass(frozen=True)
class ProjectChanged(Event):
    """A project was created, edited or deleted (``change``); its sessions have events of their own."""

    kind: ClassVar[str] = "project_changed"
    project_id: int
    change: str


@dataclass(frozen=True)
class KnowledgeChanged(Event):
    kind: ClassVar[str] = "knowledge_changed"
    entry_id: int
    change: str


Subscriber = Callable[[Event], None]
BatchSubscriber = Callable[[Sequence[Event]], None]


@dataclass(frozen=True)
class HandoffDelivered(Event):
    """A pending handoff briefing went into a new session (the Claude Code SessionStart hook)."""

    kind: ClassVar[str] = "handoff_delivered"
    handoff_id: int
    project_id: int


@dataclass(frozen=True)
class AlertRaised(Event):
    """A condition that needs a person began (``core.alerts``); one per condition while it holds."""

    kind: ClassVar[str] = "alert_raised"
    alert_id: int
    rule: str
    key: str
    severity: str
    message: str
    account_id: int | None
    project_id: int | None
    session_id: int | None


@dataclass(frozen=True)
class AlertCleared(Event):
    kind: ClassVar[str] = "alert_cleared"
    alert_id: int
    rule: str
    key: str


@dataclass(frozen=True)
class AlertAcknowledged(Event):
    """A person said they have seen an alert (it stays active until its condition ends)."""

    kind: ClassVar[str] = "alert_acknowledged"
    alert_id: int
    by: str


class EventBus:
    """In-process publish/subscribe. A subscriber that raises is logged and skipped: the work it
    hears of is already committed, so its failure must not turn the caller's answer into an error."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._batch_subscribers: list[BatchSubscriber] = []
        self._lock = Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add ``subscriber``; returns the function that removes it."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def subscribe_batch(self, subscriber: BatchSubscriber) -> Callable[[], None]:
        """Add ``subscriber``, told once per committed unit with all its events (after the
        per-event subscribers): for work worth doing once however many events a unit carried
        (alerts are evaluated once per commit). Returns the function that removes it."""
        with self._lock:
            self._batch_subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._batch_subscribers:
                    self._batch_subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, events: Iterable[Event]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
            batch_subscribers = list(self._batch_subscribers)
        told = list(events)
        for event in told:
            for subscriber in subscribers:
                try:
                    subscriber(event)
                except Exception:  # noqa: BLE001 - see the class docstring
                    log.exception("event subscriber failed on %s", event.kind)
        for batch_subscriber in batch_subscribers:
            try:
                batch_subscriber(told)
            except Exception:  # noqa: BLE001 - see the class docstring
                log.exception("event subscriber failed on %s", ", ".join(sorted({event.kind for event in told})))
