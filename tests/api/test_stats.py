"""GET /api/stats: every figure computed from the stored rows, and "today" measured in UTC days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.api.api_helpers import complete, new_account, new_project, ok, start, stats, use

DEMO_SESSION_CREDITS = [88, 92, 85, 72, 95, 88, 82]
# What the demo's accounts had used when they were added (quota 100 minus the original's levels), today.
DEMO_OPENING_CREDITS = [8, 22, 15, 5, 12, 55, 80]
ORIGINAL_FIELDS = {"active_projects", "active_accounts", "total_credits", "total_sessions"}


def test_empty_database_gives_zeros(client: TestClient) -> None:
    body = ok(client.get("/api/stats"))
    assert set(body["data"]) >= ORIGINAL_FIELDS
    data = body["data"]
    assert (data["active_projects"], data["active_accounts"], data["total_credits"], data["total_sessions"]) == (
        0, 0, 0, 0)
    assert data["accounts_by_status"] == {"available": 0, "active": 0, "exhausted": 0, "throttled": 0,
                                          "disabled": 0}
    assert data["credits_used_today"] == 0 and data["avg_credits_per_completed_session"] is None


def test_demo_figures_are_computed_from_the_demo_rows(client: TestClient, demo: None) -> None:
    data = stats(client)
    assert sum(DEMO_SESSION_CREDITS) == 602 and sum(DEMO_OPENING_CREDITS) == 197
    assert data["total_credits"] == data["credits_used_total"] == 602 + 197 == 799
    assert data["total_sessions"] == 7 and data["sessions_completed"] == 7 and data["sessions_active"] == 0
    assert data["active_projects"] == 4 and data["projects_total"] == 4
    assert data["accounts_total"] == 10
    # No demo session is open, so no account is active; the original's two exhausted ones stay exhausted.
    assert data["accounts_by_status"] == {"available": 8, "active": 0, "exhausted": 2, "throttled": 0,
                                          "disabled": 0}
    assert data["active_accounts"] == 8
    assert data["avg_credits_per_completed_session"] == 86.0
    # The demo's sessions are in the past; the opening usage is dated at the demo's "now".
    assert data["credits_used_today"] == 197


def test_usage_moves_today_and_the_totals_by_exactly_that_amount(client: TestClient, demo: None) -> None:
    before = stats(client)
    account_id = new_account(client, "Fresh")["id"]
    session_id = start(client, new_project(client, "New one")["id"], account_id)["id"]
    during = stats(client)
    assert during["total_sessions"] == before["total_sessions"] + 1
    assert during["sessions_active"] == 1 and during["active_projects"] == before["active_projects"] + 1
    assert during["accounts_by_status"]["active"] == before["accounts_by_status"]["active"] + 1
    use(client, session_id, 17)
    use(client, session_id, 6)
    after = stats(client)
    assert after["credits_used_today"] == before["credits_used_today"] + 23
    assert after["total_credits"] == before["total_credits"] + 23 == 822
    assert after["credits_used_total"] == after["total_credits"]


def test_completed_sessions_feed_the_average(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    for name, credits in (("a", 10), ("b", 25)):
        session_id = start(client, project_id, new_account(client, name)["id"])["id"]
        use(client, session_id, credits)
        complete(client, session_id)
    data = stats(client)
    assert (data["sessions_completed"], data["avg_credits_per_completed_session"]) == (2, 17.5)


def test_the_next_day_starts_at_zero_while_the_total_stays(client: TestClient, clock: Any) -> None:
    clock.now = datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC)
    session_id = start(client, new_project(client)["id"], new_account(client)["id"])["id"]
    use(client, session_id, 40)
    assert (stats(client)["credits_used_today"], stats(client)["total_credits"]) == (40, 40)
    clock.now = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert (stats(client)["credits_used_today"], stats(client)["total_credits"]) == (0, 40)
    use(client, session_id, 2)
    assert (stats(client)["credits_used_today"], stats(client)["total_credits"]) == (2, 42)


def test_today_is_a_utc_day(client: TestClient, clock: Any) -> None:
    session_id = start(client, new_project(client)["id"], new_account(client)["id"])["id"]
    clock.now = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)
    use(client, session_id, 5)
    # 01:30 the next day in UTC is still the 25th in New York, but "today" is measured in UTC.
    clock.now += timedelta(hours=3)
    assert stats(client)["credits_used_today"] == 0


def test_account_statuses_are_counted_as_they_are(client: TestClient) -> None:
    for name, status in (("a", "available"), ("b", "blocked"), ("c", "exhausted"), ("d", "disabled"),
                         ("e", "throttled")):
        account_id = new_account(client, name)["id"]
        ok(client.patch(f"/api/accounts/{account_id}", json={"status": status}))
    f = new_account(client, "f")["id"]
    start(client, new_project(client)["id"], f)
    new_account(client, "g", credits_available=0)
    data = stats(client)
    assert data["accounts_by_status"] == {"available": 1, "active": 1, "exhausted": 2, "throttled": 1,
                                          "disabled": 2}
    assert (data["active_accounts"], data["accounts_total"]) == (2, 7)


def test_project_statuses_decide_active_projects(client: TestClient) -> None:
    new_project(client, "a")
    new_project(client, "b", status="paused")
    new_project(client, "c", status="archived")
    data = stats(client)
    assert (data["active_projects"], data["projects_total"]) == (1, 3)
