"""`paas projects add --repo/--auto-commit` and `paas projects edit` on real temporary repositories:
the settings land as the API shows them, bad input is one line with its exit code and changes nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import Result

from tests.cli.test_cli_briefing import one_line_error
from tests.git_helpers import make_repo

Cli = Callable[..., Result]
pytestmark = pytest.mark.usefixtures("isolated_git")


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def projects(cli: Cli) -> list[dict[str, object]]:
    listed: list[dict[str, object]] = json.loads(ok(cli("projects", "list", "--json")))
    return listed


def test_add_with_a_repo_taken_from_here_and_auto_commit(cli: Cli, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "shop")
    monkeypatch.chdir(tmp_path)
    said = ok(cli("projects", "add", "Shop", "--repo", "shop", "--auto-commit"))
    assert said.strip() == f"project 1 added: Shop (git work tree {repo})"
    (project,) = projects(cli)
    assert (project["repo_path"], project["auto_commit"]) == (str(repo), True)
    assert os.path.isabs(str(project["repo_path"]))


@pytest.mark.parametrize(("args", "code", "said"), [
    (("projects", "add", "Shop", "--repo", "PLAIN"), 2, "is not a git repository"),
    (("projects", "add", "Shop", "--repo", "missing"), 2, "is not an existing directory"),
    (("projects", "add", "Shop", "--auto-commit"), 2, "auto_commit needs a repo_path"),
], ids=["not-a-repo", "missing", "auto-commit-alone"])
def test_add_refuses_in_one_line_and_adds_nothing(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  args: tuple[str, ...], code: int, said: str) -> None:
    (tmp_path / "plain").mkdir()
    monkeypatch.chdir(tmp_path)
    args = tuple(str(tmp_path / "plain") if arg == "PLAIN" else arg for arg in args)
    assert said in one_line_error(cli(*args), code)
    assert projects(cli) == []


def test_edit_changes_every_setting_and_answers_the_apis_json(cli: Cli, tmp_path: Path,
                                                             client: TestClient) -> None:
    repo = make_repo(tmp_path / "shop")
    ok(cli("projects", "add", "Shop"))
    said = ok(cli("projects", "edit", "shop", "--repo", str(repo), "--auto-commit", "--auto-rotate",
                  "--strategy", "use_first_to_reset", "--threshold-percent", "80", "--description", "web shop"))
    assert said.strip() == (f"project 1 updated: Shop · repo {repo} · auto-commit on · auto-rotate on · "
                            "strategy use_first_to_reset · threshold 80%")
    shown = json.loads(ok(cli("projects", "edit", "1", "--no-auto-rotate", "--json")))
    assert shown == client.get("/api/projects/1").json()["data"]
    assert (shown["repo_path"], shown["auto_commit"], shown["auto_rotate"], shown["rotation_strategy"],
            shown["rotate_threshold_percent"], shown["description"]) == (
        str(repo), True, False, "use_first_to_reset", 80, "web shop")
    cleared = json.loads(ok(cli("projects", "edit", "Shop", "--no-repo", "--no-auto-commit", "--json")))
    assert (cleared["repo_path"], cleared["auto_commit"]) == (None, False)


@pytest.mark.parametrize(("args", "code", "said"), [
    (("projects", "edit", "Shop", "--no-repo"), 2, "auto_commit needs a repo_path"),
    (("projects", "edit", "Shop", "--repo", "PLAIN"), 2, "is not a git repository"),
    (("projects", "edit", "Shop", "--repo", "REPO", "--no-repo"), 2, "give --repo PATH or --no-repo, not both"),
    (("projects", "edit", "Shop", "--strategy", "round_robin"), 2, "rotation_strategy must be one of"),
    (("projects", "edit", "Shop"), 2, "nothing to change"),
    (("projects", "edit", "Shpo", "--auto-rotate"), 3, "did you mean 'Shop'?"),
], ids=["no-repo-with-auto-commit", "not-a-repo", "both", "strategy", "nothing", "unknown"])
def test_edit_refuses_in_one_line_and_changes_nothing(cli: Cli, tmp_path: Path, args: tuple[str, ...], code: int,
                                                      said: str) -> None:
    repo = make_repo(tmp_path / "shop")
    (tmp_path / "plain").mkdir()
    ok(cli("projects", "add", "Shop", "--repo", str(repo), "--auto-commit"))
    before = projects(cli)
    paths = {"PLAIN": str(tmp_path / "plain"), "REPO": str(repo)}
    assert said in one_line_error(cli(*(paths.get(arg, arg) for arg in args)), code)
    assert projects(cli) == before
