"""The credit ledger: append-only ``credit_events``, the source of every "credits used" figure.

Rows are only ever inserted. An idempotency key makes a retried write a no-op: the first
row with that key is returned instead of a second one being added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.store.records import driver_insert_many
from paas.store.schema import CreditEvent


def find_by_key(session: Session, idempotency_key: str) -> CreditEvent | None:
    return session.scalars(select(CreditEvent).where(CreditEvent.idempotency_key == idempotency_key)).first()


def append(session: Session, event: CreditEvent) -> CreditEvent:
    session.add(event)
    session.flush()
    return event


def credits_used(session: Session, *, since: datetime | None = None, account_id: int | None = None,
                 project_id: int | None = None, session_id: int | None = None) -> int:
    statement = select(func.coalesce(func.sum(CreditEvent.credits), 0))
    if since is not None:
        statement = statement.where(CreditEvent.occurred_at >= since)
    if account_id is not None:
        statement = statement.where(CreditEvent.account_id == account_id)
    if project_id is not None:
        statement = statement.where(CreditEvent.project_id == project_id)
    if session_id is not None:
        statement = statement.where(CreditEvent.session_id == session_id)
    return int(session.scalar(statement) or 0)


def append_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many events (column dicts) with one executemany; no ids come back."""
    if rows:
        driver_insert_many(session, CreditEvent.__table__, rows)


def has_events(session: Session, account_id: int) -> bool:
    """Whether anything was ever spent on the account (its unit then cannot change)."""
    return session.scalar(select(CreditEvent.id).where(CreditEvent.account_id == account_id).limit(1)) is not None
