"""Aggregate queries behind the dashboard figures: counts by status and ledger sums."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.store.schema import Project, WorkSession


def count_by(session: Session, column: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return {str(value): int(count) for value, count in rows}


def projects_by_status(session: Session) -> dict[str, int]:
    return count_by(session, Project.status)


def sessions_by_status(session: Session) -> dict[str, int]:
    return count_by(session, WorkSession.status)


def completed_session_credits(session: Session) -> tuple[int, int]:
    """(number of completed sessions, credits they used)."""
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(WorkSession.credits_used), 0)).where(
            WorkSession.status == "completed"
        )
    ).one()
    return int(count), int(total)

