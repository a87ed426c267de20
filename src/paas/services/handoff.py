"""Handoffs: turn a project's conversation into a briefing and save it as a context snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput
from paas.core.handoff import LINES_PER_LEVEL, TailBriefing, tail_briefing
from paas.core.types import SnapshotType
from paas.services._fields import required_text
from paas.services.accounts import get_account
from paas.services.projects import get_project
from paas.store import sessions as session_store
from paas.store import snapshots
from paas.store.schema import ContextSnapshot


@dataclass(frozen=True)
class HandoffResult:
    briefing: TailBriefing
    snapshot: ContextSnapshot


def compress_handoff(session: Session, *, project_id: int, context: str, now: datetime,
                     level: str = "medium", credits_used: int | None = None,
                     from_account_id: int | None = None) -> HandoffResult:
    context = required_text(context, "context")
    if level not in LINES_PER_LEVEL:
        raise InvalidInput("level must be low, medium or high", {"field": "level"})
    project = get_project(session, project_id)
    from_account = get_account(session, from_account_id).account_name if from_account_id else None
    briefing = tail_briefing(context, project_name=project.name, level=level, from_account=from_account,
                             credits_used=credits_used)
    latest = session_store.latest_of_project(session, project.id)
    snapshot = snapshots.add(session, ContextSnapshot(
        project_id=project.id,
        session_id=latest.id if latest else None,
        snapshot_type=SnapshotType.HANDOFF.value,
        compressed_context=briefing.markdown,
        context_summary=f"{briefing.kept_lines} of {briefing.original_lines} lines kept",
        created_at=now,
    ))
    return HandoffResult(briefing=briefing, snapshot=snapshot)
