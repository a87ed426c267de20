"""Alerts as stored: at most one active alert per key (the partial unique index
``uq_alerts_active_key``), cleared ones kept as history (and for the cooldown).

A raise is an insert that may lose a race to another process raising the same key: the caller
runs it in a savepoint and treats the unique violation as "already raised". A clear is a
conditional update (``WHERE status = 'active'``) whose row count says whether this caller cleared
it, so two evaluators never both tell of one clear.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from paas.core.types import AdminState, AlertStatus, Page
from paas.store.records import paginate
from paas.store.schema import Account, Alert

ACTIVE = AlertStatus.ACTIVE.value
CLEARED = AlertStatus.CLEARED.value


def active_keys(session: Session) -> dict[str, int]:
    """key -> id of its active alert."""
    return {key: int(alert_id) for key, alert_id in session.execute(
        select(Alert.key, Alert.id).where(Alert.status == ACTIVE))}


def cleared_since(session: Session, keys: Iterable[str], since: datetime) -> dict[str, datetime]:
    """key -> when it was last cleared, for the keys cleared after ``since``."""
    wanted = sorted(set(keys))
    found: dict[str, datetime] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update({key: moment for key, moment in session.execute(
            select(Alert.key, func.max(Alert.cleared_at))
            .where(Alert.status == CLEARED, Alert.key.in_(chunk), Alert.cleared_at > since)
            .group_by(Alert.key)) if moment is not None})
    return found


def insert(session: Session, alert: Alert) -> Alert:
    session.add(alert)
    session.flush()
    return alert


def touch(session: Session, alert_ids: Iterable[int], now: datetime) -> None:
    ids = list(alert_ids)
    for start in range(0, len(ids), 500):
        session.execute(update(Alert).where(Alert.id.in_(ids[start:start + 500]), Alert.status == ACTIVE,
                                            Alert.last_seen_at < now).values(last_seen_at=now))


def clear(session: Session, alert_id: int, now: datetime) -> Alert | None:
    """Clear the alert if it is still active; the row when this call cleared it, else None."""
    result: Any = session.execute(update(Alert).where(Alert.id == alert_id, Alert.status == ACTIVE)
                                  .values(status=CLEARED, cleared_at=now)
                                  .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return session.get(Alert, alert_id, populate_existing=True)


def acknowledge(session: Session, alert_id: int, by: str, now: datetime) -> bool:
    """Mark the alert acknowledged unless it already is (a conditional update: the first one is kept);
    True when this call acknowledged it."""
    result: Any = session.execute(update(Alert).where(Alert.id == alert_id, Alert.acknowledged_at.is_(None))
                                  .values(acknowledged_at=now, acknowledged_by=by)
                                  .execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)


def get(session: Session, alert_id: int) -> Alert | None:
    return session.get(Alert, alert_id, populate_existing=True)


def newest_first(session: Session, *, status: str | None, limit: int, offset: int,
                 projects: Iterable[int] | None = None) -> Page[Alert]:
    """``projects``: only alerts of these projects, and those of none (the pool's)."""
    statement = select(Alert).order_by(Alert.raised_at.desc(), Alert.id.desc())
    if projects is not None:
        statement = statement.where(Alert.project_id.is_(None) | Alert.project_id.in_(sorted(projects)))
    if status is not None:
        statement = statement.where(Alert.status == status)
    return paginate(session, statement, limit, offset)


def disabled_reasons(session: Session) -> dict[int, str | None]:
    """account id -> why it is disabled, for the disabled accounts."""
    return {int(account_id): reason for account_id, reason in session.execute(
        select(Account.id, Account.disabled_reason).where(Account.admin_state == AdminState.DISABLED.value))}
