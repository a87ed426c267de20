"""A project's git working tree in its work: the HEAD a session starts at, the state a handoff
briefing tells, and the commit a handoff makes with ``auto_commit``.

Git never runs while the write lock is held (STYLE 9):
- ``checked_repo_path`` (setting ``repo_path``) runs before the caller's first statement
  (a unit's transaction, and SQLite's write lock, begin with its first statement);
- ``start_session_at_head`` reads the project's repository path in a read transaction, asks git
  for HEAD in none, and starts the session in a short write one;
- a handoff reads ``handoff_basis`` in its build (read) transaction, then ``hand_off`` runs git
  (state, and the commit with ``auto_commit``) between the read and the write that saves;
  rotation reads the state in its build transaction (``read_git``) and commits between the two.

A handoff never fails because of git: a repository gone, a detached HEAD or a rebase in
progress is said in the briefing's "## Git" section and kept in the snapshot's ``git_state``
(``problem``); setting a ``repo_path`` that is no work tree is refused (``InvalidInput``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.adapters import git
from paas.adapters.secrets import find_secrets
from paas.core.briefing import LEVEL_BUDGETS, Briefing
from paas.core.briefing.redact import redact
from paas.core.git_briefing import commit_message, git_section, with_git_section
from paas.core.git_state import GitState, Head
from paas.services import sessions
from paas.services.projects import get_project
from paas.services.repo_path import as_domain_error
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.tokenizer import count_tokens
from paas.services.views import SessionOut
from paas.store import sessions as session_store
from paas.store.schema import Project
from paas.store.unit import Transaction

GIT_SECTION_TOKENS = 200  # at most, of a briefing's budget, for its "## Git" section


@dataclass(frozen=True)
class GitBasis:
    """What a handoff needs to ask git, read in its build transaction and used after it."""

    repo: str
    since: str | None  # the HEAD the project's latest session started at
    auto_commit: bool
    objectives: str | None = None
    session_number: int | None = None


@dataclass(frozen=True)
class HandoffGit:
    basis: GitBasis
    state: GitState


def repo_of(project: Project) -> str | None:
    """The project's git work tree, or None when it has none."""
    return project.repo_path or None


def head_of(repo: str | None) -> Head | None:
    """HEAD now (None without a repository, or when git cannot say: a session never fails for git)."""
    if repo is None:
        return None
    try:
        sha, branch = git.head(repo)
    except git.GitError:
        return None
    return Head(sha=sha, branch=branch)


def start_session_at_head(read: Transaction, run: Transaction, *, project_id: int, account_id: int,
                          now: datetime, scope: Scope = EVERY_PROJECT, **options: Any) -> SessionOut:
    """``sessions.start_session`` with the project's git HEAD recorded, git asked between a read
    transaction (the project's ``repo_path``) and the short write that starts the session.
    ``options``: session_type, objectives."""
    scope.check_project(project_id)
    repo = read(lambda session: repo_of(get_project(session, project_id)))
    started_at = head_of(repo)
    return run(lambda session: sessions.start_session(session, project_id=project_id, account_id=account_id,
                                                      now=now, git_head=started_at, **options))


def handoff_basis(session: Session, project: Project) -> GitBasis | None:
    """What the project's handoff will ask git (None for a project without a repository)."""
    repo = repo_of(project)
    if repo is None:
        return None
    latest = session_store.latest_of_project(session, project.id)
    return GitBasis(repo=repo, since=latest.git_head if latest else None, auto_commit=project.auto_commit,
                    objectives=latest.objectives if latest else None,
                    session_number=latest.session_number if latest else None)


def reserve_for(basis: GitBasis | None, budget: int) -> int:
    """Tokens of ``budget`` kept for the "## Git" section (0 without a repository)."""
    return 0 if basis is None else min(GIT_SECTION_TOKENS, budget // 4)


def _budget(options: dict[str, Any]) -> int:
    level = options.get("level", "medium")
    return int(options.get("max_tokens") or LEVEL_BUDGETS.get(level, LEVEL_BUDGETS["medium"]))


def budget_options(basis: GitBasis | None, options: dict[str, Any]) -> dict[str, Any]:
    """Briefing options with the engine's budget lowered by the git section's share (unchanged
    without a repository)."""
    if basis is None:
        return options
    budget = _budget(options)
    return {**options, "max_tokens": budget - reserve_for(basis, budget)}


def read_git(basis: GitBasis) -> HandoffGit:
    """The repository's state since the session's start; what git could not tell is the problem."""
    try:
        found = git.state(basis.repo, basis.since)
    except git.GitError as problem:
        found = GitState(repo=basis.repo, since=basis.since, problem=problem.message)
    return HandoffGit(basis=basis, state=found)


def commit_at_handoff(handoff: HandoffGit, briefing: str) -> HandoffGit:
    """With ``auto_commit``, commit what is pending (message written from ``briefing``) and read the
    state again; a refusal (detached HEAD, rebase in progress) or failure becomes the problem."""
    state = handoff.state
    if not handoff.basis.auto_commit or (state.head is None and state.branch is None) or not state.uncommitted_total:
        return handoff
    message = commit_message(briefing, objectives=handoff.basis.objectives,
                             session_number=handoff.basis.session_number)
    try:
        sha = git.commit_all(handoff.basis.repo, message)
    except git.GitError as problem:
        refused = problem.kind in (git.GitError.DETACHED_HEAD, git.GitError.IN_PROGRESS)
        said = f"Auto-commit {'refused' if refused else 'failed'}: {as_domain_error(problem).message}"
        return replace(handoff, state=replace(state, problem=said))
    after = read_git(handoff.basis)
    return replace(after, state=replace(after.state, committed=sha, commit_subject=message.splitlines()[0]))


def section(handoff: HandoffGit, max_tokens: int) -> str:
    """The briefing's "## Git" section, redacted like the briefing, within ``max_tokens``."""
    return git_section(handoff.state, count_tokens, max_tokens, clean=lambda text: redact(text, find_secrets))


def hand_off(basis: GitBasis | None, briefing: Briefing, *, options: dict[str, Any],
             commit: bool) -> tuple[Briefing, HandoffGit | None]:
    """Git for a handoff briefing (between its read and its write): the state, the commit when
    ``commit`` and the project has ``auto_commit``, and the briefing with its "## Git" section
    (in the share of the budget ``options`` give that ``budget_options`` kept for it)."""
    if basis is None:
        return briefing, None
    handoff = read_git(basis)
    if commit:
        handoff = commit_at_handoff(handoff, briefing.markdown)
    text = with_git_section(briefing.markdown, section(handoff, reserve_for(basis, _budget(options))))
    return replace(briefing, markdown=text), handoff


def snapshot_fields(handoff: HandoffGit | None) -> dict[str, Any]:
    """The snapshot's ``git_state`` and ``git_commit_hash`` (nothing without a repository)."""
    if handoff is None:
        return {}
    return {"git_state": handoff.state.as_json(), "git_commit_hash": handoff.state.committed}


def session_head(handoff: HandoffGit | None) -> Head | None:
    """Where the next session starts: HEAD after the handoff (and its commit)."""
    if handoff is None or (handoff.state.head is None and handoff.state.branch is None):
        return None
    return Head(sha=handoff.state.head, branch=handoff.state.branch)
