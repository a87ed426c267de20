"""POST /api/accounts/{id}/report-limit: what a platform said, turned into the account's computed status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import bearer, fails, new_account, new_project, ok, rows, start


def report(client: TestClient, account_id: int, **body: Any) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.post(f"/api/accounts/{account_id}/report-limit", json=body))["data"]
    return data


def test_window_exhausted_marks_it_until_the_next_reset(client: TestClient, clock: Any) -> None:
    account = new_account(client)
    data = report(client, account["id"], reason="window_exhausted")
    assert (data["status"], data["id"], data["credits_available"]) == ("exhausted", account["id"], 100)
    assert data["exhausted_until"] in ("2026-11-26T00:00:00Z", "2026-11-26T00:00:00+00:00")
    clock.now += timedelta(hours=12)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["status"] == "available"


def test_window_exhausted_with_the_platforms_reset_time(client: TestClient, clock: Any) -> None:
    account = new_account(client)
    data = report(client, account["id"], reason="window_exhausted", resets_at="2026-11-25T15:00:00Z")
    assert data["exhausted_until"] in ("2026-11-25T15:00:00Z", "2026-11-25T15:00:00+00:00")
    clock.now += timedelta(hours=3)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["status"] == "available"


def test_a_reset_time_in_the_past_is_refused(client: TestClient, engine: Engine) -> None:
    account = new_account(client)
    before = rows(engine)
    fails(client.post(f"/api/accounts/{account['id']}/report-limit",
                      json={"reason": "window_exhausted", "resets_at": "2026-11-25T11:00:00Z"}), 422, "invalid_input")
    assert rows(engine) == before


def test_throttled_lasts_the_cooldown(client: TestClient, clock: Any) -> None:
    account = new_account(client)
    data = report(client, account["id"], reason="throttled", cooldown_seconds=300)
    assert data["status"] == "throttled"
    assert data["throttled_until"] in ("2026-11-25T12:05:00Z", "2026-11-25T12:05:00+00:00")
    clock.now += timedelta(seconds=299)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["status"] == "throttled"
    clock.now += timedelta(seconds=1)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["status"] == "available"


def test_throttled_without_a_cooldown_lasts_a_minute(client: TestClient) -> None:
    data = report(client, new_account(client)["id"], reason="throttled")
    assert data["throttled_until"] in ("2026-11-25T12:01:00Z", "2026-11-25T12:01:00+00:00")


def test_invalid_credentials_disable_it_until_a_person_re_enables(client: TestClient, clock: Any) -> None:
    account = new_account(client)
    data = report(client, account["id"], reason="invalid_credentials")
    assert (data["status"], data["disabled_reason"]) == ("disabled", "the platform refused its credentials")
    clock.now += timedelta(days=3)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["status"] == "disabled"
    fails(client.post("/api/sessions", json={"project_id": new_project(client)["id"], "account_id": account["id"]}),
          409, "conflict")
    assert ok(client.patch(f"/api/accounts/{account['id']}", json={"status": "available"}))["data"]["status"] == \
        "available"


def test_an_operators_invalid_credentials_report_holds_the_account_out_but_never_disables_it(
        client: TestClient, engine: Engine, clock: Any, make_token: Callable[[str], str]) -> None:
    """Issue 12: an operator could disable any account, and only an admin could undo it."""
    account = new_account(client)
    url = f"/api/accounts/{account['id']}/report-limit"
    data = ok(client.post(url, json={"reason": "invalid_credentials"},
                          headers=bearer(make_token("operator"))))["data"]
    assert (data["status"], data["disabled_reason"]) == ("throttled", None)
    assert data["throttled_until"] in ("2026-11-25T13:00:00Z", "2026-11-25T13:00:00+00:00")
    fails(client.post("/api/private/select-best-account", json={}), 404, "not_found")  # out of the pool
    clock.now += timedelta(hours=1)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["status"] == "available"  # back by itself


def test_an_operators_report_never_shortens_a_longer_hold(client: TestClient, make_token: Callable[[str], str]) -> None:
    account = new_account(client)
    url = f"/api/accounts/{account['id']}/report-limit"
    report(client, account["id"], reason="throttled", cooldown_seconds=86_400)
    data = ok(client.post(url, json={"reason": "invalid_credentials"},
                          headers=bearer(make_token("operator"))))["data"]
    assert data["throttled_until"] in ("2026-11-26T12:00:00Z", "2026-11-26T12:00:00+00:00")


def test_a_reported_account_is_not_selected(client: TestClient) -> None:
    reported = new_account(client, "reported", specialization="Frontend")
    fallback = new_account(client, "fallback", specialization="Painting")
    report(client, reported["id"], reason="throttled")
    best = ok(client.post("/api/private/select-best-account", json={"specialization": "Frontend"}))["data"]
    assert best["id"] == fallback["id"]


def test_a_leased_account_shows_active_after_a_report(client: TestClient) -> None:
    account = new_account(client)
    work = start(client, new_project(client)["id"], account["id"])
    data = report(client, account["id"], reason="window_exhausted")
    assert (data["status"], data["leased_session_id"]) == ("active", work["id"])
    assert data["exhausted_until"] is not None


@pytest.mark.parametrize("body", [
    {}, {"reason": "tired"}, {"reason": "throttled", "cooldown_seconds": 0},
    {"reason": "throttled", "cooldown_seconds": 86_401}, {"reason": "throttled", "cooldown_seconds": "60"},
    {"reason": "window_exhausted", "resets_at": "soon"}, {"reason": "throttled", "extra": 1},
], ids=["missing reason", "reason enum", "cooldown 0", "cooldown over a day", "cooldown string", "resets_at text",
        "unknown field"])
def test_bad_input_is_422_and_changes_nothing(client: TestClient, engine: Engine, body: dict[str, Any]) -> None:
    account = new_account(client)
    before = rows(engine)
    fails(client.post(f"/api/accounts/{account['id']}/report-limit", json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_unknown_account_is_404(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    fails(client.post("/api/accounts/99/report-limit", json={"reason": "throttled"}), 404, "not_found")
    assert rows(engine) == before


def test_an_operator_may_report_and_a_viewer_may_not(client: TestClient, engine: Engine,
                                                     make_token: Callable[[str], str]) -> None:
    account = new_account(client)
    url = f"/api/accounts/{account['id']}/report-limit"
    before = rows(engine)
    error = fails(client.post(url, json={"reason": "throttled"}, headers=bearer(make_token("viewer"))), 403,
                  "forbidden")
    assert error["details"] == {"required": "operator", "role": "viewer"}
    assert rows(engine) == before
    data = ok(client.post(url, json={"reason": "throttled"}, headers=bearer(make_token("operator"))))["data"]
    assert data["status"] == "throttled"


def test_credentials_never_appear_in_the_answer(client: TestClient) -> None:
    secret = "sk-report-SECRET-5555555555"
    account = new_account(client, credentials=secret)
    response = client.post(f"/api/accounts/{account['id']}/report-limit", json={"reason": "invalid_credentials"})
    assert response.status_code == 200 and secret not in response.text
    assert response.json()["data"]["has_credentials"] is True
