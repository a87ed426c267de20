"""The aggregates behind credit analytics: GROUP BY, SUM, COUNT, MIN, MAX and CASE, nothing row by row.

Contract:
- A session counts once it has *finished* its work: status ``completed`` or ``handed_off`` (a
  rotation's end), with ``completed_at`` inside the window ``[since, until]``; failed sessions and
  sessions in progress are left out. ``project_id`` narrows every query to one project.
- A *handoff* is such a session that ended ``handed_off`` or has a row in ``handoff_queue`` (the
  original's way of recording one); what it left unused is its account's threshold (or quota)
  minus the session's credits, never below 0.
- Credits per day come from the ledger (every event in the window, whatever its session), one
  range sum per UTC day (the same SQL on SQLite and PostgreSQL).
- The default threshold is the account's ``rotate_threshold``, else 90% of its quota rounded
  down: ``core.quotas.default_threshold`` in integer SQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from paas.core.analytics import GOOD_HIGH, GOOD_LOW, HISTOGRAM_BINS, HISTOGRAM_WIDTH, AccountFigures, ProjectHandoffs
from paas.core.types import SessionStatus
from paas.store.schema import Account, CreditEvent, HandoffQueueItem, WorkSession

FINISHED = (SessionStatus.COMPLETED.value, SessionStatus.HANDED_OFF.value)
DAYS_PER_STATEMENT = 400  # scalar subqueries per SELECT (well under SQLite's 2,000 columns)
THRESHOLD = func.coalesce(Account.rotate_threshold, (Account.quota * 9) // 10)


def _finished(since: datetime, until: datetime, project_id: int | None) -> list[Any]:
    conditions: list[Any] = [WorkSession.status.in_(FINISHED), WorkSession.completed_at >= since,
                             WorkSession.completed_at <= until]
    if project_id is not None:
        conditions.append(WorkSession.project_id == project_id)
    return conditions


def _count_when(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def account_figures(session: Session, *, since: datetime, until: datetime,
                    project_id: int | None = None) -> list[AccountFigures]:
    credits = WorkSession.credits_used
    statement = (
        select(Account.id, Account.account_name, Account.quota, THRESHOLD, func.count(), func.sum(credits),
               func.min(credits), func.max(credits), _count_when(credits >= THRESHOLD),
               _count_when(credits * 100 > Account.quota * int(GOOD_HIGH)),
               _count_when(credits * 100 < Account.quota * int(GOOD_LOW)))
        .select_from(WorkSession).join(Account, Account.id == WorkSession.account_id)
        .where(*_finished(since, until, project_id))
        .group_by(Account.id, Account.account_name, Account.quota, Account.rotate_threshold)
        .order_by(Account.account_name)
    )
    return [AccountFigures(account_id=row[0], account_name=row[1], quota=int(row[2]), threshold=int(row[3]),
                           sessions=int(row[4]), credits=int(row[5]), min_credits=int(row[6]),
                           max_credits=int(row[7]), reached_threshold=int(row[8]), past_hard_limit=int(row[9]),
                           below_good=int(row[10]))
            for row in session.execute(statement)]


def histogram_counts(session: Session, *, since: datetime, until: datetime,
                     project_id: int | None = None) -> dict[int, int]:
    """Sessions per bin of ``HISTOGRAM_WIDTH`` points of the account's quota; the last bin is the
    quota reached or passed."""
    last = HISTOGRAM_BINS - 1
    step = 100 // HISTOGRAM_WIDTH
    bin_of = case((WorkSession.credits_used >= Account.quota, literal(last)),
                  else_=(WorkSession.credits_used * step) // Account.quota).label("bin")
    statement = (select(bin_of, func.count()).select_from(WorkSession)
                 .join(Account, Account.id == WorkSession.account_id)
                 .where(*_finished(since, until, project_id)).group_by(bin_of))
    return {int(index): int(count) for index, count in session.execute(statement)}


def project_handoffs(session: Session, *, since: datetime, until: datetime,
                     project_id: int | None = None) -> list[ProjectHandoffs]:
    credits = WorkSession.credits_used
    queued = exists().where(HandoffQueueItem.session_id == WorkSession.id)
    statement = (
        select(func.count(), func.min(WorkSession.completed_at), func.max(WorkSession.completed_at),
               func.sum(case((credits < THRESHOLD, THRESHOLD - credits), else_=0)),
               func.sum(case((credits < Account.quota, Account.quota - credits), else_=0)))
        .select_from(WorkSession).join(Account, Account.id == WorkSession.account_id)
        .where(*_finished(since, until, project_id),
               or_(WorkSession.status == SessionStatus.HANDED_OFF.value, queued))
        .group_by(WorkSession.project_id)
    )
    return [ProjectHandoffs(count=int(row[0]), first_at=_aware(row[1]), last_at=_aware(row[2]),
                            left_to_threshold=int(row[3]), left_to_quota=int(row[4]))
            for row in session.execute(statement)]


def credits_by_day(session: Session, *, since: datetime, until: datetime,
                   project_id: int | None = None) -> dict[date, int]:
    """The ledger's credits per UTC day of ``[since, until]``: one range sum per day, each an
    index-only range scan of ``ix_credit_events_occurred_at_credits`` (or the project's index) —
    no sort of the window's events, which a GROUP BY on the day would need."""
    days = _day_bounds(since, until)
    totals: dict[date, int] = {}
    for chunk in range(0, len(days), DAYS_PER_STATEMENT):
        part = days[chunk:chunk + DAYS_PER_STATEMENT]
        sums = [_range_sum(low, high, project_id).label(f"day_{index}") for index, (_, low, high) in enumerate(part)]
        row = session.execute(select(*sums)).one()
        totals.update({day: int(total) for (day, _, _), total in zip(part, row, strict=True) if total})
    return totals


def _range_sum(low: datetime, high: datetime, project_id: int | None) -> Any:
    conditions = [CreditEvent.occurred_at >= low, CreditEvent.occurred_at < high]
    if project_id is not None:
        conditions.append(CreditEvent.project_id == project_id)
    return select(func.sum(CreditEvent.credits)).where(*conditions).scalar_subquery()


def _day_bounds(since: datetime, until: datetime) -> list[tuple[date, datetime, datetime]]:
    """(day, from, to) per UTC day, clipped to the window; ``to`` excluded (past ``until`` by 1 µs)."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    first = datetime.combine(since.date(), time(), tzinfo=UTC)
    bounds = []
    day = first
    while day <= until:
        bounds.append((day.date(), max(day, since), min(day + timedelta(days=1), until + timedelta(microseconds=1))))
        day += timedelta(days=1)
    return bounds


def credits_total(session: Session) -> int:
    """The bare ledger sum (the benchmark's yardstick)."""
    return int(session.scalar(select(func.coalesce(func.sum(CreditEvent.credits), 0))) or 0)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
