"""Handoff briefings: read a conversation, build its briefing, save it as a context snapshot.

The engine is pure (``core.transcripts`` reads, ``core.briefing`` builds); this module feeds
it what only the database knows — the project's previous briefing (open items carry over),
knowledge entries that may be linked, and the terms the project's past briefings repeat —
and stores the result. ``compress_text`` does the same with no database, for the CLI.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from paas.adapters.secrets import find_secrets
from paas.core.briefing import Briefing, BriefingOptions, KnowledgeRef, build_briefing
from paas.core.errors import InvalidInput
from paas.core.transcripts import read_transcript
from paas.core.types import SnapshotType
from paas.services._fields import required_text
from paas.services.accounts import get_account
from paas.services.projects import get_project
from paas.services.tokenizer import count_tokens
from paas.store import knowledge as knowledge_store
from paas.store import sessions as session_store
from paas.store import snapshots
from paas.store.schema import ContextSnapshot, ConversationTurn

LEVELS = ("low", "medium", "high")
PAST_BRIEFINGS = 20
TERM = re.compile(r"`([^`\n]{2,80})`")


@dataclass(frozen=True)
class SavedBriefing:
    briefing: Briefing
    snapshot: ContextSnapshot


def _options(level: str, **fields: object) -> BriefingOptions:
    if level not in LEVELS:
        raise InvalidInput("level must be low, medium or high", {"field": "level"})
    return BriefingOptions(level=level, secret_finder=find_secrets, **fields)  # type: ignore[arg-type]


def compress_text(text: str, *, level: str = "medium", max_tokens: int | None = None, lines_mode: bool = False,
                  filename: str | None = None, project_name: str | None = None) -> Briefing:
    """A briefing of ``text`` (any supported transcript format, detected) with no database."""
    transcript = read_transcript(required_text(text, "context"), filename=filename)
    options = _options(level, max_tokens=max_tokens, lines_mode=lines_mode, project_name=project_name,
                       source_format=transcript.format)
    return build_briefing(transcript, options, count_tokens)


def past_terms(previous: list[str]) -> dict[str, int]:
    """How many of the project's past briefings mention each `code` term."""
    counts: Counter[str] = Counter()
    for text in previous:
        counts.update(set(TERM.findall(text)))
    return dict(counts)


def brief_project(session: Session, *, project_id: int, context: str, now: datetime, level: str = "medium",
                  max_tokens: int | None = None, lines_mode: bool = False, from_account_id: int | None = None,
                  to_account: str | None = None, filename: str | None = None) -> Briefing:
    """Build a project's briefing from a conversation, with what the project learned before."""
    project = get_project(session, project_id)
    from_account = get_account(session, from_account_id).account_name if from_account_id else None
    transcript = read_transcript(required_text(context, "context"), filename=filename)
    earlier = snapshots.recent_of_project(session, project.id, PAST_BRIEFINGS)
    knowledge = tuple(KnowledgeRef(id=entry.id, title=entry.title, tags=entry.tags or "")
                      for entry in knowledge_store.most_used(session, 500))
    options = _options(level, max_tokens=max_tokens, lines_mode=lines_mode, project_name=project.name,
                       from_account=from_account, to_account=to_account, source_format=transcript.format,
                       previous_briefing=earlier[0].compressed_context if earlier else None,
                       knowledge=knowledge, past_terms=past_terms([item.compressed_context for item in earlier]))
    return build_briefing(transcript, options, count_tokens)


def save_briefing(session: Session, *, project_id: int, briefing: Briefing, now: datetime,
                  snapshot_type: SnapshotType = SnapshotType.HANDOFF, session_id: int | None = None) -> ContextSnapshot:
    # Locked (and so known to exist): the briefing may have been built in an earlier transaction.
    get_project(session, project_id, for_update=True)
    latest = session_store.latest_of_project(session, project_id)
    facts = briefing.stats.get("facts_kept", {})
    return snapshots.add(session, ContextSnapshot(
        project_id=project_id, session_id=session_id if session_id is not None else (latest.id if latest else None),
        snapshot_type=snapshot_type.value, compressed_context=briefing.markdown,
        context_summary=f"{briefing.stats.get('tokens_before')} -> {briefing.stats.get('tokens_after')} tokens",
        file_count=facts.get("files_edited") if isinstance(facts, dict) else None, created_at=now))


def handoff_briefing(session: Session, *, project_id: int, context: str, now: datetime, level: str = "medium",
                     max_tokens: int | None = None, lines_mode: bool = False, from_account_id: int | None = None,
                     filename: str | None = None, credits_used: int | None = None) -> Briefing:
    """The briefing a handoff door saves (reads only: it may run in a read transaction)."""
    briefing = brief_project(session, project_id=project_id, context=context, now=now, level=level,
                             max_tokens=max_tokens, lines_mode=lines_mode, from_account_id=from_account_id,
                             filename=filename)
    if credits_used is not None:
        # The caller's own figure (the original's field): a header line, so nothing sent is dropped.
        title, _, rest = briefing.markdown.partition("\n\n")
        briefing = replace(briefing, markdown=f"{title}\n\n- Credits used: {credits_used}\n{rest}")
    return briefing


def compress_and_save(session: Session, *, project_id: int, context: str, now: datetime, level: str = "medium",
                      max_tokens: int | None = None, lines_mode: bool = False, from_account_id: int | None = None,
                      filename: str | None = None, credits_used: int | None = None) -> SavedBriefing:
    briefing = handoff_briefing(session, project_id=project_id, context=context, now=now, level=level,
                                max_tokens=max_tokens, lines_mode=lines_mode, from_account_id=from_account_id,
                                filename=filename, credits_used=credits_used)
    return SavedBriefing(briefing=briefing, snapshot=save_briefing(session, project_id=project_id,
                                                                   briefing=briefing, now=now))


def save_context(session: Session, *, project_id: int, context: str, now: datetime,
                 filename: str | None = None) -> SavedBriefing:
    """Store a conversation (turn by turn, on the project's latest session) and its briefing snapshot."""
    transcript = read_transcript(required_text(context, "context"), filename=filename)
    latest = session_store.latest_of_project(session, project_id)
    if latest is not None:
        start = snapshots.next_turn_number(session, latest.id)
        for offset, turn in enumerate(transcript.turns):
            role = turn.role if turn.role in ("user", "assistant", "system") else "system"
            text = turn.text or "\n".join(f"[{call.name}] {call.input}" for call in turn.tool_calls)
            session.add(ConversationTurn(session_id=latest.id, turn_number=start + offset, role=role,
                                         content=text, tokens_used=None, timestamp=now))
        session.flush()
    return compress_and_save(session, project_id=project_id, context=context, now=now, filename=filename)
