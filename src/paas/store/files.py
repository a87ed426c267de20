"""Project files: the paths a project tracks, unique per project."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from paas.store.schema import ProjectFile


def find(session: Session, project_id: int, file_path: str) -> ProjectFile | None:
    return session.scalars(select(ProjectFile).where(
        ProjectFile.project_id == project_id, ProjectFile.file_path == file_path)).first()


def of_project(session: Session, project_id: int, limit: int) -> list[ProjectFile]:
    """The files a project tracks, most important first, then by path."""
    order = case({"critical": 0, "high": 1, "normal": 2, "low": 3}, value=ProjectFile.importance, else_=4)
    return list(session.scalars(select(ProjectFile).where(ProjectFile.project_id == project_id)
                                .order_by(order, ProjectFile.file_path).limit(limit)))
