"""/api/sessions: start, list (newest first, 50 by default), read, change, complete, delete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import at_once, complete, fails, new_account, new_project, ok, rows, start, use

ORIGINAL_ITEM_FIELDS = {"id", "session_number", "session_type", "credits_used", "duration_minutes", "status",
                        "started_at", "completed_at", "project_name", "account_name", "project_id", "account_id"}


@pytest.fixture
def pair(client: TestClient) -> tuple[int, int]:
    """(project id, account id) of a fresh project and account."""
    return new_project(client)["id"], new_account(client)["id"]


def test_start_answers_201_with_id_session_number_and_names(client: TestClient, clock: Any,
                                                            pair: tuple[int, int]) -> None:
    project_id, account_id = pair
    body = start(client, project_id, account_id, session_type="bugfix", objectives="fix login")
    assert body["session_number"] == 1
    data = body["data"]
    assert (data["project_id"], data["project_name"], data["account_id"], data["account_name"]) == (
        project_id, "Alpha", account_id, "acct-1")
    assert (data["session_type"], data["objectives"], data["status"]) == ("bugfix", "fix login", "in_progress")
    assert data["credits_used"] == 0 and data["completed_at"] is None
    assert data["started_at"].startswith(clock().strftime("%Y-%m-%dT%H:%M:%S"))
    assert ok(client.get(f"/api/accounts/{account_id}"))["data"]["status"] == "active"
    assert ok(client.get(f"/api/projects/{project_id}"))["data"]["total_sessions"] == 1


def test_session_numbers_run_per_project(client: TestClient) -> None:
    a, b = new_project(client, "A")["id"], new_project(client, "B")["id"]
    accounts = [new_account(client, f"acct-{n}")["id"] for n in range(4)]
    numbers_a = [start(client, a, account)["session_number"] for account in accounts[:3]]
    assert numbers_a == [1, 2, 3]
    assert start(client, b, accounts[3])["session_number"] == 1


def test_concurrent_starts_on_one_project_take_distinct_numbers(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    accounts = [new_account(client, f"acct-{n}")["id"] for n in range(8)]
    responses = at_once(8, lambda n: client.post("/api/sessions", json={"project_id": project_id,
                                                                         "account_id": accounts[n]}))
    assert sorted(response.status_code for response in responses) == [201] * 8
    assert sorted(response.json()["session_number"] for response in responses) == list(range(1, 9))


def test_concurrent_starts_on_one_account_lease_it_once(client: TestClient, engine: Engine) -> None:
    project_id, account_id = new_project(client)["id"], new_account(client)["id"]
    responses = at_once(8, lambda _: client.post("/api/sessions", json={"project_id": project_id,
                                                                         "account_id": account_id}))
    assert sorted(response.status_code for response in responses) == [201] + [409] * 7
    for response in responses:
        if response.status_code == 409:
            fails(response, 409, "conflict")
    assert ok(client.get("/api/sessions"))["pagination"]["total"] == 1


def test_an_account_with_a_session_in_progress_cannot_start_another(client: TestClient, engine: Engine,
                                                                    pair: tuple[int, int]) -> None:
    project_id, account_id = pair
    first = start(client, project_id, account_id)
    other_project = new_project(client, "Other")["id"]
    before = rows(engine)
    error = fails(client.post("/api/sessions", json={"project_id": other_project, "account_id": account_id}),
                  409, "conflict")
    assert error["details"]["session_id"] == first["id"]
    assert rows(engine) == before


@pytest.mark.parametrize("status", ["disabled", "blocked", "exhausted", "throttled"])
def test_a_disabled_exhausted_or_throttled_account_cannot_start(client: TestClient, engine: Engine,
                                                                status: str) -> None:
    project_id = new_project(client)["id"]
    account_id = new_account(client)["id"]
    ok(client.patch(f"/api/accounts/{account_id}", json={"status": status}))
    before = rows(engine)
    error = fails(client.post("/api/sessions", json={"project_id": project_id, "account_id": account_id}),
                  409, "conflict")
    assert error["details"]["status"] == ("disabled" if status == "blocked" else status)
    assert rows(engine) == before


def test_an_account_with_no_credits_left_cannot_start(client: TestClient, engine: Engine) -> None:
    project_id = new_project(client)["id"]
    account_id = new_account(client, credits_available=0)["id"]
    before = rows(engine)
    error = fails(client.post("/api/sessions", json={"project_id": project_id, "account_id": account_id}),
                  409, "conflict")
    assert (error["details"]["status"], error["details"]["next_reset_at"]) == (
        "exhausted", "2026-11-26T00:00:00+00:00")
    assert rows(engine) == before


@pytest.mark.parametrize("missing", ["project", "account"])
def test_start_with_unknown_project_or_account_is_404(client: TestClient, engine: Engine, pair: tuple[int, int],
                                                      missing: str) -> None:
    project_id, account_id = pair
    body = {"project_id": 999 if missing == "project" else project_id,
            "account_id": 999 if missing == "account" else account_id}
    before = rows(engine)
    error = fails(client.post("/api/sessions", json=body), 404, "not_found")
    assert error["details"]["kind"] == missing
    assert rows(engine) == before


@pytest.mark.parametrize("change", [
    {"project_id": "abc"}, {"project_id": "1"}, {"project_id": 1.5}, {"project_id": 10**30}, {"project_id": 0},
    {"account_id": -1}, {"account_id": None}, {"account_id": True}, {"session_type": "nap"},
    {"objectives": "do\x00it"}, {"priority": 3}, {"project_id": [1]},
], ids=["id text", "id numeric string", "id fraction", "id huge", "id zero", "id negative", "id null",
        "id bool", "type enum", "NUL", "unknown field", "id list"])
def test_start_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine, pair: tuple[int, int],
                                                     change: dict[str, Any]) -> None:
    project_id, account_id = pair
    before = rows(engine)
    fails(client.post("/api/sessions", json={"project_id": project_id, "account_id": account_id, **change}),
          422, "invalid_input")
    assert rows(engine) == before


@pytest.mark.parametrize("drop", ["project_id", "account_id"])
def test_start_without_a_required_id_is_422(client: TestClient, engine: Engine, pair: tuple[int, int],
                                            drop: str) -> None:
    body = dict(zip(("project_id", "account_id"), pair, strict=True))
    del body[drop]
    before = rows(engine)
    fails(client.post("/api/sessions", json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_list_is_newest_first_with_the_original_fields(client: TestClient, clock: Any) -> None:
    project_id = new_project(client)["id"]
    ids = []
    for n in range(3):
        ids.append(start(client, project_id, new_account(client, f"a{n}")["id"])["id"])
        clock.now += timedelta(minutes=1)
    body = ok(client.get("/api/sessions"))
    assert [item["id"] for item in body["data"]] == ids[::-1]
    assert all(set(item) >= ORIGINAL_ITEM_FIELDS for item in body["data"])
    assert body["pagination"] == {"total": 3, "limit": 50, "offset": 0}


def test_list_gives_at_most_50_by_default(client: TestClient) -> None:
    project_id, account_id = new_project(client)["id"], new_account(client)["id"]
    for _ in range(51):
        complete(client, start(client, project_id, account_id)["id"])
    body = ok(client.get("/api/sessions"))
    assert len(body["data"]) == 50
    assert body["pagination"] == {"total": 51, "limit": 50, "offset": 0}
    assert body["data"][0]["session_number"] == 51
    rest = ok(client.get("/api/sessions", params={"offset": 50}))
    assert [item["session_number"] for item in rest["data"]] == [1]


def test_list_filters_by_project_account_and_status(client: TestClient) -> None:
    a, b = new_project(client, "A")["id"], new_project(client, "B")["id"]
    x, y = new_account(client, "x")["id"], new_account(client, "y")["id"]
    done = start(client, a, x)["id"]
    complete(client, done)
    start(client, b, x)
    start(client, a, y)

    def listed(**params: Any) -> list[tuple[str, str]]:
        return [(item["project_name"], item["account_name"])
                for item in ok(client.get("/api/sessions", params=params))["data"]]

    assert sorted(listed(project_id=a)) == [("A", "x"), ("A", "y")]
    assert sorted(listed(account_id=x)) == [("A", "x"), ("B", "x")]
    assert listed(project_id=a, account_id=x) == [("A", "x")]
    assert listed(status="completed") == [("A", "x")]
    assert listed(project_id=999) == []
    for bad in ({"status": "sleeping"}, {"project_id": "abc"}, {"account_id": 10**30}, {"limit": 501}):
        fails(client.get("/api/sessions", params=bad), 422, "invalid_input")


def test_get_one_session_and_unknown_is_404(client: TestClient, pair: tuple[int, int]) -> None:
    session = start(client, *pair)
    assert ok(client.get(f"/api/sessions/{session['id']}"))["data"] == session["data"]
    fails(client.get("/api/sessions/999"), 404, "not_found")


def test_patch_changes_only_the_given_fields(client: TestClient, pair: tuple[int, int]) -> None:
    session = start(client, *pair, objectives="ship it")
    data = ok(client.patch(f"/api/sessions/{session['id']}", json={"blockers": "CI red"}))["data"]
    assert (data["blockers"], data["objectives"], data["session_type"]) == ("CI red", "ship it", "development")
    data = ok(client.patch(f"/api/sessions/{session['id']}", json={"session_type": "refactor"}))["data"]
    assert (data["session_type"], data["blockers"], data["status"]) == ("refactor", "CI red", "in_progress")


@pytest.mark.parametrize("body", [
    {"session_type": None}, {"session_type": "nap"}, {"duration_minutes": -1}, {"duration_minutes": 2.5},
    {"status": "completed"}, {"credits_used": 0}, {"handoff_notes": "\x00"}, {"objectives": 5},
], ids=["type null", "type enum", "minutes negative", "minutes fraction", "status not editable",
        "credits not editable", "NUL", "objectives number"])
def test_patch_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine, pair: tuple[int, int],
                                                     body: dict[str, Any]) -> None:
    session = start(client, *pair)
    before = rows(engine)
    fails(client.patch(f"/api/sessions/{session['id']}", json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_patch_unknown_session_is_404(client: TestClient) -> None:
    fails(client.patch("/api/sessions/9", json={"blockers": "x"}), 404, "not_found")


def test_complete_ends_the_session_and_frees_the_account(client: TestClient, clock: Any,
                                                         pair: tuple[int, int]) -> None:
    project_id, account_id = pair
    session = start(client, project_id, account_id)
    clock.now += timedelta(minutes=42)
    data = complete(client, session["id"], accomplishments="done", handoff_notes="next: tests")
    assert (data["status"], data["duration_minutes"], data["accomplishments"]) == ("completed", 42, "done")
    assert data["completed_at"] is not None and data["handoff_notes"] == "next: tests"
    assert ok(client.get(f"/api/accounts/{account_id}"))["data"]["status"] == "available"
    assert start(client, project_id, account_id)["session_number"] == 2


def test_complete_without_a_body_uses_the_defaults(client: TestClient, pair: tuple[int, int]) -> None:
    session = start(client, *pair)
    data = ok(client.post(f"/api/sessions/{session['id']}/complete"))["data"]
    assert data["status"] == "completed"


@pytest.mark.parametrize("ending", ["failed", "handed_off"])
def test_complete_may_record_another_ending(client: TestClient, pair: tuple[int, int], ending: str) -> None:
    session = start(client, *pair)
    assert complete(client, session["id"], status=ending)["status"] == ending


def test_completing_twice_is_409_and_changes_nothing(client: TestClient, engine: Engine,
                                                     pair: tuple[int, int]) -> None:
    session = start(client, *pair)
    complete(client, session["id"])
    before = rows(engine)
    fails(client.post(f"/api/sessions/{session['id']}/complete", json={}), 409, "conflict")
    assert rows(engine) == before


@pytest.mark.parametrize("body", [{"status": "in_progress"}, {"status": "done"}, {"duration_minutes": -5},
                                  {"accomplishments": "\x00"}, {"credits": 5}])
def test_complete_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine,
                                                        pair: tuple[int, int], body: dict[str, Any]) -> None:
    session = start(client, *pair)
    before = rows(engine)
    fails(client.post(f"/api/sessions/{session['id']}/complete", json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_complete_unknown_session_is_404(client: TestClient) -> None:
    fails(client.post("/api/sessions/31/complete", json={}), 404, "not_found")


def test_delete_without_usage_frees_the_account_and_the_project_count(client: TestClient,
                                                                      pair: tuple[int, int]) -> None:
    project_id, account_id = pair
    session = start(client, project_id, account_id)
    assert ok(client.delete(f"/api/sessions/{session['id']}"))["data"] is None
    fails(client.get(f"/api/sessions/{session['id']}"), 404, "not_found")
    assert ok(client.get(f"/api/accounts/{account_id}"))["data"]["status"] == "available"
    assert ok(client.get(f"/api/projects/{project_id}"))["data"]["total_sessions"] == 0


def test_delete_with_recorded_usage_is_409_and_keeps_it(client: TestClient, engine: Engine,
                                                        pair: tuple[int, int]) -> None:
    session = start(client, *pair)
    use(client, session["id"], 3)
    before = rows(engine)
    fails(client.delete(f"/api/sessions/{session['id']}"), 409, "conflict")
    assert rows(engine) == before
