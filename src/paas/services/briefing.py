"""Handoff briefings, in one place: build them, save them, and the doors' brief-and-save flows.

The engine is pure (``core.transcripts`` reads, ``core.briefing`` builds); this module feeds it
what only the database knows -- the project's previous briefing (open items carry over),
knowledge entries that may be linked, the terms past briefings repeat -- and stores the result
as a context snapshot with its stats and source format.

- Build (reads only): ``compress_text`` (no database), ``build_handoff`` (a conversation sent to
  a door), ``build_rotation_body`` (what a rotation hands over: the project's latest stored
  transcript re-read exactly, or with none the previous briefing's body carried over).
- Save (short writes, locking the project first): ``save_briefing``, ``rotation_briefing``.
- Brief-and-save: ``brief_and_save`` (handoff doors, optional polish) and ``save_context``
  (`paas context save`: keeps the transcript itself, then its briefing). Each builds in a read
  transaction and saves in a short write one, so neither a long transcript nor a slow model
  holds the database's write lock.
- Git (projects with a ``repo_path``, ``services.git_state``): a "## Git" section after the
  briefing, in a share of its budget, and the state kept on the snapshot; git runs between the
  read and the write (a rotation reads it in its read transaction), a handoff's auto-commit too.
  A project without one gets the very briefing it got before.

A briefing built from a stored source merges the newest briefing *not* built from that source:
one built from the same text already says everything the text says. A rotation re-reads the
project's latest source unless a briefing not built from it was saved later (that one is
newer news: its body is carried over), and carries only engine bodies, never an earlier
rotation's header, so rotations in a row do not nest. Reading briefings back is
``services.briefing_views``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.adapters.secrets import find_secrets
from paas.core.briefing import LEVEL_BUDGETS, Briefing, BriefingOptions, KnowledgeRef, build_briefing
from paas.core.briefing.budget import split_briefing
from paas.core.briefing.model import BriefingStats
from paas.core.errors import InvalidInput
from paas.core.events import BriefingSaved
from paas.core.git_briefing import with_git_section, without_git_section
from paas.core.rotation import RotationPlan
from paas.core.transcripts import Transcript, read_transcript
from paas.core.types import SnapshotType
from paas.services import git_state
from paas.services.accounts import AccountView, get_account
from paas.services.field_rules import required_text
from paas.services.polish import Polisher, polish_briefing
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.tokenizer import count_tokens
from paas.services.views import SnapshotRef, SourceRef
from paas.store import knowledge as knowledge_store
from paas.store import sessions as session_store
from paas.store import snapshots, sources
from paas.store.schema import ContextSnapshot, ConversationTurn, Project, WorkSession
from paas.store.unit import Transaction, publish

LEVELS = ("low", "medium", "high")
PAST_BRIEFINGS = 20
TERM = re.compile(r"`([^`\n]{2,80})`")
ROTATION_TITLE = "# 🔄 AUTO-ROTATION HANDOFF"
ROTATION_HEADER_TOKENS = 150  # reserved in the level's budget for the rotation's own header lines
LEGACY_CARRY_HEADING = "## Last Work ("  # how rotations before revision 0003 nested the previous briefing


@dataclass(frozen=True)
class SavedBriefing:
    briefing: Briefing
    snapshot: SnapshotRef
    source: SourceRef | None = None
    source_stored: bool = False  # False when the same text was already kept for the project
    git: git_state.HandoffGit | None = None  # the git state told (projects with a repo_path)


# ---- build --------------------------------------------------------------------------------------

def _options(level: str, **fields: Any) -> BriefingOptions:
    if level not in LEVELS:
        raise InvalidInput("level must be low, medium or high", {"field": "level"})
    return BriefingOptions(level=level, secret_finder=find_secrets, **fields)


def _read(text: str, filename: str | None = None, format: str | None = None) -> Transcript:
    """The one way a conversation is read, whether sent now or re-read from a stored source."""
    return read_transcript(required_text(text, "context"), filename=filename, format=format)


def compress_text(text: str, *, level: str = "medium", max_tokens: int | None = None, lines_mode: bool = False,
                  filename: str | None = None, project_name: str | None = None) -> Briefing:
    """A briefing of ``text`` (any supported transcript format, detected) with no database."""
    transcript = _read(text, filename)
    options = _options(level, max_tokens=max_tokens, lines_mode=lines_mode, project_name=project_name,
                       source_format=transcript.format)
    return build_briefing(transcript, options, count_tokens)


def past_terms(previous: list[str]) -> dict[str, int]:
    """How many of the project's past briefings mention each `code` term."""
    counts: Counter[str] = Counter()
    for text in previous:
        counts.update(set(TERM.findall(text)))
    return dict(counts)


def _brief(session: Session, project: Project, transcript: Transcript, *, level: str = "medium",
           not_from_source: int | None = None, **fields: Any) -> Briefing:
    """The engine on ``transcript`` with what the project learned before (its earlier briefings)."""
    earlier = [without_git_section(item.compressed_context) for item in
               snapshots.recent_of_project(session, project.id, PAST_BRIEFINGS, not_from_source=not_from_source)]
    knowledge = tuple(KnowledgeRef(id=entry.id, title=entry.title, tags=entry.tags or "")
                      for entry in knowledge_store.most_used(session, 500))
    options = _options(level, project_name=project.name, source_format=transcript.format,
                       previous_briefing=earlier[0] if earlier else None,
                       knowledge=knowledge, past_terms=past_terms(earlier),
                       **fields)
    return build_briefing(transcript, options, count_tokens)


def _handoff(session: Session, project: Project, transcript: Transcript, *, level: str = "medium",
             max_tokens: int | None = None, lines_mode: bool = False, from_account_id: int | None = None,
             credits_used: int | None = None, not_from_source: int | None = None) -> Briefing:
    from_account = get_account(session, from_account_id).account_name if from_account_id else None
    briefing = _brief(session, project, transcript, level=level, max_tokens=max_tokens, lines_mode=lines_mode,
                      from_account=from_account, not_from_source=not_from_source)
    if credits_used is not None:
        # The caller's own figure (the original's field): a header line, so nothing sent is dropped.
        title, _, rest = briefing.markdown.partition("\n\n")
        briefing = replace(briefing, markdown=f"{title}\n\n- Credits used: {credits_used}\n{rest}")
    return briefing


def build_handoff(session: Session, *, project_id: int, context: str, now: datetime, filename: str | None = None,
                  **options: Any) -> Briefing:
    """A project's briefing of a conversation (reads only: it may run in a read transaction).
    ``options``: level, max_tokens, lines_mode, from_account_id, credits_used."""
    project = get_project(session, project_id)  # an unknown project is named before the transcript is read
    return _handoff(session, project, _read(context, filename), **options)


@dataclass(frozen=True)
class RotationBody:
    """What a rotation hands over under its header, built before the rotation's write transaction.

    ``basis`` is what it was built on (the project's latest source id, its latest handoff
    snapshot id); the write transaction uses it only if both are still the latest."""

    basis: tuple[int | None, int | None]
    markdown: str = ""  # "" when the project has nothing saved yet
    stats: BriefingStats | dict[str, Any] | None = None  # a stored snapshot's may predate a key
    source_format: str | None = None
    source_id: int | None = None  # the stored transcript it was built from
    source_filename: str | None = None
    carried_from_id: int | None = None  # the briefing whose body was carried over
    carried_from_at: datetime | None = None
    git: git_state.HandoffGit | None = None  # the project's git state (projects with a repo_path)
    git_tokens: int = 0  # of the level's budget, kept for the "## Git" section


def rotation_basis(session: Session, project_id: int) -> tuple[int | None, int | None]:
    return sources.latest_id_of_project(session, project_id), snapshots.latest_handoff_id(session, project_id)


def build_rotation_body(session: Session, *, project_id: int, now: datetime, level: str = "medium",
                        with_git: bool = True) -> RotationBody:
    """The rotation's briefing body: the latest `context save` transcript, re-read exactly with its
    format, unless a briefing saved after it says more; else the newest briefing's engine body.
    With a repo_path, the git state too (git runs in this read transaction; ``with_git=False``
    inside a write one)."""
    project = get_project(session, project_id)
    basis = rotation_basis(session, project.id)
    git_basis = git_state.handoff_basis(session, project)
    reserve = git_state.reserve_for(git_basis, LEVEL_BUDGETS[level] - ROTATION_HEADER_TOKENS)
    git = git_state.read_git(git_basis) if git_basis and with_git else None
    source = sources.latest_of_project(session, project.id)
    other = snapshots.recent_of_project(session, project.id, 1, not_from_source=source.id if source else None)
    if source is not None and (not other or other[0].created_at <= source.last_saved_at):
        transcript = _read(sources.text_of(source), source.filename, source.format)
        # the rotation header (accounts, credits, source: about 120 tokens) fits inside the level's budget
        built = _brief(session, project, transcript, level=level, not_from_source=source.id,
                       max_tokens=LEVEL_BUDGETS[level] - ROTATION_HEADER_TOKENS - reserve)
        return RotationBody(basis=basis, markdown=built.markdown, stats=built.stats, source_format=source.format,
                            source_id=source.id, source_filename=source.filename, git=git,
                            git_tokens=reserve)
    latest = snapshots.latest_handoff_of_project(session, project.id)
    carried = engine_body(latest.compressed_context) if latest is not None else ""
    if latest is None or not carried:
        return RotationBody(basis=basis, git=git, git_tokens=reserve)
    return RotationBody(basis=basis, markdown=carried,
                        stats={"carried_over_from": latest.id}, source_format=latest.source_format,
                        carried_from_id=latest.id, carried_from_at=latest.created_at, git=git,
                        git_tokens=reserve)


def engine_body(markdown: str) -> str:
    """A saved briefing without its header(s): its sections from the first ``## `` heading, with the
    wrappers older rotations nested around the previous briefing unwrapped, and no "## Git" section
    (the next handoff reads the state afresh)."""
    text = without_git_section(markdown)
    while True:  # each pass removes one nesting, so this ends
        body = split_briefing(text)[1]
        if not body and text.lstrip().startswith(ROTATION_TITLE):  # a rotation with nothing to hand over
            return ""
        if not body:  # not written by the engine (a seeded snapshot): its text without the title
            lines = text.strip().splitlines()
            rest = "\n".join(lines[1:] if lines and lines[0].startswith("# ") else lines).strip()
            return f"## Last briefing\n\n{rest}\n" if rest else ""
        if not body.startswith(LEGACY_CARRY_HEADING):
            return body
        text = body.partition("\n")[2]


# ---- save ---------------------------------------------------------------------------------------

def save_briefing(session: Session, *, project_id: int, briefing: Briefing, now: datetime,
                  snapshot_type: SnapshotType = SnapshotType.HANDOFF, session_id: int | None = None,
                  source_format: str | None = None, source_id: int | None = None,
                  git: git_state.HandoffGit | None = None) -> ContextSnapshot:
    # Locked (and so known to exist): the briefing may have been built in an earlier transaction.
    get_project(session, project_id, for_update=True)
    latest = session_store.latest_of_project(session, project_id)
    facts = briefing.stats.get("facts_kept", {})
    return keep_snapshot(session, ContextSnapshot(
        project_id=project_id, session_id=session_id if session_id is not None else (latest.id if latest else None),
        snapshot_type=snapshot_type.value, compressed_context=briefing.markdown,
        context_summary=f"{briefing.stats.get('tokens_before')} -> {briefing.stats.get('tokens_after')} tokens",
        file_count=facts.get("files_edited") if isinstance(facts, dict) else None, created_at=now,
        stats=briefing.stats, source_format=source_format, source_id=source_id, **git_state.snapshot_fields(git)))


def keep_snapshot(session: Session, snapshot: ContextSnapshot) -> ContextSnapshot:
    """Store a briefing (or checkpoint) snapshot; ``BriefingSaved`` is published after the commit."""
    kept = snapshots.add(session, snapshot)
    publish(session, BriefingSaved(snapshot_id=kept.id, project_id=kept.project_id,
                                   snapshot_type=kept.snapshot_type))
    return kept


def rotation_briefing(session: Session, *, project: Project, previous: AccountView, next_view: AccountView,
                      ended: WorkSession | None, plan: RotationPlan, now: datetime,
                      body: RotationBody | None) -> tuple[str, int, RotationBody]:
    """The rotation's briefing (header + body), its tokens and the body used. Runs inside the
    rotation's write transaction: ``body`` (built before it) is used if what it was built on is
    still the latest, else the body is rebuilt here (rare: a save raced the rotation)."""
    if body is None or body.basis != rotation_basis(session, project.id):
        # git is not asked inside this write transaction: the git state read before it stands
        body = replace(build_rotation_body(session, project_id=project.id, now=now, with_git=False),
                       git=body.git if body else None)
    old = previous.account
    state = (f"exhausted until {plan.exhausted_until.isoformat()}" if plan.mark_exhausted and plan.exhausted_until
             else f"{plan.credits_left_unused} credits left, still available")
    lines = [
        ROTATION_TITLE, "",
        f"**Project**: {project.name}",
        f"**Previous**: Account #{old.id} {old.account_name} (used {previous.used}/{previous.quota.credits}; {state})",
        f"**New**: {next_view.account.account_name} ({next_view.remaining} credits)",
        f"**When**: {now.isoformat()}",
    ]
    if ended is not None:
        lines.append(f"**Handed off**: session #{ended.session_number} ({ended.credits_used} credits used)")
    if body.source_id is not None:
        name = f" `{body.source_filename}`" if body.source_filename else ""
        lines.append(f"**Briefing**: from the saved transcript{name} (source #{body.source_id}, {body.source_format})")
        header, sections = split_briefing(body.markdown)
        # The engine's own title would be a second header; its figures line stays.
        lines += [line for line in header.strip().splitlines() if line and not line.startswith("# ")]
        lines += ["", sections.strip()]
    elif body.carried_from_id is not None:
        when = body.carried_from_at.isoformat() if body.carried_from_at else "?"
        lines.append(f"**Briefing**: carried over from briefing #{body.carried_from_id} ({when}); "
                     "no transcript saved since")
        lines += ["", body.markdown.strip()] if body.markdown.strip() else []
    else:
        lines.append(f"**Briefing**: nothing saved yet (`paas context save --project {project.id} FILE` "
                     "keeps the conversation for the next rotation)")
    text = "\n".join(lines) + "\n"
    if body.git is not None:
        text = with_git_section(text, git_state.section(body.git, body.git_tokens))
    return text, count_tokens(text), body


# ---- brief and save -----------------------------------------------------------------------------

def brief_and_save(read: Transaction, run: Transaction, *, polisher: Polisher | None = None,
                   project_id: int, context: str, now: datetime, filename: str | None = None,
                   scope: Scope = EVERY_PROJECT, **options: Any) -> SavedBriefing:
    """A project's handoff briefing, built in a read transaction (``read``), polished if a polisher
    is given, with a repo_path its git state (and with auto_commit a commit first), both outside
    any transaction, and saved in a short write one (``run``)."""
    scope.check_project(project_id)

    def build(session: Session) -> tuple[Briefing, str, git_state.GitBasis | None]:
        project = get_project(session, project_id)
        transcript = _read(context, filename)
        basis = git_state.handoff_basis(session, project)
        briefing = _handoff(session, project, transcript, **git_state.budget_options(basis, options))
        return briefing, transcript.format, basis

    def save(session: Session, briefing: Briefing, source_format: str,
             git: git_state.HandoffGit | None) -> SavedBriefing:
        return SavedBriefing(briefing=briefing, snapshot=SnapshotRef.model_validate(save_briefing(
            session, project_id=project_id, briefing=briefing, now=now, source_format=source_format, git=git)),
            git=git)

    briefing, source_format, basis = read(build)
    if polisher is not None:
        # The model call sits between the two transactions: neither holds a lock while it runs.
        briefing = polish_briefing(briefing, sources=context, polisher=polisher)
    briefing, git = git_state.hand_off(basis, briefing, options=options, commit=True)  # git: here, in none
    return run(lambda session: save(session, briefing, source_format, git))


def save_context(read: Transaction, run: Transaction, *, project_id: int, context: str, now: datetime,
                 filename: str | None = None, scope: Scope = EVERY_PROJECT) -> SavedBriefing:
    """Keep a transcript for the project (exactly, once), its turns on the project's latest session,
    and its briefing as a snapshot built from it. Built in ``read``, saved in ``run``."""
    scope.check_project(project_id)

    packed = sources.pack(context)  # the very text received, as it will be kept

    def build(session: Session) -> tuple[Briefing, Transcript, git_state.GitBasis | None]:
        project = get_project(session, project_id)
        transcript = _read(context, filename)
        kept = sources.find(session, project.id, packed.sha256)
        basis = git_state.handoff_basis(session, project)
        options = git_state.budget_options(basis, {"not_from_source": kept.id if kept else None})
        return _handoff(session, project, transcript, **options), transcript, basis

    def save(session: Session, briefing: Briefing, transcript: Transcript,
             git: git_state.HandoffGit | None) -> SavedBriefing:
        get_project(session, project_id, for_update=True)
        latest = session_store.latest_of_project(session, project_id)
        source, stored = sources.keep(session, project_id=project_id, session_id=latest.id if latest else None,
                                      packed=packed, format=transcript.format, filename=filename, now=now)
        if stored and latest is not None:
            _store_turns(session, latest.id, transcript, now)
        snapshot = save_briefing(session, project_id=project_id, briefing=briefing, now=now,
                                 source_format=transcript.format, source_id=source.id, git=git)
        return SavedBriefing(briefing=briefing, snapshot=SnapshotRef.model_validate(snapshot),
                             source=SourceRef.of(source), source_stored=stored, git=git)

    briefing, transcript, basis = read(build)
    # The git state (no commit: keeping a transcript is no handoff) is read between the two.
    briefing, git = git_state.hand_off(basis, briefing, options={}, commit=False)
    return run(lambda session: save(session, briefing, transcript, git))


def _store_turns(session: Session, session_id: int, transcript: Transcript, now: datetime) -> None:
    """The original's conversation_history rows: one per turn, tool calls as text (the source itself
    is kept whole in transcript_sources)."""
    start = snapshots.next_turn_number(session, session_id)
    for offset, turn in enumerate(transcript.turns):
        role = turn.role if turn.role in ("user", "assistant", "system") else "system"
        content = turn.text or "\n".join(f"[{call.name}] {call.input}" for call in turn.tool_calls)
        session.add(ConversationTurn(session_id=session_id, turn_number=start + offset, role=role,
                                     content=content, tokens_used=None, timestamp=now))
    session.flush()
