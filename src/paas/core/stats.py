"""Dashboard figures from counts and sums: every number is derived, none is a constant.

``build_stats`` takes what the store counted and decides what the figures mean (which
statuses are "usable", how the average is taken); ``day_start`` gives the UTC day boundary
"today" is measured from, whatever offset ``now`` carries.
"""

from __future__ import annotations

from datetime import UTC, datetime

from paas.core.types import AccountStatus, ProjectStatus, SessionStatus, Stats

USABLE_ACCOUNT_STATUSES = (AccountStatus.AVAILABLE, AccountStatus.ACTIVE)


def day_start(now: datetime) -> datetime:
    """Midnight UTC of ``now``'s day (``now`` must be aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def build_stats(
    *,
    projects_by_status: dict[str, int],
    accounts_by_status: dict[str, int],
    sessions_by_status: dict[str, int],
    credits_used_today: int,
    credits_used_total: int,
    completed_sessions: int,
    completed_session_credits: int,
) -> Stats:
    average = None
    if completed_sessions:
        average = round(completed_session_credits / completed_sessions, 1)
    return Stats(
        active_projects=projects_by_status.get(ProjectStatus.ACTIVE.value, 0),
        projects_total=sum(projects_by_status.values()),
        accounts_total=sum(accounts_by_status.values()),
        accounts_by_status={status.value: accounts_by_status.get(status.value, 0) for status in AccountStatus},
        usable_accounts=sum(accounts_by_status.get(status.value, 0) for status in USABLE_ACCOUNT_STATUSES),
        credits_used_today=credits_used_today,
        credits_used_total=credits_used_total,
        sessions_total=sum(sessions_by_status.values()),
        sessions_active=sessions_by_status.get(SessionStatus.IN_PROGRESS.value, 0),
        sessions_completed=sessions_by_status.get(SessionStatus.COMPLETED.value, 0),
        avg_credits_per_completed_session=average,
    )
