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
- ``unit`` narrows every query to accounts counting that unit (credits, tokens and cents do not
  add up); None: no filter (every account counts the same unit, and the ledger's range sums stay
  index-only).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from paas.core.analytics import GOOD_HIGH, GOOD_LOW, HISTOGRAM_BINS, HISTOGRAM_WIDTH, AccountFigures, ProjectHandoffs
from paas.core.types import SessionStatus
from paas.store.schema import Account, CreditEvent, HandoffQueueItem, WorkSession

FINISHED = (SessionStatus.COMPLETED.value, SessionStatus.HANDED_OFF.value)
DAYS_PER_STATEMENT = 400  # scalar subqueries per SELECT (well under SQLite's 2,000 columns)
THRESHOLD = func.coalesce(Account.rotate_threshold, (Account.quota * 9) // 10)


def _finished(since: datetime, until: datetime, project_id: int | None,
              statuses: tuple[str, ...] = FINISHED, unit: str | None = None) -> list[Any]:
    conditions: list[Any] = [WorkSession.status.in_(statuses), WorkSession.completed_at >= since,
                             WorkSession.completed_at <= until]
    if project_id is not None:
        conditions.append(WorkSession.project_id == project_id)
    if unit is not None:
        conditions.append(Account.quota_unit == unit)
    return conditions


def account_units(session: Session) -> set[str]:
    """The units the accounts count in."""
    return {str(unit) for unit in session.scalars(select(Account.quota_unit).distinct())}


def _count_when(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def sessions_by_account_and_bin(session: Session, *, since: datetime, until: datetime, project_id: int | None = None,
                                unit: str | None = None) -> tuple[list[AccountFigures], dict[int, int]]:
    """One scan of the window's finished sessions, grouped by account and histogram bin (sessions per
    ``HISTOGRAM_WIDTH`` points of the account's quota; the last bin: the quota reached or passed);
    the few grouped rows are then added up into one ``AccountFigures`` per account, by name, and
    the bins' counts."""
    credits = WorkSession.credits_used
    step = 100 // HISTOGRAM_WIDTH
    bin_of = case((credits >= Account.quota, literal(HISTOGRAM_BINS - 1)), else_=(credits * step) // Account.quota)
    statement = (
        select(Account.id, Account.account_name, Account.quota, THRESHOLD, bin_of.label("bin"), func.count(),
               func.sum(credits), func.min(credits), func.max(credits), _count_when(credits >= THRESHOLD),
               _count_when(credits * 100 > Account.quota * int(GOOD_HIGH)),
               _count_when(credits * 100 < Account.quota * int(GOOD_LOW)))
        .select_from(WorkSession).join(Account, Account.id == WorkSession.account_id)
        .where(*_finished(since, until, project_id, unit=unit))
        .group_by(Account.id, Account.account_name, Account.quota, Account.rotate_threshold, bin_of)
    )
    accounts: dict[int, AccountFigures] = {}
    bins: dict[int, int] = {}
    for row in session.execute(statement):
        part = AccountFigures(account_id=row[0], account_name=row[1], quota=int(row[2]), threshold=int(row[3]),
                              sessions=int(row[5]), credits=int(row[6]), min_credits=int(row[7]),
                              max_credits=int(row[8]), reached_threshold=int(row[9]), past_hard_limit=int(row[10]),
                              below_good=int(row[11]))
        bins[int(row[4])] = bins.get(int(row[4]), 0) + part.sessions
        earlier = accounts.get(part.account_id)
        accounts[part.account_id] = part if earlier is None else _added(earlier, part)
    return sorted(accounts.values(), key=lambda account: account.account_name), bins


def _added(one: AccountFigures, other: AccountFigures) -> AccountFigures:
    return replace(one, sessions=one.sessions + other.sessions, credits=one.credits + other.credits,
                   min_credits=min(one.min_credits, other.min_credits),
                   max_credits=max(one.max_credits, other.max_credits),
                   reached_threshold=one.reached_threshold + other.reached_threshold,
                   past_hard_limit=one.past_hard_limit + other.past_hard_limit,
                   below_good=one.below_good + other.below_good)


def project_handoffs(session: Session, *, since: datetime, until: datetime, project_id: int | None = None,
                     unit: str | None = None) -> list[ProjectHandoffs]:
    """Per project: the window's sessions that ended handed_off (a range of the status-first
    index), and those that completed with a handoff row (found from the small handoff_queue)."""
    credits = WorkSession.credits_used
    figures = (func.count(), func.min(WorkSession.completed_at), func.max(WorkSession.completed_at),
               func.coalesce(func.sum(case((credits < THRESHOLD, THRESHOLD - credits), else_=0)), 0),
               func.coalesce(func.sum(case((credits < Account.quota, Account.quota - credits), else_=0)), 0))
    handed_off = (select(WorkSession.project_id, *figures).select_from(WorkSession)
                  .join(Account, Account.id == WorkSession.account_id)
                  .where(*_finished(since, until, project_id, (SessionStatus.HANDED_OFF.value,), unit))
                  .group_by(WorkSession.project_id))
    queued = (select(WorkSession.project_id, *figures).select_from(WorkSession)
              .join(Account, Account.id == WorkSession.account_id)
              .where(WorkSession.id.in_(select(HandoffQueueItem.session_id)),
                     *_finished(since, until, project_id, (SessionStatus.COMPLETED.value,), unit))
              .group_by(WorkSession.project_id))
    projects: dict[int, ProjectHandoffs] = {}
    for statement in (handed_off, queued):
        for row in session.execute(statement):
            part = ProjectHandoffs(count=int(row[1]), first_at=_aware(row[2]), last_at=_aware(row[3]),
                                   left_to_threshold=int(row[4]), left_to_quota=int(row[5]))
            earlier = projects.get(int(row[0]))
            projects[int(row[0])] = part if earlier is None else ProjectHandoffs(
                count=earlier.count + part.count, first_at=min(earlier.first_at, part.first_at),
                last_at=max(earlier.last_at, part.last_at),
                left_to_threshold=earlier.left_to_threshold + part.left_to_threshold,
                left_to_quota=earlier.left_to_quota + part.left_to_quota)
    return list(projects.values())


def credits_by_day(session: Session, *, since: datetime, until: datetime, project_id: int | None = None,
                   unit: str | None = None) -> dict[date, int]:
    """The ledger's credits per UTC day of ``[since, until]``: one range sum per day, each an
    index-only range scan of ``ix_credit_events_occurred_at_credits`` (or the project's index) —
    no sort of the window's events, which a GROUP BY on the day would need."""
    days = _day_bounds(since, until)
    totals: dict[date, int] = {}
    for chunk in range(0, len(days), DAYS_PER_STATEMENT):
        part = days[chunk:chunk + DAYS_PER_STATEMENT]
        sums = [_range_sum(low, high, project_id, unit).label(f"day_{index}")
                for index, (_, low, high) in enumerate(part)]
        row = session.execute(select(*sums)).one()
        totals.update({day: int(total) for (day, _, _), total in zip(part, row, strict=True) if total})
    return totals


def _range_sum(low: datetime, high: datetime, project_id: int | None, unit: str | None) -> Any:
    conditions = [CreditEvent.occurred_at >= low, CreditEvent.occurred_at < high]
    if project_id is not None:
        conditions.append(CreditEvent.project_id == project_id)
    if unit is not None:
        conditions.append(CreditEvent.account_id.in_(select(Account.id).where(Account.quota_unit == unit)))
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
