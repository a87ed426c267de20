"""Rotation handoffs: the briefing a rotation hands to the next session (header + engine briefing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from paas.core.rotation import RotationPlan
from paas.services.accounts import AccountView
from paas.services.briefing import brief_project
from paas.services.tokenizer import count_tokens
from paas.store import snapshots
from paas.store.schema import Project, WorkSession


def saved_conversation(session: Session, ended: WorkSession | None) -> str:
    """The ended session's stored conversation as a speaker-marked transcript ("" when none)."""
    if ended is None:
        return ""
    turns = snapshots.conversation_of_session(session, ended.id)
    return "\n\n".join(f"{turn.role.capitalize()}: {turn.content}" for turn in turns)


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
    conversation = saved_conversation(session, ended)
    if conversation.strip():
        # The engine reads the conversation and merges the project's previous briefing itself.
        built = brief_project(session, project_id=project.id, context=conversation, now=now,
                              from_account_id=old.id, to_account=next_view.account.account_name)
        lines += ["", built.markdown.strip()]
    else:
        latest = snapshots.latest_of_project(session, project.id)
        if latest is not None:
            lines += ["", "## Last Work (the project's latest briefing, carried over)", "",
                      latest.compressed_context.strip()]
    text = "\n".join(lines) + "\n"
    return text, count_tokens(text)
