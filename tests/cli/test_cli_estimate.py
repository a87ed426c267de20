"""`paas estimate`, `paas accounts best --task` and `paas session start --objective`: the API's JSON
with --json, and what the task usually takes in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import Result

from tests.api.api_helpers import ok
from tests.api.test_estimate import build_history, estimate
from tests.cli.cli_helpers import printed

Cli = Callable[..., Result]


@pytest.fixture
def history(client: TestClient, clock: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr("paas.cli.door.now", clock)  # the CLI computes at the API's moment
    return build_history(client, clock)


def test_the_cli_prints_the_api_json(cli: Cli, client: TestClient, history: dict[str, int]) -> None:
    api = estimate(client, text="React form for checkout", project_id=history["shop"])
    assert printed(cli, "estimate", "React form for checkout", "--project", "Shop") == api
    ranked = ok(client.post("/api/private/select-best-account", json={"task": "React form", "limit": 2}))["ranked"]
    assert printed(cli, "accounts", "best", "--task", "React form", "--limit", "2") == ranked
    said = cli("estimate", "React form for checkout")
    assert said.exit_code == 0, said.output
    assert "this task usually takes ~42 credits, 40-44 (from 3 similar sessions)" in said.stdout
    assert "suited: ui-box" in said.stdout
    best = cli("accounts", "best", "--task", "React form for checkout")
    assert best.exit_code == 0 and "needs ~42, has 30" in best.stdout
    assert cli("estimate", " ").exit_code == 2
    assert cli("estimate", "x", "--project", "Nope").exit_code == 3


def test_session_start_with_an_objective_says_what_it_usually_takes(cli: Cli, history: dict[str, int]) -> None:
    result = cli("session", "start", "--project", "Shop", "--objective", "React checkout form polish")
    assert result.exit_code == 0, result.output
    assert "on ui-box" in result.stdout
    assert "this task usually takes ~42 credits, 40-44 (from 3 similar sessions)" in result.stdout
    assert "has 100" in result.stdout and "has 30" not in result.stdout  # ui-box has enough
    plain = cli("session", "start", "--project", "Shop", "--account", "low-box")
    assert plain.exit_code == 0 and "usually takes" not in plain.stdout


def test_a_named_account_is_estimated_from_the_history_in_its_own_unit(cli: Cli, history: dict[str, int]) -> None:
    assert cli("accounts", "add", "dollars", "--unit", "usd", "--quota", "2000").exit_code == 0
    result = cli("session", "start", "--project", "Shop", "--account", "dollars", "--objective", "React checkout form")
    assert result.exit_code == 0, result.output
    assert "~42 credits" not in result.stdout  # the credits history says nothing of a usd account's spend
    assert "no ended sessions with credits yet" in result.stdout


def test_an_estimate_in_usd_is_said_in_dollars_not_cents() -> None:
    from paas.services.history import EstimateOut, describe_estimate

    found = EstimateOut(estimate_credits=1234, low=1000, high=1500, basis="global_mean", neighbours=[],
                        suited_accounts=[], unit="usd", sessions_considered=9)
    assert describe_estimate(found) == ("no similar past sessions: a session takes ~$12.34, $10.00-$15.00 on average "
                                        "(global mean of 9)")
