"""`paas forecast`: the API's JSON with --json, and a table that fits 80 columns."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from paas.cli import app
from tests.conftest import FrozenClock

Cli = Callable[..., Result]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_forecast_is_the_api_json_and_reads_at_80_columns(cli: Cli, client: TestClient, clock: FrozenClock,
                                                          database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("paas.cli.door.now", lambda: clock.now)  # the API's clock
    ok(cli("projects", "add", "A shop with a long project name"))
    ok(cli("accounts", "add", "alpha-with-a-long-account-name"))
    ok(cli("accounts", "add", "beta"))
    ok(cli("session", "start", "--project", "A shop with a long project name", "--account",
           "alpha-with-a-long-account-name"))
    for _ in range(4):
        ok(cli("session", "usage", "--project", "A shop with a long project name", "--credits", "15"))
        clock.now += timedelta(minutes=15)
    figures = json.loads(ok(cli("forecast", "--json")))
    assert figures == client.get("/api/forecast").json()["data"]
    assert [item["used"] for item in figures["accounts"]] == [60, 0]
    monkeypatch.setattr("paas.cli.door._consoles", {})  # a console as wide as COLUMNS says
    narrow = CliRunner().invoke(app, ["forecast"], env={"PAAS_DATABASE_URL": database_url, "COLUMNS": "80"})
    text = ok(narrow)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "Pool" in text and "140 left on 2 accounts" in text and "runs out" in text
    assert "< reset" in text and "in progress" in text and "beta" in text


def test_forecast_of_an_empty_pool(cli: Cli) -> None:
    assert "no accounts" in ok(cli("forecast"))
    assert json.loads(ok(cli("forecast", "--json")))["pools"] == []


def test_a_usd_account_reads_in_dollars_and_a_tokens_one_short(cli: Cli, clock: FrozenClock,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("paas.cli.door.now", lambda: clock.now)
    ok(cli("projects", "add", "shop"))
    ok(cli("accounts", "add", "dollars", "--unit", "usd", "--quota", "2000"))
    ok(cli("accounts", "add", "tokens", "--unit", "tokens", "--quota", "5000000"))
    ok(cli("session", "start", "--project", "shop", "--account", "dollars"))
    for _ in range(4):
        ok(cli("session", "usage", "--project", "shop", "--credits", "153"))  # cents
        clock.now += timedelta(minutes=15)
    text = " ".join(ok(cli("forecast")).split())
    assert "Pool (usd): $13.88 left on 1 accounts" in text
    assert "$20.00 left at 00:00 UTC tomorrow" in text
    assert "dollars $6.12/$20.00" in text and "tokens 0/5M tok" in text
    assert "dollars $6.12/$18.00" in text  # the session in progress against its threshold
    assert "1388" not in text and "612/2000" not in text
