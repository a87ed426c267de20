"""The handoff queue: briefings a rotation left for the next session to pick up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.core.types import HandoffStatus
from paas.store.schema import HandoffQueueItem, WorkSession


def pending_of_project(session: Session, project_id: int, *, for_update: bool = False) -> list[HandoffQueueItem]:
    """The project's pending handoffs, newest first."""
    statement = (select(HandoffQueueItem).join(WorkSession, WorkSession.id == HandoffQueueItem.session_id)
                 .where(WorkSession.project_id == project_id, HandoffQueueItem.status == HandoffStatus.PENDING.value)
                 .order_by(HandoffQueueItem.created_at.desc(), HandoffQueueItem.id.desc()))
    if for_update:
        statement = statement.with_for_update(of=HandoffQueueItem)
    return list(session.scalars(statement))
