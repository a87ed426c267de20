"""Context snapshots (saved briefings) and the handoff queue that points at them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.store.schema import ContextSnapshot, ConversationTurn, HandoffQueueItem


def latest_of_project(session: Session, project_id: int) -> ContextSnapshot | None:
    return session.scalars(
        select(ContextSnapshot)
        .where(ContextSnapshot.project_id == project_id)
        .order_by(ContextSnapshot.created_at.desc(), ContextSnapshot.id.desc())
    ).first()


def add(session: Session, snapshot: ContextSnapshot) -> ContextSnapshot:
    session.add(snapshot)
    session.flush()
    return snapshot


def handoff_of_session(session: Session, session_id: int) -> HandoffQueueItem | None:
    return session.scalars(select(HandoffQueueItem).where(HandoffQueueItem.session_id == session_id)).first()


def conversation_of_session(session: Session, session_id: int) -> list[ConversationTurn]:
    return list(session.scalars(
        select(ConversationTurn).where(ConversationTurn.session_id == session_id)
        .order_by(ConversationTurn.turn_number)
    ))


def recent_of_project(session: Session, project_id: int, limit: int) -> list[ContextSnapshot]:
    """The project's latest handoff snapshots, newest first."""
    return list(session.scalars(
        select(ContextSnapshot)
        .where(ContextSnapshot.project_id == project_id, ContextSnapshot.snapshot_type == "handoff")
        .order_by(ContextSnapshot.created_at.desc(), ContextSnapshot.id.desc())
        .limit(limit)
    ))


def next_turn_number(session: Session, session_id: int) -> int:
    highest = session.scalar(
        select(func.max(ConversationTurn.turn_number)).where(ConversationTurn.session_id == session_id))
    return (highest or 0) + 1
