"""The database as a door opens it: the one unit of work and the schema's state, from the settings.

Doors (API, CLI, and the MCP and web doors to come) never import ``store``: they open a
``Database`` here (``store.unit.Database``: ``unit`` / ``read`` / ``run`` / ``build_then_save``,
domain events published after commit), call services inside it, and subscribe to its bus.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from paas.config import Settings
from paas.store import db
from paas.store.unit import Database, Transaction

__all__ = ["Database", "Transaction", "backend", "display_url", "migrate", "open_database", "schema_is_current"]


def engine_for(settings: Settings) -> Engine:
    timeouts = db.Timeouts(connect_seconds=settings.pg_connect_timeout_seconds, lock_ms=settings.pg_lock_timeout_ms,
                           statement_ms=settings.pg_statement_timeout_ms,
                           pool_seconds=settings.db_pool_timeout_seconds)
    return db.make_engine(settings.effective_database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms,
                          timeouts=timeouts)


def open_database(settings: Settings, engine: Engine | None = None,
                  clock: Callable[[], datetime] | None = None) -> Database:
    """The configured database (or one on ``engine``), with a fresh event bus that evaluates the
    alerts after each commit that can change them (``services.alerts.watch``, at ``clock``'s time)."""
    from paas.services import alerts

    database = Database(engine if engine is not None else engine_for(settings))
    alerts.watch(database, alerts.rules_from(settings), clock or _system_clock)
    return database


def _system_clock() -> datetime:
    return datetime.now(UTC)


def migrate(settings: Settings) -> None:
    """Create the database or bring it to the latest schema (Alembic, shipped in the package)."""
    db.upgrade(settings.effective_database_url)


def schema_is_current(database: Database) -> tuple[bool, str | None, str | None]:
    """(current?, the database's revision, the code's revision)."""
    current, head = db.current_revision(database.engine), db.head_revision()
    return current == head, current, head


def backend(session: Session) -> str:
    """Round-trip to the database; its backend's name (``sqlite``, ``postgresql``)."""
    return db.ping(session)


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return db.display_url(url)
