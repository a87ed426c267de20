"""`paas analytics`: --json prints the API's `data`; the table names the band and the recommendations;
refusals are one line with their exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import Result

from paas.services.demo import load_demo
from paas.store.unit import transaction
from tests.api.api_helpers import ok

Cli = Callable[..., Result]


@pytest.fixture
def demo(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        load_demo(session, clock())


def test_json_is_the_api_data(cli: Cli, client: TestClient, demo: None, same_clock: None) -> None:
    for args, body in (((), {}), (("--project", "1"), {"project_id": 1}),
                       (("--project", "agentica ecosystem", "--days", "4"), {"project_id": 2, "days": 4}),
                       (("--unit", "tokens"), {"unit": "tokens"})):
        result = cli("analytics", *args, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == ok(client.post("/api/private/analyze-credits", json=body))["data"]


def test_the_table(cli: Cli, demo: None, same_clock: None) -> None:
    result = cli("analytics", "--project", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "4 sessions · 337 credits · average 84.25 (min 72, max 92) · good" in out
    assert "at 72 credits on GenSpark-DevOps, left 18 credits unused" in out
    assert "GenSpark-DevOps" in out and "70-80" in out
    assert "handoffs 1; left unused at rotation: 18 credits below the threshold, 28 below the quota" in out


def test_nothing_in_the_window(cli: Cli, demo: None, same_clock: None) -> None:
    result = cli("analytics", "--project", "4")
    assert result.exit_code == 0, result.output
    assert "No finished sessions in the last 30 days" in result.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--days", "0"), 2, "error: days must be a whole number from 1 to 3650"),
    (("--days", "3651"), 2, "error: days must be a whole number from 1 to 3650"),
    (("--project", "nope"), 3, "error: no project named 'nope'"),
    (("--unit", "euros"), 2, "error: unit must be one of credits, tokens, usd"),
])
def test_refusals_are_one_line(cli: Cli, demo: None, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli("analytics", *args)
    assert result.exit_code == code
    assert result.stderr.strip().splitlines()[0].startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_demo_scale(cli: Cli, engine: Engine) -> None:
    result = cli("demo", "--scale", "2500")
    assert result.exit_code == 0, result.output
    assert "generated 2,500 credit events" in result.stdout and "4 projects, 10 accounts" in result.stdout
    refused = cli("demo", "--scale", "0")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == "error: --scale must be a number of credit events from 1 to 10,000,000"
