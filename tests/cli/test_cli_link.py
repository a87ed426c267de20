"""`paas projects link|unlink`: a working directory names its project for `paas mcp` and the tools."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import Result

from paas.services import project_links
from paas.store.unit import transaction


def test_link_names_the_project_below_the_directory_until_unlinked(cli: Callable[..., Result], engine: Engine,
                                                                   tmp_path: Path) -> None:
    assert cli("projects", "add", "Shop").exit_code == 0
    below = tmp_path / "shop" / "src"
    below.mkdir(parents=True)
    linked = cli("projects", "link", str(tmp_path / "shop"), "--project", "shop")
    assert linked.exit_code == 0, linked.output
    assert f"{tmp_path / 'shop'} -> project 1" in linked.output
    with transaction(engine, write=False) as session:
        assert project_links.project_for_directory(session, below) == 1
    assert cli("projects", "unlink", str(tmp_path / "shop")).exit_code == 0
    with transaction(engine, write=False) as session:
        assert project_links.project_for_directory(session, below) is None


def test_link_refuses_what_is_not_there(cli: Callable[..., Result], tmp_path: Path) -> None:
    assert cli("projects", "add", "Shop").exit_code == 0
    missing = cli("projects", "link", str(tmp_path / "nowhere"), "--project", "Shop")
    assert (missing.exit_code, "is not a directory" in missing.output) == (2, True)
    unknown = cli("projects", "link", str(tmp_path), "--project", "Shopp")
    assert (unknown.exit_code, "did you mean 'Shop'?" in unknown.output) == (3, True)
    never = cli("projects", "unlink", str(tmp_path))
    assert (never.exit_code, "is not linked to a project" in never.output) == (3, True)


def test_links_lists_every_link_or_one_projects_as_the_same_json(cli: Callable[..., Result], tmp_path: Path) -> None:
    for name in ("Shop", "Blog"):
        assert cli("projects", "add", name).exit_code == 0
        (tmp_path / name.lower()).mkdir()
        assert cli("projects", "link", str(tmp_path / name.lower()), "--project", name).exit_code == 0
    every = cli("projects", "links", "--json")
    assert every.exit_code == 0, every.output
    assert json.loads(every.stdout) == [
        {"path": str((tmp_path / "blog").resolve()), "project_id": 2, "project_name": "Blog"},
        {"path": str((tmp_path / "shop").resolve()), "project_id": 1, "project_name": "Shop"}]
    only = cli("projects", "links", "--project", "shop", "--json")
    assert [link["project_name"] for link in json.loads(only.stdout)] == ["Shop"]
    unknown = cli("projects", "links", "--project", "Shopp")
    assert (unknown.exit_code, "did you mean 'Shop'?" in unknown.output) == (3, True)
