"""A working day from the terminal, no token and no curl: start, usage, status, handoff, briefing,
end — by names or ids, the API's JSON with --json, errors as one line with their exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from paas.cli import app
from tests.cli.test_cli_briefing import one_line_error
from tests.git_helpers import commit_file, git, make_repo
from tests.services.test_context_save import CLAUDE

Cli = Callable[..., Result]
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("paas.cli.door.now", lambda: NOW)


@pytest.fixture
def pool(cli: Cli) -> None:
    """Project "Shop"; accounts "alpha" (100) and "beta" (100, better for the shop)."""
    ok(cli("projects", "add", "Shop", "--description", "web shop checkout"))
    ok(cli("accounts", "add", "alpha"))
    ok(cli("accounts", "add", "beta", "--specialization", "web shop checkout"))


def test_a_day_from_start_to_end(cli: Cli, pool: None) -> None:
    started = json.loads(ok(cli("session", "start", "--project", "shop", "--json")))  # by name, any case
    assert (started["project_name"], started["account_name"], started["status"]) == ("Shop", "beta",
                                                                                       "in_progress")
    first = cli("session", "usage", "--project", "Shop", "--credits", "60", "--note", "checkout total")
    assert first.exit_code == 0 and "60 credits recorded on session 1" in first.stdout
    assert "rotation due" not in first.stderr
    due = cli("session", "usage", "--project", "Shop", "--credits", "31", "--json")
    answer = json.loads(ok(due))
    assert (answer["rotate_due"], answer["account_credits_used"], answer["rotate_threshold"]) == (True, 91, 90)
    assert answer["rotation"] is None and answer["next_reset_at"] == "2026-12-04T00:00:00Z"
    warned = cli("session", "usage", "1", "--credits", "1")
    assert "rotation due: 92 of 90 credits used" in warned.stderr and "paas handoff" in warned.stderr
    ok(cli("context", "save", "--project", "Shop", str(CLAUDE)))
    handed = ok(cli("handoff", "--project", "Shop"))
    assert "next account: alpha (100 credits), session 2 (number 2)" in handed
    assert "chosen because:" in handed and "# 🔄 AUTO-ROTATION HANDOFF" in handed
    assert "http_client.py" in handed  # the saved transcript's files reach the briefing
    shown = json.loads(ok(cli("session", "show", "--project", "Shop", "--json")))
    assert (shown["id"], shown["account_name"], shown["status"]) == (2, "alpha", "in_progress")
    briefing = ok(cli("briefing", "show", "--project", "Shop"))
    assert "AUTO-ROTATION HANDOFF" in briefing
    ended = ok(cli("session", "end", "--project", "Shop", "--notes", "rounding next"))
    assert "session 2 completed" in ended
    after = json.loads(ok(cli("session", "show", "--project", "Shop", "--json")))  # the newest, now ended
    assert (after["id"], after["status"], after["handoff_notes"]) == (2, "completed", "rounding next")


def test_status_fits_80_columns_and_says_what_is_due(run_cli: Callable[..., Result], database_url: str,
                                                   cli: Cli, pool: None) -> None:
    ok(cli("session", "start", "--project", "Shop", "--account", "alpha"))
    ok(cli("session", "usage", "--project", "Shop", "--credits", "95"))
    narrow = CliRunner().invoke(app, ["status"], env={"PAAS_DATABASE_URL": database_url, "COLUMNS": "80"})
    screen = ok(narrow)
    assert max(len(line) for line in screen.splitlines()) <= 80
    assert "Pool 105/200 credits left · 1/2 accounts available · 2026-12-03 09:00 UTC" in screen
    assert "alpha" in screen and "5/100" in screen and "session 1 · Shop" in screen
    assert "95/90" in screen and "DUE" in screen and "15h 00m" in screen  # resets at midnight UTC
    data = json.loads(ok(cli("status", "--json")))
    assert [item["account_name"] for item in data["accounts"]] == ["alpha", "beta"]
    assert data["accounts"][0]["leased_session_id"] == 1 and data["accounts"][0]["leased_project_name"] == "Shop"
    assert data["sessions"] == [{
        "session_id": 1, "session_number": 1, "project_id": 1, "project_name": "Shop", "account_id": 1,
        "account_name": "alpha", "quota_unit": "credits", "session_credits_used": 95, "account_credits_used": 95,
        "rotate_threshold": 90, "progress_percent": 105, "rotate_due": True, "auto_rotate": False,
        "started_at": "2026-12-03T09:00:00Z"}]


def test_session_answers_are_the_api_json(cli: Cli, pool: None, client: TestClient) -> None:
    started = json.loads(ok(cli("session", "start", "--project", "1", "--account", "2", "--json")))
    api: dict[str, Any] = client.get(f"/api/sessions/{started['id']}").json()["data"]
    assert started == api
    shown = json.loads(ok(cli("session", "show", str(started["id"]), "--json")))
    assert shown == api


@pytest.mark.parametrize(("args", "code", "words"), [
    (("session", "usage", "--project", "nope", "--credits", "3"), 3, "no project named 'nope'"),
    (("session", "usage", "--project", "Shp", "--credits", "3"), 3, "did you mean 'Shop'"),
    (("session", "usage", "--project", "Shop", "--credits", "3"), 2, "has no session in progress"),
    (("session", "usage", "7", "--project", "Shop", "--credits", "3"), 2, "one of them"),
    (("session", "end", "99"), 3, "session 99 does not exist"),
    (("session", "start", "--project", "Shop", "--account", "gamma"), 3, "no account named 'gamma'"),
    (("rotate", "--project", "999"), 3, "project 999 does not exist"),
    (("handoff", "--project", "Shop", "--level", "huge"), 2, "--level must be low, medium or high"),
])
def test_bad_input_is_one_line_and_changes_nothing(cli: Cli, pool: None, args: tuple[str, ...], code: int,
                                                   words: str) -> None:
    before = ok(cli("status", "--json"))
    error = one_line_error(cli(*args), code)
    assert words in error and "{" not in error  # no Python repr of the details
    assert ok(cli("status", "--json")) == before


def test_auto_rotate_happens_on_the_usage_that_makes_it_due(cli: Cli, pool: None, client: TestClient) -> None:
    assert client.patch("/api/projects/1", json={"auto_rotate": True}).status_code == 200
    ok(cli("session", "start", "--project", "Shop", "--account", "alpha"))
    rotated = cli("session", "usage", "--project", "Shop", "--credits", "90")
    assert "rotated to beta (100 credits): session 2" in ok(rotated)
    assert json.loads(ok(cli("session", "show", "--project", "Shop", "--json")))["account_name"] == "beta"


@pytest.mark.usefixtures("isolated_git")
def test_a_session_started_from_the_terminal_records_the_head_and_the_handoff_shows_git(
        cli: Cli, pool: None, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "shop")
    start_sha = git(repo, "rev-parse", "HEAD")
    ok(cli("projects", "edit", "Shop", "--repo", str(repo)))
    started = json.loads(ok(cli("session", "start", "--project", "Shop", "--account", "alpha", "--json")))
    commit_file(repo, "src/checkout.py", "TOTAL = 19.99\n", "fix(checkout): round the total half up")
    (repo / "notes.txt").write_text("left to do\n")
    ok(cli("session", "usage", "--project", "Shop", "--credits", "92"))
    handed = ok(cli("handoff", "--project", "Shop"))
    git_part = handed[handed.index("## Git"):]
    assert "fix(checkout): round the total half up" in git_part and "notes.txt" in git_part
    assert start_sha[:7] in git_part  # counted from the HEAD recorded when the session started
    assert started["id"] == 1
