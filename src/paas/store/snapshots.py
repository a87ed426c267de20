"""Context snapshots (saved briefings) and the handoff queue that points at them."""

from __future__ import annotations

from sqlalchemy import select
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
