"""The live channel: a unit's domain events told to every process on the database, after commit.

The in-process ``EventBus`` hears only its own process; a dashboard must also hear the CLI, an
MCP server, a usage import and other ``paas serve`` processes. So the unit of work (``store.unit``)
writes its events into the database **in the same transaction, just before the commit**
(``record``): a rolled-back or retried attempt leaves nothing, a committed one is told once.

- SQLite: one ``live_events`` row per event (``kind`` and the JSON of ``event.as_dict()``).
  Writers are serialised (``BEGIN IMMEDIATE``) and ids never go back (AUTOINCREMENT), so ids are
  in commit order and a reader tailing ``id > last`` (``read_after``) misses nothing. The table
  is pruned inside the same insert: when a new id is a multiple of ``PRUNE_EVERY``, the rows
  ``KEEP`` ids behind it go (a reader more than ``KEEP`` events late has lost them; none is).
- PostgreSQL: ``pg_notify`` inside the transaction; PostgreSQL delivers it only on commit, in
  commit order. One notification per unit carrying the JSON list of its events' dicts; past
  ``PAYLOAD_BYTES`` the events are cut to their ``kind`` and integer ids (``"partial": true``),
  in as many notifications as that still takes. The channel is per schema (``paas_live_`` and
  ``current_schema()``), so two schemas on one server never hear each other. ``listen`` tails
  it from a dedicated connection. The table exists there too (one set of migrations) but stays
  empty.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, String, Text, delete, func, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from paas.core.events import Event
from paas.store.base import Base, UTCDateTime, utcnow

PRUNE_EVERY = 200
KEEP = 5000
PAYLOAD_BYTES = 7900  # PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
CHANNEL = "left('paas_live_' || current_schema(), 63)"  # a channel is an identifier: 63 bytes at most


class LiveEvent(Base):
    """One committed domain event, kept for the other processes tailing the table (SQLite)."""

    __tablename__ = "live_events"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused, even after a prune

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # JSON of event.as_dict()


def record(session: Session, events: Sequence[Event]) -> None:
    """Tell ``events`` to the other processes when ``session``'s transaction commits."""
    if not events:
        return
    told = [event.as_dict() for event in events]
    if session.get_bind().dialect.name == "postgresql":
        for payload in notify_payloads(told):
            session.execute(text(f"SELECT pg_notify({CHANNEL}, :payload)"), {"payload": payload})
        return
    now = utcnow()
    rows = [{"created_at": now, "kind": data["kind"], "payload": json.dumps(data)} for data in told]
    ids = session.scalars(insert(LiveEvent).returning(LiveEvent.id), rows).all()
    due = [new_id for new_id in ids if new_id % PRUNE_EVERY == 0]
    if due:
        session.execute(delete(LiveEvent).where(LiveEvent.id <= max(due) - KEEP))


def notify_payloads(told: list[dict[str, Any]]) -> list[str]:
    """The unit's events as NOTIFY payloads: one whole list if it fits, else cut-down events."""
    whole = json.dumps(told)
    if len(whole.encode()) <= PAYLOAD_BYTES:
        return [whole]
    payloads: list[str] = []
    chunk: list[dict[str, Any]] = []
    for data in (reduced(data) for data in told):
        if chunk and len(json.dumps([*chunk, data]).encode()) > PAYLOAD_BYTES:
            payloads.append(json.dumps(chunk))
            chunk = []
        chunk.append(data)
    payloads.append(json.dumps(chunk))
    return payloads


def reduced(data: dict[str, Any]) -> dict[str, Any]:
    """An event cut to what a reader needs to know what to reload: its kind and integer ids."""
    ids = {name: value for name, value in data.items()
           if (name == "id" or name.endswith("_id")) and isinstance(value, int) and not isinstance(value, bool)}
    return {"kind": data["kind"], **ids, "partial": True}


def latest_id(session: Session) -> int:
    """The newest event's id (0 when none): where a reader starts, so it replays nothing old."""
    return session.scalar(select(func.max(LiveEvent.id))) or 0


def read_after(session: Session, last_id: int, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
    """Up to ``limit`` events committed after ``last_id``, oldest first, as (id, event dict)."""
    rows = session.execute(select(LiveEvent.id, LiveEvent.payload).where(LiveEvent.id > last_id)
                           .order_by(LiveEvent.id).limit(limit))
    return [(row_id, json.loads(payload)) for row_id, payload in rows]


def listen(engine: Engine, *, timeout: float = 0.5) -> Generator[list[dict[str, Any]], None, None]:
    """PostgreSQL: the events of each committed unit, as they are told, from a connection of its own.

    The first batch, empty, comes once the LISTEN is in place (an event committed after it is
    heard); after that an empty batch comes at least every ``timeout`` seconds, so the caller can
    check whether to stop. The connection is thrown away (not pooled) when the caller stops or on
    an error, which is raised to the caller.
    """
    from psycopg import sql

    raw = engine.raw_connection()
    try:
        connection: Any = raw.driver_connection
        raw.rollback()  # the pool may hand it over inside a transaction; autocommit needs none
        connection.autocommit = True
        channel = connection.execute(f"SELECT {CHANNEL}").fetchone()[0]
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        yield []
        while True:
            for notify in connection.notifies(timeout=timeout):
                yield list(json.loads(notify.payload))
            yield []
    finally:
        raw.invalidate()
