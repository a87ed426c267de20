"""GET /api/forecast: a viewer's read at the app's clock, the service's view as ``data``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from tests.api.api_helpers import new_account, new_project, ok, start, use
from tests.conftest import FrozenClock


def test_the_forecast_of_a_session_in_progress(client: TestClient, anonymous: TestClient, clock: FrozenClock,
                                               make_token: Callable[[str], str]) -> None:
    account_id = new_account(client, "Alpha")["id"]
    session_id = start(client, new_project(client, "Shop")["id"], account_id)["id"]
    for _ in range(6):
        use(client, session_id, 10)
        clock.now += timedelta(minutes=10)
    data = ok(anonymous.get("/api/forecast", headers={"Authorization": f"Bearer {make_token('viewer')}"}))["data"]
    assert set(data) == {"generated_at", "pools", "accounts", "sessions"}
    assert data["generated_at"] == "2026-11-25T13:00:00Z"
    [pool] = data["pools"]
    assert (pool["unit"], pool["accounts"], pool["credits_left"]) == ("credits", 1, 40)
    [account] = data["accounts"]
    assert (account["account_name"], account["used"], account["status"]) == ("Alpha", 60, "active")
    assert 50 <= account["burn_rate_per_hour"] <= 70  # 60 in the hour since the session started
    assert account["runs_out_before_reset"] is True
    [work] = data["sessions"]
    assert (work["session_id"], work["account_used"], work["threshold"]) == (session_id, 60, 90)
    assert work["reaches_threshold_at"] > data["generated_at"]
    assert pool["runs_dry_at"] == account["runs_out_at"]  # one account: the pool is dry when it is


def test_the_forecast_needs_a_token(anonymous: TestClient) -> None:
    assert anonymous.get("/api/forecast").status_code == 401
