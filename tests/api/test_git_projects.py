"""The API's git-aware projects on real temporary repositories: repo_path and the working-day
settings on POST/PATCH /api/projects, the HEAD a session starts at, the handoff's commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import created, fails, new_account, new_project, ok, rows, start
from tests.git_helpers import git, make_repo
from tests.services.test_context_save import CLAUDE

pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "shop")


def test_create_with_a_repo_and_the_working_day_settings(client: TestClient, repo: Path) -> None:
    data = new_project(client, "Shop", repo_path=str(repo), auto_commit=True, auto_rotate=True,
                       rotation_strategy="use_first_to_reset")
    assert {key: data[key] for key in ("repo_path", "auto_commit", "auto_rotate", "rotation_strategy")} == {
        "repo_path": str(repo), "auto_commit": True, "auto_rotate": True, "rotation_strategy": "use_first_to_reset"}
    plain = new_project(client, "Plain")
    assert (plain["repo_path"], plain["auto_commit"], plain["auto_rotate"], plain["rotation_strategy"]) == (
        None, False, False, "best")
    assert ok(client.get(f"/api/projects/{data['id']}"))["data"] == data


@pytest.mark.parametrize(("fields", "said"), [
    ({"repo_path": "relative/shop"}, "repo_path must be an absolute path"),
    ({"repo_path": "/no/such/folder/anywhere"}, "is not an existing directory"),
    ({"repo_path": "PLAIN"}, "is not a git repository"),
    ({"auto_commit": True}, "auto_commit needs a repo_path"),
    ({"auto_commit": "yes"}, "auto_commit"),
    ({"rotation_strategy": "round_robin"}, "rotation_strategy"),
    ({"repo_path": "/x\u0000y"}, "NUL"),
], ids=["relative", "missing", "not-a-repo", "auto-commit-alone", "not-a-bool", "unknown-strategy", "nul"])
def test_create_refuses_what_cannot_be_and_changes_nothing(client: TestClient, engine: Engine, tmp_path: Path,
                                                          fields: dict[str, Any], said: str) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    if fields.get("repo_path") == "PLAIN":
        fields = {**fields, "repo_path": str(plain)}
    before = rows(engine)
    error = fails(client.post("/api/projects", json={"name": "Shop", **fields}), 422)
    assert said in error["message"] + str(error["details"])
    assert rows(engine) == before


def test_patch_sets_checks_and_clears_the_repo(client: TestClient, engine: Engine, repo: Path,
                                              tmp_path: Path) -> None:
    project = new_project(client, "Shop")
    url = f"/api/projects/{project['id']}"
    changed = ok(client.patch(url, json={"repo_path": str(repo), "auto_commit": True, "auto_rotate": True,
                                         "rotation_strategy": "next_available", "rotate_threshold_percent": 80}))
    assert {key: changed["data"][key] for key in ("repo_path", "auto_commit", "auto_rotate", "rotation_strategy",
                                                  "rotate_threshold_percent")} == {
        "repo_path": str(repo), "auto_commit": True, "auto_rotate": True, "rotation_strategy": "next_available",
        "rotate_threshold_percent": 80}
    before = rows(engine)
    fails(client.patch(url, json={"repo_path": str(tmp_path)}), 422)  # tmp_path holds the repo, is not one
    fails(client.patch(url, json={"repo_path": None}), 422)  # auto_commit is still on
    fails(client.patch(url, json={"auto_rotate": None}), 422)
    assert rows(engine) == before
    cleared = ok(client.patch(url, json={"repo_path": None, "auto_commit": False}))["data"]
    assert (cleared["repo_path"], cleared["auto_commit"]) == (None, False)


def test_a_session_started_over_http_records_the_head(client: TestClient, repo: Path) -> None:
    project = new_project(client, "Shop", repo_path=str(repo))
    started = start(client, project["id"], new_account(client)["id"])["data"]
    assert (started["git_head"], started["git_branch"]) == (git(repo, "rev-parse", "HEAD"), "main")
    assert ok(client.get(f"/api/sessions/{started['id']}"))["data"]["git_head"] == started["git_head"]


def test_a_handoff_commits_first_and_answers_the_sha(client: TestClient, repo: Path) -> None:
    project = new_project(client, "Shop", repo_path=str(repo), auto_commit=True)
    start(client, project["id"], new_account(client)["id"], objectives="Retry for the HTTP client")
    (repo / "client.py").write_text("retry = 5\n")
    body = ok(client.post("/api/handoff/compress", json={"project_id": project["id"],
                                                          "context": CLAUDE.read_text(encoding="utf-8")}))
    head = git(repo, "rev-parse", "HEAD")
    assert (body["data"]["git_commit_hash"], body["data"]["git_problem"]) == (head, None)
    assert git(repo, "log", "-1", "--format=%s") == "chore(handoff): retry for the HTTP client"
    assert "\n## Git\n" in body["briefing"]
    shown = ok(client.get(f"/api/briefings/{body['data']['snapshot_id']}"))["data"]
    assert shown["git_commit_hash"] == head and shown["git_state"]["committed"] == head
    assert shown["markdown"] == body["briefing"]


def test_a_handoff_on_a_detached_head_answers_why_nothing_was_committed(client: TestClient, repo: Path) -> None:
    project = new_project(client, "Shop", repo_path=str(repo), auto_commit=True)
    git(repo, "checkout", "-q", "--detach")
    (repo / "README.md").write_text("changed\n")
    body = created(client.post("/api/projects", json={"name": "Other"}))  # any other write still works
    assert body["data"]["repo_path"] is None
    answer = ok(client.post("/api/handoff/compress", json={"project_id": project["id"],
                                                            "context": CLAUDE.read_text(encoding="utf-8")}))
    assert answer["data"]["git_commit_hash"] is None
    assert answer["data"]["git_problem"].startswith("Auto-commit refused: HEAD is detached")
