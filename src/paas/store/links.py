"""Working directories mapped to projects (``project_links``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from paas.store.schema import ProjectLink


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
