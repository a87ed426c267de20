"""Accounts: the pool of AI seats and keys a person holds. Names are unique; credentials are
stored only encrypted. Rows are turned into ``core.quotas`` values here (``quota_of``), and the
ledger is summed per account inside each account's own window (``usage_in_windows``): one
grouped query per distinct window definition, however many accounts share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from paas.core.names import name_key
from paas.core.quotas import Quota, QuotaWindow, WindowKind
from paas.core.types import SessionStatus
from paas.store.base import utcnow
from paas.store.records import driver_insert_many
from paas.store.schema import Account, CreditEvent, HandoffQueueItem, WorkSession

WindowSpec = tuple[str, str, str, int]


def find_by_name(session: Session, name: str) -> Account | None:
    """The account named ``name`` in any case or Unicode form (names are unique on ``name_key``)."""
    return session.scalars(select(Account).where(Account.account_name_key == name_key(name))).first()


def existing_names(session: Session, names: Iterable[str]) -> set[str]:
    """Those of ``names`` an account already has, in any case or Unicode form."""
    by_key = {name_key(name): name for name in names}
    wanted = list(by_key)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        found.update(by_key[key] for key in session.scalars(
            select(Account.account_name_key).where(Account.account_name_key.in_(chunk))))
    return found


def insert_many(session: Session, rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Insert rows with one executemany; returns (id, name) in the rows' order.

    Ids are read back by the (unique) names: an ordered RETURNING makes SQLAlchemy fall back to
    one statement per row on SQLite, ten times slower for a 10,000-row import.
    """
    if not rows:
        return []
    stamp = utcnow()
    driver_insert_many(session, Account.__table__, [
        {"created_at": stamp, "updated_at": stamp, **row, "account_name_key": name_key(row["account_name"])}
        for row in rows])
    names = [row["account_name"] for row in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(names), 900):
        chunk = names[start:start + 900]
        ids.update({name: account_id for account_id, name in session.execute(
            select(Account.id, Account.account_name).where(Account.account_name.in_(chunk)))})
    return [(ids[name], name) for name in names]


def _by_name(statement: Any, platform: str | None, enabled_only: bool) -> Any:
    """Accounts in name order, of one platform and/or enabled only when asked."""
    statement = statement.order_by(Account.account_name, Account.id)
    if platform:
        statement = statement.where(Account.platform == platform)
    if enabled_only:
        statement = statement.where(Account.admin_state == "enabled")
    return statement


def all_accounts(session: Session, *, platform: str | None = None, enabled_only: bool = False) -> list[Account]:
    return list(session.scalars(_by_name(select(Account), platform, enabled_only)))


DESCRIBED_COLUMNS = (
    Account.id, Account.account_name, Account.platform, Account.specialization, Account.tags, Account.quota,
    Account.window_kind, Account.window_reset_at, Account.window_timezone, Account.window_hours,
    Account.rotate_threshold, Account.admin_state, Account.throttled_until, Account.exhausted_until,
    Account.last_used_at, Account.quota_unit,
)


def account_rows(session: Session, *, platform: str | None = None, enabled_only: bool = False) -> list[Any]:
    """Accounts as plain rows of the columns describing them needs (no ORM objects: selection and
    statistics read thousands and change none); ``quota_of``, ``window_spec`` and
    ``usage_in_windows`` accept them like accounts."""
    return list(session.execute(_by_name(select(*DESCRIBED_COLUMNS), platform, enabled_only)))


def selectable_rows(session: Session, now: datetime, *, platform: str | None = None,
                    exclude: Iterable[int] = ()) -> list[Any]:
    """``account_rows`` of the accounts that may take work at ``now`` as far as their own row and the
    leases tell: enabled, not throttled or reported exhausted until later, not leased to a session in
    progress (the partial unique index on sessions answers that), not in ``exclude``. Selection's hard
    filters that need no ledger, applied in SQL so that a pool of 10,000 loads only its free part;
    credits left are the ledger's, checked in core (``core.selection.eligible``)."""
    leased = select(WorkSession.id).where(WorkSession.account_id == Account.id,
                                          WorkSession.status == SessionStatus.IN_PROGRESS.value)
    statement = select(*DESCRIBED_COLUMNS).where(
        Account.admin_state == "enabled",
        or_(Account.throttled_until.is_(None), Account.throttled_until <= now),
        or_(Account.exhausted_until.is_(None), Account.exhausted_until <= now),
        ~leased.exists())
    if platform:
        statement = statement.where(Account.platform == platform)
    excluded = list(exclude)
    if excluded:
        statement = statement.where(Account.id.not_in(excluded))
    return list(session.execute(statement))


def quota_of(account: Account) -> Quota:
    window = _window(account.window_kind, account.window_reset_at, account.window_timezone, account.window_hours)
    return Quota(credits=account.quota, window=window, rotate_threshold=account.rotate_threshold)


def window_of(account: Account) -> QuotaWindow:
    """The account's window alone (one shared object per setting)."""
    return _window(account.window_kind, account.window_reset_at, account.window_timezone, account.window_hours)


@lru_cache(maxsize=4096)
def _window(kind: str, reset_at: str, timezone: str, hours: int | None) -> QuotaWindow:
    """Accounts mostly share a handful of window settings: one immutable window object each."""
    hour, minute = (int(part) for part in reset_at.split(":"))
    return QuotaWindow(kind=WindowKind(kind), reset_at=time(hour, minute), timezone=timezone,
                       hours=hours if hours is not None else 24)  # the column's default


def window_spec(account: Account) -> WindowSpec:
    return (account.window_kind, account.window_reset_at, account.window_timezone, account.window_hours)


def usage_in_windows(session: Session, accounts: Iterable[Account], now: datetime
                     ) -> dict[int, tuple[int, datetime | None]]:
    """Per account: (credits used in its current window, oldest spend inside it)."""
    by_spec: dict[WindowSpec, list[Account]] = {}
    for account in accounts:
        by_spec.setdefault(window_spec(account), []).append(account)
    usage: dict[int, tuple[int, datetime | None]] = {}
    for members in by_spec.values():
        window = quota_of(members[0]).window
        start = window.start(now)
        # Same boundaries as core.quotas.used_in_window: a rolling window excludes its start instant.
        after_start = (CreditEvent.occurred_at > start) if window.kind is WindowKind.ROLLING \
            else (CreditEvent.occurred_at >= start)
        ids = [account.id for account in members]
        if len(ids) > 900:
            # Most of a large pool: one grouped pass over the window's rows beats id lists in chunks.
            wanted = set(ids)
            for account_id, used, oldest in session.execute(
                    select(CreditEvent.account_id, func.sum(CreditEvent.credits), func.min(CreditEvent.occurred_at))
                    .where(after_start, CreditEvent.occurred_at <= now).group_by(CreditEvent.account_id)):
                if account_id in wanted:
                    usage[int(account_id)] = (int(used or 0), oldest)
            continue
        for chunk_start in range(0, len(ids), 900):
            chunk = ids[chunk_start:chunk_start + 900]
            rows = session.execute(
                select(CreditEvent.account_id, func.sum(CreditEvent.credits), func.min(CreditEvent.occurred_at))
                .where(CreditEvent.account_id.in_(chunk), after_start, CreditEvent.occurred_at <= now)
                .group_by(CreditEvent.account_id)
            )
            for account_id, used, oldest in rows:
                usage[int(account_id)] = (int(used or 0), oldest)
    return usage


def leases(session: Session, account_ids: Iterable[int] | None = None) -> dict[int, int]:
    """account id -> id of the session it is leased to (sessions in progress)."""
    statement = select(WorkSession.account_id, WorkSession.id).where(
        WorkSession.status == SessionStatus.IN_PROGRESS.value)
    if account_ids is not None:
        statement = statement.where(WorkSession.account_id.in_(list(account_ids)))
    return {int(account_id): int(session_id) for account_id, session_id in session.execute(statement)}


def completion_rates(session: Session, *, project_id: int | None = None,
                     session_type: str | None = None) -> dict[int, float]:
    """Per account: completed / ended sessions (optionally of one project or type); absent without history."""
    ended = (SessionStatus.COMPLETED.value, SessionStatus.FAILED.value, SessionStatus.HANDED_OFF.value)
    statement = (
        select(WorkSession.account_id, WorkSession.status, func.count())
        .where(WorkSession.status.in_(ended))
        .group_by(WorkSession.account_id, WorkSession.status)
    )
    if project_id is not None:
        statement = statement.where(WorkSession.project_id == project_id)
    if session_type is not None:
        statement = statement.where(WorkSession.session_type == session_type)
    totals: dict[int, list[int]] = {}
    for account_id, status, count in session.execute(statement):
        done, all_ended = totals.setdefault(int(account_id), [0, 0])
        good = count if status != SessionStatus.FAILED.value else 0
        totals[int(account_id)] = [done + good, all_ended + count]
    return {account_id: done / ended_count for account_id, (done, ended_count) in totals.items() if ended_count}


def has_history(session: Session, account_id: int) -> bool:
    """Whether sessions, ledger rows or handoffs refer to the account (it then cannot be deleted)."""
    for statement in (
        select(func.count()).where(CreditEvent.account_id == account_id),
        select(func.count()).where(WorkSession.account_id == account_id),
        select(func.count()).where((HandoffQueueItem.from_account_id == account_id)
                                   | (HandoffQueueItem.to_account_id == account_id)),
    ):
        if session.scalar(statement):
            return True
    return False


def with_credentials(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.credentials_encrypted.is_not(None))))


def count_all(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Account)) or 0
