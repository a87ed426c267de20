"""Projects: create, list, change, delete (only while no session refers to one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import Conflict
from paas.core.types import Page, ProjectStatus
from paas.services.field_rules import parse_enum, refuse_nulls, required_text
from paas.services.views import ProjectOut
from paas.store import projects as store
from paas.store.records import apply_changes, delete_unless_referenced, get_or_raise
from paas.store.schema import Project

EDITABLE = ("name", "description", "status", "rotate_threshold_percent")


def get_project(session: Session, project_id: int, *, for_update: bool = False) -> Project:
    """The row, for other services (doors call ``show_project``)."""
    return get_or_raise(session, Project, project_id, "project", for_update=for_update)


def show_project(session: Session, project_id: int) -> ProjectOut:
    return ProjectOut.model_validate(get_project(session, project_id))


def list_projects(session: Session, *, status: str | None = None, limit: int = 100,
                  offset: int = 0) -> Page[ProjectOut]:
    if status:
        parse_enum(ProjectStatus, status, "status")
    return store.list_newest_first(session, status=status, limit=limit, offset=offset).map(ProjectOut.model_validate)


def _check_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    existing = store.find_by_name(session, name)
    if existing is not None and existing.id != own_id:
        raise Conflict(f"a project named {name!r} already exists", {"field": "name", "id": existing.id})


def create_project(session: Session, *, name: str, description: str | None = None,
                   status: str = ProjectStatus.ACTIVE.value) -> ProjectOut:
    name = required_text(name, "name")
    _check_name_free(session, name)
    project = Project(name=name, description=description,
                      status=parse_enum(ProjectStatus, status, "status").value)
    session.add(project)
    session.flush()
    return ProjectOut.model_validate(project)


def update_project(session: Session, project_id: int, changes: dict[str, Any]) -> ProjectOut:
    project = get_project(session, project_id, for_update=True)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    refuse_nulls(changes, ("name", "status"))
    if "name" in changes:
        changes["name"] = required_text(changes["name"], "name")
        _check_name_free(session, changes["name"], project.id)
    if "status" in changes:
        changes["status"] = parse_enum(ProjectStatus, changes["status"], "status").value
    apply_changes(project, changes)
    session.flush()
    return ProjectOut.model_validate(project)


def delete_project(session: Session, project_id: int) -> None:
    project = get_project(session, project_id, for_update=True)
    sessions = store.count_sessions(session, project_id)
    if sessions:
        raise Conflict(
            f"project {project_id} has {sessions} session(s); archive it instead (status=archived)",
            {"sessions": sessions},
        )
    delete_unless_referenced(session, project, Conflict(
        f"project {project_id} has snapshots or files; archive it instead (status=archived)", {"id": project_id}))
