"""Reporting usage the way every door does: to a session, or to a project's session in progress,
with the answer saying whether rotation is due — and, for a project with ``auto_rotate``, the
usage that reaches the threshold rotating it in the same unit of work.

The rotation's briefing body is built first in a read transaction, then (``auto_commit``) git
commits pending work in no transaction, and the write holds its lock only to record and decide.
A rotation that cannot happen (no account free) never costs the usage: it runs in a savepoint,
and the answer says why it did not rotate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from paas.core.errors import Conflict, InvalidInput, NoAccountAvailable
from paas.core.rotation import project_threshold
from paas.services import git_state, sessions
from paas.services.accounts import describe_account
from paas.services.briefing import RotationBody, build_rotation_body
from paas.services.projects import get_project
from paas.services.rotation import DEFAULT_MARGIN_PERCENT, auto_rotate
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import RotationAnswer, UsageOut
from paas.store.unit import Transaction, savepoint


@dataclass(frozen=True)
class _Planned:
    session_id: int
    body: RotationBody | None  # built only for a project that rotates by itself
    commit: bool = False  # this usage will make the rotation due: commit pending work first (auto_commit)


def report_usage(read: Transaction, run: Transaction, *, now: datetime, credits: int, note: str | None = None,
                 session_id: int | None = None, project_id: int | None = None, idempotency_key: str | None = None,
                 margin_percent: int = DEFAULT_MARGIN_PERCENT, scope: Scope = EVERY_PROJECT) -> UsageOut:
    """Record ``credits`` on ``session_id`` (or the project's session in progress) and answer the
    figures, ``rotate_due`` among them; rotate when the project has ``auto_rotate`` and it is due.
    A session or project outside ``scope`` is NotFound."""
    if (session_id is None) == (project_id is None):
        raise InvalidInput("name the session or the project (one of them)", {"fields": ["session_id", "project_id"]})
    if credits <= 0:
        raise InvalidInput("credits must be a positive whole number", {"field": "credits"})

    def build(session: Session) -> _Planned:
        if project_id is not None:
            scope.check_project(project_id)
        target = session_id if session_id is not None else sessions.in_progress_id(session, project_id or 0)
        work = sessions.get_work_session(session, target, scope=scope)
        project = get_project(session, work.project_id)
        if not project.auto_rotate:
            return _Planned(session_id=target, body=None)
        account = describe_account(session, work.account_id, now)
        due = account.used + credits >= project_threshold(account.quota, project.rotate_threshold_percent)
        return _Planned(session_id=target, body=build_rotation_body(session, project_id=project.id, now=now),
                        commit=due)

    def save(session: Session, planned: _Planned) -> UsageOut:
        used = sessions.record_usage(session, planned.session_id, credits=credits, now=now, note=note,
                                     idempotency_key=idempotency_key)
        work = sessions.get_work_session(session, planned.session_id)
        project = get_project(session, work.project_id)
        if not (used.rotate_due and project.auto_rotate and not used.replayed):
            return used
        try:
            with savepoint(session):
                result = auto_rotate(session, project_id=project.id, current_account_id=used.account_id, now=now,
                                     body=planned.body, margin_percent=margin_percent)
        except (NoAccountAvailable, Conflict) as refused:
            return used.model_copy(update={"rotation_error": str(refused)})
        return used.model_copy(update={"rotation": RotationAnswer.of(result)})

    planned = read(build)
    if planned.commit and planned.body is not None and planned.body.git is not None:
        # auto_commit before the rotation this usage will make: git runs here, in no transaction
        planned = replace(planned, body=replace(planned.body, git=git_state.commit_at_handoff(
            planned.body.git, planned.body.markdown)))
    return run(lambda session: save(session, planned))
