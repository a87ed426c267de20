"""Working directories mapped to projects (``project_links``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from paas.store.schema import Project, ProjectLink


def find(session: Session, path: str) -> ProjectLink | None:
    return session.scalars(select(ProjectLink).where(ProjectLink.path == path)).first()


def project_of_any(session: Session, paths: list[str]) -> tuple[str, int] | None:
    """The first of ``paths`` (nearest directory first) that is linked, with its project id."""
    rows = {row.path: row.project_id for row in session.scalars(select(ProjectLink).where(ProjectLink.path.in_(paths)))}
    return next(((path, rows[path]) for path in paths if path in rows), None)


def remove(session: Session, path: str) -> bool:
    return bool(session.execute(delete(ProjectLink).where(ProjectLink.path == path)).rowcount)  # type: ignore[attr-defined]


def of_project(session: Session, project_id: int) -> list[str]:
    return list(session.scalars(select(ProjectLink.path).where(ProjectLink.project_id == project_id)
                                .order_by(ProjectLink.path)))


def with_projects(session: Session, project_id: int | None = None) -> list[tuple[str, int, str]]:
    """Links as (path, project id, project name), by path: every one, or ``project_id``'s."""
    statement = (select(ProjectLink.path, Project.id, Project.name)
                 .join(Project, Project.id == ProjectLink.project_id).order_by(ProjectLink.path))
    if project_id is not None:
        statement = statement.where(ProjectLink.project_id == project_id)
    return [(path, linked, name) for path, linked, name in session.execute(statement)]
