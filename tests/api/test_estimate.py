"""POST /api/estimate and select-best-account with a task (the CLI's side: tests/cli/test_cli_estimate.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.api_helpers import bearer, complete, fails, new_account, new_project, ok, start, use

FRONTEND = "Build the React checkout form with validation"


def build_history(client: TestClient, clock: Any) -> dict[str, int]:
    """Three React sessions on ui-box, days ago (their windows have reset since), and low-box with 30 left."""
    today = clock.now
    shop = new_project(client, "Shop")["id"]
    ui = new_account(client, "ui-box", specialization="React")["id"]
    for days_ago, credits in ((3, 40), (4, 44), (5, 42)):
        clock.now = today - timedelta(days=days_ago)
        session_id = start(client, shop, ui, objectives=FRONTEND)["id"]
        use(client, session_id, credits)
        complete(client, session_id, accomplishments="checkout form and React validation hooks")
    clock.now = today
    low = new_account(client, "low-box", credits_available=30)["id"]
    return {"shop": shop, "ui": ui, "low": low}


@pytest.fixture
def history(client: TestClient, clock: Any) -> dict[str, int]:
    return build_history(client, clock)


def estimate(client: TestClient, **body: Any) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.post("/api/estimate", json=body))["data"]
    return data


def test_estimate_answers_from_similar_sessions(client: TestClient, history: dict[str, int],
                                                make_token: Callable[[str], str]) -> None:
    viewer = bearer(make_token("viewer"))
    answer = ok(client.post("/api/estimate", json={"text": "React form for checkout"}, headers=viewer))["data"]
    assert set(answer) == {"estimate_credits", "low", "high", "basis", "unit", "sessions_considered", "neighbours",
                           "suited_accounts"}
    assert (answer["estimate_credits"], answer["basis"], answer["unit"]) == (42, "similar_sessions", "credits")
    assert sorted(item["credits"] for item in answer["neighbours"]) == [40, 42, 44]
    assert set(answer["neighbours"][0]) == {"session_id", "similarity", "credits", "account_id"}
    assert [item["account_name"] for item in answer["suited_accounts"]] == ["ui-box"]
    same = estimate(client, text="React form for checkout", project_id=history["shop"], session_type="development")
    assert same["basis"] == "similar_sessions"
    assert estimate(client, text="kubernetes autoscaler")["basis"] == "global_mean"


def test_estimate_refuses_bad_bodies(client: TestClient, history: dict[str, int]) -> None:
    fails(client.post("/api/estimate", json={"text": ""}), 422)
    fails(client.post("/api/estimate", json={"text": "   "}), 422)
    fails(client.post("/api/estimate", json={"text": "x", "colour": "red"}), 422)
    fails(client.post("/api/estimate", json={"text": "x", "session_type": "party"}), 422)
    fails(client.post("/api/estimate", json={"text": "x", "project_id": 999}), 404, "not_found")


def test_select_best_with_a_task_says_who_is_short(client: TestClient, history: dict[str, int]) -> None:
    body = ok(client.post("/api/private/select-best-account", json={"task": "React form for checkout", "limit": 2}))
    assert set(body) == {"success", "data", "ranked"}
    assert [item["id"] for item in body["ranked"]] == [history["ui"], history["low"]]
    ui, low = body["ranked"]
    assert "needs ~42, has 30" in low["reasons"]
    assert any(reason.startswith("suited to similar work") for reason in ui["reasons"])
    assert all(isinstance(reason, str) for item in body["ranked"] for reason in item["reasons"])
    plain = ok(client.post("/api/private/select-best-account", json={"limit": 2}))
    assert not any("needs" in reason for item in plain["ranked"] for reason in item["reasons"])
    fails(client.post("/api/private/select-best-account", json={"task": 5}), 422)
