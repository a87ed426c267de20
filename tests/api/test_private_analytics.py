"""POST /api/private/analyze-credits: the original's body and answer shape (plus the added fields),
the app's clock, 404/422, a viewer may ask, and the OpenAPI document describes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.api_helpers import fails, ok, rows
from tests.conftest import FrozenClock

PATH = "/api/private/analyze-credits"


def test_the_readme_example_shape_on_the_demo(client: TestClient, demo: None) -> None:
    body = ok(client.post(PATH, json={"project_id": 1, "days": 30}))
    data = body["data"]
    assert set(body) == {"success", "data"}
    assert {key: data[key] for key in ("total_sessions", "total_credits", "avg_credits_per_session", "min_credits",
                                       "max_credits", "efficiency_score")} == {
        "total_sessions": 4, "total_credits": 337, "avg_credits_per_session": 84.25, "min_credits": 72,
        "max_credits": 92, "efficiency_score": "good"}
    assert all(isinstance(line, str) for line in data["recommendations"])
    assert {"efficiency", "credits_per_day", "accounts", "histogram", "unused_at_rotation", "handoffs"} <= set(data)
    assert data["accounts"][0].keys() >= {"account_id", "account_name", "sessions", "credits", "average",
                                          "efficiency", "times_exhausted"}
    assert data["histogram"][7] == {"from": 70, "to": 80, "sessions": 1}
    assert data["credits_per_day"][-1] == {"date": "2026-11-25", "credits": 0}
    assert data["unused_at_rotation"]["credits_left_to_threshold"] == 18  # session 4's pending handoff at 72


def test_defaults_all_projects_30_days_and_the_apps_clock(client: TestClient, demo: None, clock: FrozenClock) -> None:
    assert ok(client.post(PATH, json={}))["data"]["total_sessions"] == 7
    clock.now += timedelta(days=40)
    later = ok(client.post(PATH, json={}))["data"]
    assert (later["total_sessions"], later["efficiency_score"], later["avg_credits_per_session"]) == (0, None, None)
    assert later["until"] == "2027-01-04T12:00:00Z"


def test_refusals(client: TestClient, demo: None, engine: Any) -> None:
    before = rows(engine)
    assert "project 99 does not exist" in fails(client.post(PATH, json={"project_id": 99}), 404)["message"]
    for body in ({"days": 0}, {"days": 3651}, {"days": "30"}, {"project_id": 0}, {"days": 30, "window": 2}):
        fails(client.post(PATH, json=body), 422)
    assert rows(engine) == before


def test_a_viewer_may_ask(anonymous: TestClient, make_token: Any, demo: None) -> None:
    viewer = {"Authorization": f"Bearer {make_token('viewer')}"}
    assert ok(anonymous.post(PATH, json={"days": 7}, headers=viewer))["data"]["days"] == 7
    fails(anonymous.post(PATH, json={}), 401)


def test_openapi_documents_the_answer(anonymous: TestClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    operation = spec["paths"][PATH]["post"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    analysis = schemas["CreditAnalysis"]["properties"]
    assert {"total_sessions", "efficiency_score", "recommendations", "credits_per_day", "accounts", "histogram",
            "unused_at_rotation", "handoffs"} <= set(analysis)
    assert set(schemas["HistogramBin"]["properties"]) == {"from", "to", "sessions"}
    request = schemas["AnalyzeCredits"]["properties"]
    assert (request["days"]["minimum"], request["days"]["maximum"], request["days"]["default"]) == (1, 3650, 30)
