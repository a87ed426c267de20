"""Projects: create, list, change, delete (only while no session refers to one).

A ``repo_path`` is checked (absolute, an existing directory, inside a git work tree:
``services.git_state.checked_repo_path``) before the unit's first statement, so git never runs
while the write lock is held; ``auto_commit`` needs one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import Conflict, InvalidInput
from paas.core.events import ProjectChanged
from paas.core.types import Page, ProjectStatus, RotationStrategy
from paas.services.field_rules import parse_enum, refuse_nulls, required_name, taken_message
from paas.services.repo_path import checked_repo_path
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import ProjectOut
from paas.store import projects as store
from paas.store.records import apply_changes, delete_unless_referenced, get_or_raise
from paas.store.schema import Project
from paas.store.unit import publish

EDITABLE = ("name", "description", "status", "rotate_threshold_percent", "auto_rotate", "rotation_strategy",
            "repo_path", "auto_commit")
FLAGS = ("auto_rotate", "auto_commit")


def get_project(session: Session, project_id: int, *, for_update: bool = False) -> Project:
    """The row, for other services (doors call ``show_project``)."""
    return get_or_raise(session, Project, project_id, "project", for_update=for_update)


def show_project(session: Session, project_id: int, *, scope: Scope = EVERY_PROJECT) -> ProjectOut:
    scope.check_project(project_id)
    return ProjectOut.model_validate(get_project(session, project_id))


def list_projects(session: Session, *, status: str | None = None, limit: int = 100,
                  offset: int = 0, scope: Scope = EVERY_PROJECT) -> Page[ProjectOut]:
    if status:
        parse_enum(ProjectStatus, status, "status")
    return store.list_newest_first(session, status=status, limit=limit, offset=offset,
                                   only=scope.project_ids).map(ProjectOut.model_validate)


def _check_name_free(session: Session, name: str, own_id: int | None = None) -> None:
    existing = store.find_by_name(session, name)  # on the name's key: case and Unicode form folded
    if existing is not None and existing.id != own_id:
        raise Conflict(taken_message("a project", name, existing.name),
                       {"field": "name", "id": existing.id, "existing": existing.name})


def _check_flags(changes: dict[str, Any]) -> None:
    wrong = [field for field in FLAGS if field in changes and not isinstance(changes[field], bool)]
    if wrong:
        raise InvalidInput(f"{', '.join(wrong)} must be true or false", {"fields": wrong})


def _check_auto_commit(repo_path: str | None, auto_commit: bool) -> None:
    if auto_commit and not repo_path:
        raise InvalidInput("auto_commit needs a repo_path (the git work tree to commit in): set one, "
                           "or turn auto_commit off", {"field": "auto_commit"})


def create_project(session: Session, *, name: str, description: str | None = None,
                   status: str = ProjectStatus.ACTIVE.value, repo_path: str | None = None,
                   auto_commit: bool = False, auto_rotate: bool = False,
                   rotation_strategy: str = RotationStrategy.BEST.value,
                   scope: Scope = EVERY_PROJECT) -> ProjectOut:
    scope.refuse_if_limited("creating a project")
    repo_path = checked_repo_path(repo_path)  # git, before the first statement
    _check_flags({"auto_commit": auto_commit, "auto_rotate": auto_rotate})
    _check_auto_commit(repo_path, auto_commit)
    name = required_name(name, "name")
    _check_name_free(session, name)
    project = Project(name=name, description=description,
                      status=parse_enum(ProjectStatus, status, "status").value, repo_path=repo_path,
                      auto_commit=auto_commit, auto_rotate=auto_rotate,
                      rotation_strategy=parse_enum(RotationStrategy, rotation_strategy, "rotation_strategy").value)
    session.add(project)
    session.flush()
    publish(session, ProjectChanged(project_id=project.id, change="created"))
    return ProjectOut.model_validate(project)


def update_project(session: Session, project_id: int, changes: dict[str, Any], *,
                   scope: Scope = EVERY_PROJECT) -> ProjectOut:
    scope.check_project(project_id)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    if "repo_path" in changes:  # git, before the first statement (None clears it)
        changes["repo_path"] = checked_repo_path(changes["repo_path"])
    project = get_project(session, project_id, for_update=True)
    refuse_nulls(changes, ("name", "status", *FLAGS, "rotation_strategy"))
    _check_flags(changes)
    if "rotation_strategy" in changes:
        changes["rotation_strategy"] = parse_enum(RotationStrategy, changes["rotation_strategy"],
                                                  "rotation_strategy").value
    _check_auto_commit(changes.get("repo_path", project.repo_path), changes.get("auto_commit", project.auto_commit))
    if "name" in changes:
        changes["name"] = required_name(changes["name"], "name")
        _check_name_free(session, changes["name"], project.id)
    if "status" in changes:
        changes["status"] = parse_enum(ProjectStatus, changes["status"], "status").value
    apply_changes(project, changes)
    session.flush()
    if changes:
        publish(session, ProjectChanged(project_id=project.id, change="updated"))
    return ProjectOut.model_validate(project)


def delete_project(session: Session, project_id: int, *, scope: Scope = EVERY_PROJECT) -> None:
    scope.check_project(project_id)
    project = get_project(session, project_id, for_update=True)
    sessions = store.count_sessions(session, project_id)
    if sessions:
        raise Conflict(
            f"project {project_id} has {sessions} session(s); archive it instead (status=archived)",
            {"sessions": sessions},
        )
    delete_unless_referenced(session, project, Conflict(
        f"project {project_id} has snapshots or files; archive it instead (status=archived)", {"id": project_id}))
    publish(session, ProjectChanged(project_id=project_id, change="deleted"))
