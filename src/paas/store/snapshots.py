"""Context snapshots (saved briefings) and the handoff queue that points at them.

"Newest" is by ``created_at``, then id (two snapshots saved in the same instant keep the order
they were saved in). A project's "previous briefing" is its newest handoff snapshot.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from paas.core.types import Page
from paas.store.records import paginate
from paas.store.schema import ContextSnapshot, ConversationTurn, HandoffQueueItem

NEWEST_FIRST = (ContextSnapshot.created_at.desc(), ContextSnapshot.id.desc())


def latest_of_project(session: Session, project_id: int) -> ContextSnapshot | None:
    """The project's newest snapshot of any type."""
    return session.scalars(
        select(ContextSnapshot).where(ContextSnapshot.project_id == project_id).order_by(*NEWEST_FIRST)
    ).first()


def add(session: Session, snapshot: ContextSnapshot) -> ContextSnapshot:
    session.add(snapshot)
    session.flush()
    return snapshot


def handoff_of_session(session: Session, session_id: int) -> HandoffQueueItem | None:
    return session.scalars(select(HandoffQueueItem).where(HandoffQueueItem.session_id == session_id)).first()


def _handoffs_of(project_id: int, not_from_source: int | None) -> Select[Any]:
    statement = select(ContextSnapshot).where(ContextSnapshot.project_id == project_id,
                                              ContextSnapshot.snapshot_type == "handoff")
    if not_from_source is not None:
        statement = statement.where((ContextSnapshot.source_id.is_(None))
                                    | (ContextSnapshot.source_id != not_from_source))
    return statement.order_by(*NEWEST_FIRST)


def recent_of_project(session: Session, project_id: int, limit: int,
                      *, not_from_source: int | None = None) -> list[ContextSnapshot]:
    """The project's latest handoff snapshots, newest first; with ``not_from_source``, only those
    not built from that transcript source (what came before it)."""
    return list(session.scalars(_handoffs_of(project_id, not_from_source).limit(limit)))


def latest_handoff_id(session: Session, project_id: int) -> int | None:
    return session.scalar(_handoffs_of(project_id, None).with_only_columns(ContextSnapshot.id).limit(1))


def latest_handoff_of_project(session: Session, project_id: int) -> ContextSnapshot | None:
    return session.scalars(_handoffs_of(project_id, None).limit(1)).first()


def page_of_project(session: Session, project_id: int, *, snapshot_type: str | None, limit: int,
                    offset: int) -> Page[ContextSnapshot]:
    statement = select(ContextSnapshot).where(ContextSnapshot.project_id == project_id)
    if snapshot_type is not None:
        statement = statement.where(ContextSnapshot.snapshot_type == snapshot_type)
    return paginate(session, statement.order_by(*NEWEST_FIRST), limit, offset)


def get(session: Session, snapshot_id: int) -> ContextSnapshot | None:
    return session.get(ContextSnapshot, snapshot_id)


def next_turn_number(session: Session, session_id: int) -> int:
    highest = session.scalar(
        select(func.max(ConversationTurn.turn_number)).where(ConversationTurn.session_id == session_id))
    return (highest or 0) + 1
