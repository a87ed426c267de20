"""`services.project_links`: which project a working directory (or anything below it) belongs to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import InvalidInput, NotFound
from paas.services import project_links
from paas.store.schema import Project, ProjectLink
from paas.store.unit import transaction

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def two_projects(add_project: Callable[..., Project]) -> tuple[int, int]:
    return add_project("Shop").id, add_project("Blog").id


def link(engine: Engine, directory: Path | str, project: str | int) -> tuple[str, int]:
    with transaction(engine) as session:
        return project_links.link(session, directory, project, now=NOW)


def owner(engine: Engine, directory: Path | str) -> int | None:
    with transaction(engine, write=False) as session:
        return project_links.project_for_directory(session, directory)


def test_the_nearest_linked_parent_wins(engine: Engine, two_projects: tuple[int, int], tmp_path: Path) -> None:
    shop, blog = two_projects
    deep = tmp_path / "code" / "shop" / "docs" / "blog" / "drafts"
    deep.mkdir(parents=True)
    link(engine, tmp_path / "code" / "shop", "shop")
    link(engine, tmp_path / "code" / "shop" / "docs" / "blog", blog)
    assert owner(engine, deep) == blog
    assert owner(engine, deep.parent) == blog  # the linked directory itself
    assert owner(engine, tmp_path / "code" / "shop" / "docs") == shop
    assert owner(engine, tmp_path / "code") is None  # above every link
    assert owner(engine, tmp_path / "code" / "shop-old") is None  # a prefix of the name is not a parent


def test_a_path_is_stored_resolved(engine: Engine, two_projects: tuple[int, int], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "shop")
    monkeypatch.chdir(tmp_path / "shop")
    path, project_id = link(engine, ".", "Shop")
    assert (path, project_id) == (str((tmp_path / "shop").resolve()), two_projects[0])
    assert owner(engine, tmp_path / "alias") == two_projects[0]
    assert owner(engine, f"{tmp_path / 'shop'}/") == two_projects[0]


def test_relinking_moves_the_directory_to_the_other_project(engine: Engine, two_projects: tuple[int, int],
                                                              rows: Callable[[type[Any]], int], tmp_path: Path) -> None:
    shop, blog = two_projects
    assert link(engine, tmp_path, "Shop") == (str(tmp_path.resolve()), shop)
    assert link(engine, tmp_path, "Shop") == (str(tmp_path.resolve()), shop)  # the same link twice: one row
    assert link(engine, tmp_path, "blog") == (str(tmp_path.resolve()), blog)
    assert (owner(engine, tmp_path), rows(ProjectLink)) == (blog, 1)
    with transaction(engine, write=False) as session:
        assert (project_links.links_of(session, "Shop"), project_links.links_of(session, "Blog")) == (
            [], [str(tmp_path.resolve())])


def test_an_unknown_project_is_not_found_with_suggestions_and_links_nothing(
        engine: Engine, two_projects: tuple[int, int], rows: Callable[[type[Any]], int], tmp_path: Path) -> None:
    with pytest.raises(NotFound) as raised:
        link(engine, tmp_path, "Shopp")
    assert "did you mean 'Shop'?" in raised.value.message and raised.value.details["suggestions"] == ["Shop"]
    with pytest.raises(NotFound):
        link(engine, tmp_path, 99)
    assert rows(ProjectLink) == 0


@pytest.mark.parametrize("where", ["missing", "file", "", "   ", "bad\x00name", "long"])
def test_what_is_not_a_directory_is_refused_and_links_nothing(engine: Engine, two_projects: tuple[int, int],
                                                              rows: Callable[[type[Any]], int], tmp_path: Path,
                                                              where: str) -> None:
    (tmp_path / "file").write_text("not a folder")
    directory = {"missing": str(tmp_path / "missing"), "file": str(tmp_path / "file"),
                 "long": str(tmp_path / ("x" * 200) / ("y" * 200) / ("z" * 200) / ("w" * 200) / ("v" * 200))
                 }.get(where, where)
    with pytest.raises(InvalidInput) as raised:
        link(engine, directory, "Shop")
    assert raised.value.details == {"field": "directory"}
    said = {"missing": "is not a directory", "file": "is not a directory", "long": "longer than 1000"}
    assert said.get(where, "name a directory") in raised.value.message
    assert rows(ProjectLink) == 0


def test_unlink_forgets_the_link_and_an_unlinked_directory_is_not_found(
        engine: Engine, two_projects: tuple[int, int], tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    link(engine, tmp_path, "Shop")
    with transaction(engine) as session, pytest.raises(NotFound) as raised:
        project_links.unlink(session, tmp_path / "src")  # below a link is not a link
    assert "is not linked to a project" in raised.value.message
    with transaction(engine) as session:
        assert project_links.unlink(session, tmp_path) == str(tmp_path.resolve())
    assert owner(engine, tmp_path / "src") is None


def test_require_project_prefers_the_name_then_the_link_then_says_what_to_do(
        engine: Engine, two_projects: tuple[int, int], tmp_path: Path) -> None:
    shop, blog = two_projects
    (tmp_path / "elsewhere").mkdir()
    link(engine, tmp_path / "elsewhere", "Shop")
    with transaction(engine, write=False) as session:
        assert project_links.require_project(session, "blog", tmp_path / "elsewhere") == blog
        assert project_links.require_project(session, "  ", tmp_path / "elsewhere") == shop
        with pytest.raises(InvalidInput, match="paas projects link"):
            project_links.require_project(session, None, tmp_path)
        with pytest.raises(InvalidInput, match="name the project"):
            project_links.require_project(session, None, None)
