"""Projects: the work that sessions advance. Names are unique; totals are kept by the ledger writer."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paas.core.names import name_key
from paas.core.types import Page
from paas.store.records import paginate
from paas.store.schema import Project, WorkSession


def find_by_name(session: Session, name: str) -> Project | None:
    """The project named ``name`` in any case or Unicode form (names are unique on ``name_key``)."""
    return session.scalars(select(Project).where(Project.name_key == name_key(name))).first()


def list_newest_first(session: Session, *, status: str | None, limit: int, offset: int,
                      only: Collection[int] | None = None) -> Page[Project]:
    """``only``: just these projects (a token's scope; empty: none)."""
    statement = select(Project).order_by(Project.created_at.desc(), Project.id.desc())
    if only is not None:
        statement = statement.where(Project.id.in_(list(only)))
    if status:
        statement = statement.where(Project.status == status)
    return paginate(session, statement, limit, offset)


def count_sessions(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).where(WorkSession.project_id == project_id)) or 0


def count_all(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Project)) or 0
