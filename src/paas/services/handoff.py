"""Handoffs: turn a project's conversation into a briefing and save it as a context snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput
from paas.core.handoff import LINES_PER_LEVEL, TailBriefing, tail_briefing
from paas.core.rotation import RotationPlan
from paas.core.types import SnapshotType
from paas.services._fields import required_text
from paas.services.accounts import AccountView, get_account
from paas.services.projects import get_project
from paas.services.tokenizer import count_tokens
from paas.store import sessions as session_store
from paas.store import snapshots
from paas.store.schema import ContextSnapshot, Project, WorkSession


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


def latest_context(session: Session, project_id: int, ended: WorkSession | None) -> str:
    """The project's latest saved context: the ended session's conversation, else the last snapshot."""
    if ended is not None:
        turns = snapshots.conversation_of_session(session, ended.id)
        if turns:
            return "\n".join(f"{turn.role}: {turn.content}" for turn in turns)
    latest = snapshots.latest_of_project(session, project_id)
    return latest.compressed_context if latest is not None else ""


def rotation_briefing(session: Session, *, project: Project, previous: AccountView, next_view: AccountView,
                      ended: WorkSession | None, plan: RotationPlan, now: datetime) -> tuple[str, int]:
    """The briefing a rotation hands to the next session, and its size in tokens."""
    old = previous.account
    state = (f"exhausted until {plan.exhausted_until.isoformat()}" if plan.mark_exhausted
             else f"{plan.credits_left_unused} credits left, still available")
    lines = [
        "# 🔄 AUTO-ROTATION HANDOFF", "",
        f"**Project**: {project.name}",
        f"**Previous**: Account #{old.id} {old.account_name} (used {previous.used}/{previous.quota.credits}; {state})",
        f"**New**: {next_view.account.account_name} ({next_view.remaining} credits)",
        f"**When**: {now.isoformat()}",
    ]
    if ended is not None:
        lines.append(f"**Handed off**: session #{ended.session_number} ({ended.credits_used} credits used)")
    context = latest_context(session, project.id, ended)
    if context.strip():
        last_work = tail_briefing(context, project_name=project.name, level="medium").markdown
        lines += ["", "## Last Work", "", last_work.split("## Latest context", 1)[-1].strip()]
    text = "\n".join(lines) + "\n"
    return text, count_tokens(text)
