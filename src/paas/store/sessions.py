"""Working sessions: one account working on one project. Numbers run 1, 2, 3... per project.

An account has at most one session ``in_progress`` (a partial unique index enforces it);
listings join the project and account names so callers get both ids and names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.core.types import Page, SessionStatus
from paas.store.records import paginate
from paas.store.schema import Account, CreditEvent, Project, WorkSession


@dataclass(frozen=True)
class SessionFilter:
    project_id: int | None = None
    account_id: int | None = None
    status: str | None = None
    project_ids: frozenset[int] | None = None  # a token's scope: only these projects' sessions


def next_session_number(session: Session, project_id: int) -> int:
    highest = session.scalar(
        select(func.max(WorkSession.session_number)).where(WorkSession.project_id == project_id)
    )
    return (highest or 0) + 1


def open_session_of_account(session: Session, account_id: int) -> WorkSession | None:
    return session.scalars(
        select(WorkSession).where(
            WorkSession.account_id == account_id, WorkSession.status == SessionStatus.IN_PROGRESS.value
        )
    ).first()


def latest_of_project(session: Session, project_id: int) -> WorkSession | None:
    return session.scalars(
        select(WorkSession)
        .where(WorkSession.project_id == project_id)
        .order_by(WorkSession.session_number.desc())
    ).first()


def _with_names() -> Any:
    return (
        select(WorkSession, Project.name.label("project_name"), Account.account_name.label("account_name"))
        .join(Project, Project.id == WorkSession.project_id)
        .join(Account, Account.id == WorkSession.account_id)
    )


def list_newest_first(session: Session, where: SessionFilter, *, limit: int, offset: int) -> Page[Any]:
    """Rows of (session, project_name, account_name), newest first."""
    statement = _with_names().order_by(WorkSession.started_at.desc(), WorkSession.id.desc())
    if where.project_id is not None:
        statement = statement.where(WorkSession.project_id == where.project_id)
    if where.account_id is not None:
        statement = statement.where(WorkSession.account_id == where.account_id)
    if where.project_ids is not None:
        statement = statement.where(WorkSession.project_id.in_(sorted(where.project_ids)))
    if where.status:
        statement = statement.where(WorkSession.status == where.status)
    return paginate(session, statement, limit, offset, scalars=False)


def with_names(session: Session, session_id: int) -> Any:
    return session.execute(_with_names().where(WorkSession.id == session_id)).first()


def has_ledger_rows(session: Session, session_id: int) -> bool:
    return bool(session.scalar(select(func.count()).where(CreditEvent.session_id == session_id)))


def find_by_number(session: Session, project_id: int, number: int) -> WorkSession | None:
    return session.scalars(select(WorkSession).where(
        WorkSession.project_id == project_id, WorkSession.session_number == number)).first()


def open_sessions_of_project(session: Session, project_id: int) -> list[WorkSession]:
    return list(session.scalars(
        select(WorkSession)
        .where(WorkSession.project_id == project_id, WorkSession.status == SessionStatus.IN_PROGRESS.value)
        .with_for_update()
    ))
