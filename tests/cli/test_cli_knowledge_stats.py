"""`paas knowledge` and `paas stats`: the API's JSON with --json, the API's limits on input."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import Result

from tests.cli.test_cli_briefing import one_line_error

Cli = Callable[..., Result]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_add_list_and_search_are_the_api_json(cli: Cli, client: TestClient) -> None:
    added = json.loads(ok(cli("knowledge", "add", "--title", "Round half up", "--category", "error_solution",
                              "--description", "Money is rounded half up, never down", "--tags",
                              "money, rounding, money", "--json")))
    assert (added["title"], added["tags"]) == ("Round half up", "money,rounding")
    ok(cli("knowledge", "add", "--title", "Commit first", "--category", "best_practice"))
    listed = json.loads(ok(cli("knowledge", "list", "--json")))
    assert listed == client.get("/api/knowledge").json()["data"]
    found = json.loads(ok(cli("knowledge", "search", "money", "half", "--json")))
    assert [entry["id"] for entry in found] == [added["id"]]
    assert json.loads(ok(cli("knowledge", "search", "money", "--category", "tip", "--json"))) == []
    assert "showing 2 of 2" in ok(cli("knowledge", "list"))


@pytest.mark.parametrize(("args", "words"), [
    (("--title", "x", "--category", "solution"), "category: Input should be"),
    (("--title", "", "--category", "tip"), "title"),
    (("--title", "x" * 301, "--category", "tip"), "title"),
    (("--title", "x", "--category", "tip", "--session", "99"), "session 99 does not exist"),
])
def test_add_refuses_what_the_api_refuses_and_stores_nothing(cli: Cli, args: tuple[str, ...], words: str) -> None:
    error = one_line_error(cli("knowledge", "add", *args), 3 if "does not exist" in words else 2)
    assert words in error
    assert json.loads(ok(cli("knowledge", "list", "--json"))) == []


def test_stats_are_the_api_figures(cli: Cli, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("paas.cli.door.now", lambda: datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # the API's clock
    ok(cli("projects", "add", "Shop"))
    ok(cli("accounts", "add", "alpha"))
    ok(cli("session", "start", "--project", "Shop", "--account", "alpha"))
    ok(cli("session", "usage", "--project", "Shop", "--credits", "12"))
    figures = json.loads(ok(cli("stats", "--json")))
    assert figures == client.get("/api/stats").json()["data"]
    assert (figures["total_credits"], figures["sessions_active"], figures["active_projects"]) == (12, 1, 1)
    text = ok(cli("stats"))
    assert "credits used, all time" in text and "12" in text
