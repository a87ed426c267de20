"""Git never runs while a write transaction is open: every git call of the API's and the CLI's
git-aware flows is watched (``tests.git_helpers.GitWatch``: the engines' write transactions, and
on SQLite a probe that tries to take the database's write lock), and none finds one open.
The first test shows the watch does catch git run inside a write."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from paas.adapters import git as adapter
from paas.cli import app as cli_app
from paas.store.unit import transaction
from tests.api.api_helpers import new_account, new_project, ok, start
from tests.git_helpers import GitWatch, git, make_repo
from tests.services.test_context_save import CLAUDE

pytestmark = pytest.mark.usefixtures("isolated_git")
TEXT = CLAUDE.read_text(encoding="utf-8")


def test_the_watch_catches_git_inside_a_write_and_not_inside_a_read(engine: Engine, git_watch: GitWatch,
                                                                   tmp_path: Path) -> None:
    repo = str(make_repo(tmp_path / "repo"))
    with transaction(engine, write=False) as session:
        session.execute(text("SELECT 1"))
        adapter.head(repo)
    assert git_watch.calls and git_watch.in_write == []
    with transaction(engine) as session:
        session.execute(text("SELECT 1"))  # the write transaction (and SQLite's lock) begins here
        if engine.url.get_backend_name() == "sqlite":
            assert git_watch.sqlite_write_lock_held()
        adapter.head(repo)
    assert git_watch.in_write, "the watch must see a git call made inside a write transaction"
    assert not git_watch.sqlite_write_lock_held()


def test_the_apis_git_aware_flows_run_git_outside_every_write(client: TestClient, git_watch: GitWatch,
                                                             tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop")
    project = new_project(client, "Shop", repo_path=str(repo), auto_commit=True)["id"]
    ok(client.patch(f"/api/projects/{project}", json={"repo_path": str(repo), "auto_rotate": True,
                                                      "rotate_threshold_percent": 50}))
    first, _, _ = (new_account(client, f"acct-{n}")["id"] for n in range(3))
    session_id = start(client, project, first)["id"]
    (repo / "a.py").write_text("a = 1\n")
    ok(client.post("/api/handoff/compress", json={"project_id": project, "context": TEXT}))
    (repo / "b.py").write_text("b = 2\n")
    smart = client.post("/api/private/smart-compress", json={"project_id": project, "context": TEXT})
    assert smart.status_code == 200 and "\n## Git\n" in smart.json()["briefing"]  # the original's shape, no data
    usage = ok(client.post(f"/api/sessions/{session_id}/usage", json={"credits": 60}), 201)["data"]
    assert usage["rotation"] is not None  # the usage that reached the threshold rotated, telling git
    assert "\n## Git\n" in usage["rotation"]["briefing"]
    (repo / "c.py").write_text("c = 3\n")
    current = usage["rotation"]["next_account"]["id"]
    rotated = ok(client.post("/api/private/auto-rotate", json={"project_id": project,
                                                               "current_account_id": current}))
    assert "- Committed at handoff:" in rotated["briefing"]

    commands = [args[0] for args in git_watch.calls]
    assert {"rev-parse", "status", "log", "diff", "add", "commit"} <= set(commands)
    assert commands.count("commit") == 3  # compress, smart-compress, auto-rotate: one each
    assert git_watch.in_write == []


def test_the_clis_git_aware_commands_run_git_outside_every_write(database_url: str, git_watch: GitWatch,
                                                                tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop")
    runner = CliRunner()

    def cli(*args: str) -> str:
        result = runner.invoke(cli_app, list(args), env={"PAAS_DATABASE_URL": database_url, "COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result.output

    cli("projects", "add", "Shop", "--repo", str(repo))
    cli("projects", "edit", "Shop", "--repo", str(repo), "--auto-commit")
    cli("accounts", "add", "alpha")
    cli("accounts", "add", "beta")
    cli("session", "start", "--project", "Shop", "--account", "alpha")
    transcript = tmp_path / CLAUDE.name
    transcript.write_text(TEXT, encoding="utf-8")
    cli("context", "save", "--project", "Shop", str(transcript))
    (repo / "a.py").write_text("a = 1\n")
    handed = cli("handoff", "--project", "Shop")
    assert "## Git" in handed and git(repo, "log", "-1", "--format=%s").startswith("chore(handoff): ")

    assert "commit" in [args[0] for args in git_watch.calls]
    assert git_watch.engines > 1  # the CLI's own engines were watched too, not only the test's
    assert git_watch.in_write == []
