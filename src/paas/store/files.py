"""Project files: the paths a project tracks, unique per project."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.store.schema import ProjectFile


def find(session: Session, project_id: int, file_path: str) -> ProjectFile | None:
    return session.scalars(select(ProjectFile).where(
        ProjectFile.project_id == project_id, ProjectFile.file_path == file_path)).first()
