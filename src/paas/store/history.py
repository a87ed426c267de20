"""Past sessions for learning from history: the newest ended sessions that spent credits, in one
bounded query (newest first by id, which is the primary key's order, so the ``LIMIT`` stops the
scan early), each with its account's name and quota unit and the first characters of its newest
saved briefing (a correlated subquery on the indexed ``context_snapshots.session_id``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.core.types import SessionStatus
from paas.store.schema import Account, ContextSnapshot, WorkSession

ENDED = (SessionStatus.COMPLETED.value, SessionStatus.HANDED_OFF.value, SessionStatus.FAILED.value)
BRIEFING_CHARS = 400


def past_sessions(session: Session, *, now: datetime, limit: int) -> list[Any]:
    """Rows of (id, account_id, project_id, session_type, status, credits_used, objectives,
    accomplishments, handoff_notes, briefing_head, account_name, quota_unit), newest first:
    sessions ended by ``now`` with credits spent."""
    briefing = (
        select(func.substr(ContextSnapshot.compressed_context, 1, BRIEFING_CHARS))
        .where(ContextSnapshot.session_id == WorkSession.id)
        .order_by(ContextSnapshot.id.desc())
        .limit(1)
        .correlate(WorkSession)
        .scalar_subquery()
    )
    statement = (
        select(WorkSession.id, WorkSession.account_id, WorkSession.project_id, WorkSession.session_type,
               WorkSession.status, WorkSession.credits_used, WorkSession.objectives, WorkSession.accomplishments,
               WorkSession.handoff_notes, briefing.label("briefing_head"), Account.account_name, Account.quota_unit)
        .join(Account, Account.id == WorkSession.account_id)
        .where(WorkSession.status.in_(ENDED), WorkSession.credits_used > 0,
               WorkSession.completed_at.is_not(None), WorkSession.completed_at <= now)
        .order_by(WorkSession.id.desc())
        .limit(limit)
    )
    return list(session.execute(statement))
