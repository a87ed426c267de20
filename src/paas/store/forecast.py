"""What a forecast reads: the accounts (with their unit), the recent spends of every account in one
time-bounded query, and the sessions in progress with their project's threshold override.

Credits used in each account's window come from ``store.accounts.usage_in_windows`` (through
``services.accounts.describe_accounts``), not from here: one definition of "used".
The spends query reads only the ledger's last hours (the ``occurred_at`` index): ``LOOKBACK``, or a
rolling window's length where that is longer, since a rolling window's spends come back one by one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from paas.core.quotas import WindowKind
from paas.core.types import SessionStatus
from paas.store.schema import Account, CreditEvent, Project, WorkSession

Spend = tuple[datetime, int]


def spends_since(account: Any, now: datetime, lookback: timedelta) -> datetime:
    """How far back an account's spends matter: ``lookback``, or its rolling window if longer."""
    if account.window_kind == WindowKind.ROLLING.value and account.window_hours:
        return now - max(lookback, timedelta(hours=int(account.window_hours)))
    return now - lookback


def recent_spends(session: Session, accounts: list[Any], now: datetime, lookback: timedelta, *,
                  skip_note: str | None = None) -> dict[int, list[Spend]]:
    """Per account: its (occurred_at, credits) after its own bound (``spends_since``) and up to ``now``,
    from one query over the earliest bound (zero-credit imported records left out, and rows whose
    note is ``skip_note``)."""
    if not accounts:
        return {}
    bounds = {int(account.id): spends_since(account, now, lookback) for account in accounts}
    earliest = min(bounds.values())
    statement = (select(CreditEvent.account_id, CreditEvent.occurred_at, CreditEvent.credits)
                 .where(CreditEvent.occurred_at > earliest, CreditEvent.occurred_at <= now, CreditEvent.credits > 0))
    if skip_note is not None:
        statement = statement.where(or_(CreditEvent.note.is_(None), CreditEvent.note != skip_note))
    rows = session.execute(statement)
    spends: dict[int, list[Spend]] = {}
    for account_id, occurred_at, credits in rows:
        bound = bounds.get(int(account_id))
        if bound is not None and occurred_at > bound:
            spends.setdefault(int(account_id), []).append((occurred_at, int(credits)))
    return spends


def sessions_in_progress(session: Session) -> list[Any]:
    """Rows of (id, session_number, project_id, project_name, account_id, account_name, credits_used,
    started_at, rotate_threshold_percent), by project name then start."""
    return list(session.execute(
        select(WorkSession.id, WorkSession.session_number, WorkSession.project_id, Project.name.label("project_name"),
               WorkSession.account_id, Account.account_name, WorkSession.credits_used, WorkSession.started_at,
               Project.rotate_threshold_percent)
        .join(Project, Project.id == WorkSession.project_id)
        .join(Account, Account.id == WorkSession.account_id)
        .where(WorkSession.status == SessionStatus.IN_PROGRESS.value)
        .order_by(Project.name, WorkSession.started_at, WorkSession.id)
    ))
