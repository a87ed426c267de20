"""services.projects: unique names, validated fields, and no deleting a project the history refers to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.services import briefing, projects
from paas.store.schema import ContextSnapshot, Project
from paas.store.unit import transaction


def test_create_strips_the_name_and_defaults_to_active(engine: Engine, add_project: Callable[..., Project]) -> None:
    project = add_project("  Barber SaaS  ", description="booking")
    with transaction(engine, write=False) as session:
        stored = projects.get_project(session, project.id)
        assert (stored.name, stored.status, stored.description) == ("Barber SaaS", "active", "booking")
        assert (stored.total_sessions, stored.total_credits_used) == (0, 0)


def test_duplicate_name_is_a_conflict_and_nothing_is_written(
    engine: Engine, add_project: Callable[..., Project], rows: Callable[[type[Any]], int]
) -> None:
    first = add_project("Barber")
    with pytest.raises(Conflict, match="'Barber' already exists") as raised, transaction(engine) as session:
        projects.create_project(session, name="Barber ")
    assert raised.value.details == {"field": "name", "id": first.id, "existing": "Barber"}
    assert rows(Project) == 1


@pytest.mark.parametrize("name", ["", "   "])
def test_blank_name_is_invalid(engine: Engine, name: str) -> None:
    with pytest.raises(InvalidInput, match="name must not be empty"), transaction(engine) as session:
        projects.create_project(session, name=name)


def test_unknown_status_is_invalid_and_lists_the_allowed_values(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as raised, transaction(engine) as session:
        projects.create_project(session, name="P", status="done")
    assert raised.value.details["allowed"] == ["active", "paused", "completed", "archived"]


def test_missing_project_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound, match="project 42 does not exist"), transaction(engine) as session:
        projects.get_project(session, 42)


def test_list_filters_by_status_newest_first(engine: Engine, add_project: Callable[..., Project]) -> None:
    add_project("old")
    add_project("paused", status="paused")
    add_project("new")
    with transaction(engine, write=False) as session:
        page = projects.list_projects(session, status="active")
        assert page.total == 2
        assert {project.name for project in page.items} == {"old", "new"}
        everything = projects.list_projects(session)
        assert [project.name for project in everything.items] == ["new", "paused", "old"]
        second = projects.list_projects(session, limit=1, offset=1)
        assert ([project.name for project in second.items], second.total) == (["paused"], 3)
        with pytest.raises(InvalidInput):
            projects.list_projects(session, status="nope")


def test_update_renames_and_changes_status_but_ignores_other_fields(
    engine: Engine, add_project: Callable[..., Project]
) -> None:
    project = add_project("P")
    with transaction(engine) as session:
        projects.update_project(session, project.id, {"name": " Q ", "status": "archived", "total_credits_used": 99})
    with transaction(engine, write=False) as session:
        stored = projects.get_project(session, project.id)
        assert (stored.name, stored.status, stored.total_credits_used) == ("Q", "archived", 0)


def test_rename_onto_another_projects_name_is_a_conflict(engine: Engine, add_project: Callable[..., Project]) -> None:
    add_project("A")
    second = add_project("B")
    with pytest.raises(Conflict), transaction(engine) as session:
        projects.update_project(session, second.id, {"name": "A"})
    with transaction(engine) as session:  # keeping its own name is fine
        assert projects.update_project(session, second.id, {"name": "B"}).name == "B"


def test_update_cannot_clear_name_or_status(engine: Engine, add_project: Callable[..., Project]) -> None:
    project = add_project("P")
    with pytest.raises(InvalidInput), transaction(engine) as session:
        projects.update_project(session, project.id, {"status": None})


def test_delete_removes_a_project_without_sessions(
    engine: Engine, add_project: Callable[..., Project], rows: Callable[[type[Any]], int]
) -> None:
    project = add_project("P")
    with transaction(engine) as session:
        projects.delete_project(session, project.id)
    assert rows(Project) == 0


def test_delete_of_a_project_with_sessions_is_a_conflict(
    engine: Engine, add_project: Callable[..., Project], add_account: Callable[..., Any],
    start: Callable[..., Any], rows: Callable[[type[Any]], int],
) -> None:
    project = add_project("P")
    start(project.id, add_account("A").id)
    with pytest.raises(Conflict, match="has 1 session"), transaction(engine) as session:
        projects.delete_project(session, project.id)
    assert rows(Project) == 1


def test_delete_of_a_project_with_a_handoff_snapshot_is_a_conflict(
    engine: Engine, add_project: Callable[..., Project], clock: Any, rows: Callable[[type[Any]], int]
) -> None:
    # A handoff before the first session saves a snapshot that refers to the project.
    project = add_project("P")
    with transaction(engine) as session:
        briefing.brief_and_save(lambda work: work(session), lambda work: work(session), project_id=project.id,
                                context="hello", now=clock())
    with pytest.raises(Conflict), transaction(engine) as session:
        projects.delete_project(session, project.id)
    assert (rows(Project), rows(ContextSnapshot)) == (1, 1)
