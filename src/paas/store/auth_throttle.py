"""Failed authentications per key (``auth_throttle``), shared by every server process.

A key's row is made on its first failure (an insert that ignores a row another process has
just made), then read ``FOR UPDATE`` (SQLite: the write transaction's lock) and rewritten, so
concurrent failures from several processes all count. Rows with nothing left to remember are
deleted as failures come in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from paas.core.auth_throttle import FailureCount
from paas.store.access_tables import AuthThrottle
from paas.store.base import UTCDateTime

# Built once (the check runs on every authenticated request): a Core statement on the table, no ORM.
_THROTTLE = AuthThrottle.__table__
BLOCKS = (select(_THROTTLE.c.key, _THROTTLE.c.blocked_until)
          .where(_THROTTLE.c.key.in_(bindparam("keys", expanding=True)),
                 _THROTTLE.c.blocked_until > bindparam("now", type_=UTCDateTime)))


def blocks(session: Session, keys: Sequence[str], now: datetime) -> dict[str, datetime]:
    """Those of ``keys`` blocked at ``now``, and until when (a primary-key lookup)."""
    rows = session.connection().execute(BLOCKS, {"keys": list(keys), "now": now})
    return {key: until for key, until in rows if until is not None}


def locked_count(session: Session, key: str, now: datetime) -> FailureCount:
    """``key``'s count, locked for this transaction (its row made first if missing: no failures,
    a window starting at ``now``)."""
    dialect = session.get_bind().dialect.name
    values = {"key": key, "failures": 0, "window_started_at": now}
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(insert(AuthThrottle).values(**values).on_conflict_do_nothing(index_elements=["key"]))
    elif session.get(AuthThrottle, key) is None:  # pragma: no cover - both supported databases upsert
        session.add(AuthThrottle(**values))
        session.flush()
    row = session.scalars(select(AuthThrottle).where(AuthThrottle.key == key).with_for_update()
                          .execution_options(populate_existing=True)).one()
    return FailureCount(failures=row.failures, window_started_at=row.window_started_at, blocked_until=row.blocked_until)


def save_count(session: Session, key: str, count: FailureCount) -> None:
    row = session.get(AuthThrottle, key)
    assert row is not None, "locked_count makes the row first"
    row.failures, row.window_started_at = count.failures, count.window_started_at
    row.blocked_until = count.blocked_until


def forget_stale(session: Session, now: datetime, window_start: datetime) -> None:
    """Delete the rows whose window began at or before ``window_start`` (it is over) and that block
    nothing at ``now``."""
    session.execute(delete(AuthThrottle).where(
        AuthThrottle.window_started_at <= window_start,
        or_(AuthThrottle.blocked_until.is_(None), AuthThrottle.blocked_until <= now)))
