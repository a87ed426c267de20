"""POST /api/private/auto-rotate: move a project to the best next account in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from paas.store.schema import ContextSnapshot, HandoffQueueItem, WorkSession
from paas.store.unit import transaction
from tests.api.api_helpers import bearer, fails, new_account, new_project, ok, rows, start

URL = "/api/private/auto-rotate"
FIGURES = {"previous_account_id", "previous_credits_used", "previous_quota", "credits_left_unused",
           "rotate_threshold", "marked_exhausted", "exhausted_until", "ended_session_id", "new_session_id",
           "new_session_number", "snapshot_id", "handoff_id", "briefing_tokens", "score", "reasons"}


def rotate(client: TestClient, status: int = 200, headers: dict[str, str] | None = None,
           **body: Any) -> dict[str, Any]:
    response = client.post(URL, json=body, headers=headers or {})
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def sessions_of(engine: Engine, project_id: int) -> list[tuple[int, int, int, str]]:
    with transaction(engine, write=False) as session:
        return [(w.id, w.session_number, w.account_id, w.status) for w in session.scalars(
            select(WorkSession).where(WorkSession.project_id == project_id).order_by(WorkSession.id))]


@pytest.fixture
def running(client: TestClient) -> dict[str, Any]:
    """A project working on account "current" (quota 100, threshold 90), with two free accounts beside it."""
    project = new_project(client, "Rotating", description="Backend API work")
    current = new_account(client, "current", specialization="Backend")
    spare = new_account(client, "spare", specialization="Backend, API Design")
    other = new_account(client, "other", specialization="Painting", credits_available=40)
    work = start(client, project["id"], current["id"], objectives="ship it")
    return {"project": project, "current": current, "spare": spare, "other": other, "work": work}


def test_the_readme_example_works_with_a_token(client: TestClient, demo: None, engine: Engine) -> None:
    before = sessions_of(engine, 1)
    answer = rotate(client, current_account_id=5, project_id=1)
    assert set(answer) == {"success", "next_account", "briefing", "credit_savings", "data"}
    assert answer["success"] is True
    nxt = answer["next_account"]
    assert set(nxt) == {"id", "account_name", "credits_available", "specialization"}
    assert nxt["id"] != 5 and nxt["credits_available"] > 0
    assert set(answer["data"]) == FIGURES
    data = answer["data"]
    # DevOps had used 12 of 100 credits today: far from its threshold of 90, so it is left available.
    assert (data["previous_account_id"], data["previous_credits_used"], data["previous_quota"],
            data["credits_left_unused"], data["rotate_threshold"], data["marked_exhausted"],
            data["exhausted_until"], data["ended_session_id"]) == (5, 12, 100, 88, 90, False, None, None)
    assert isinstance(answer["briefing"], str) and answer["briefing"]
    assert "GenSpark-DevOps" in answer["credit_savings"] and "88 credits left unused" in answer["credit_savings"]
    after = sessions_of(engine, 1)
    new = [row for row in after if row not in before]
    last_number = max(number for _, number, _, _ in before)
    assert new == [(data["new_session_id"], last_number + 1, nxt["id"], "in_progress")]
    assert data["new_session_number"] == last_number + 1
    account = ok(client.get(f"/api/accounts/{nxt['id']}"))["data"]
    assert (account["status"], account["leased_session_id"]) == ("active", data["new_session_id"])
    assert ok(client.get("/api/accounts/5"))["data"]["status"] == "available"


def test_rotation_hands_off_the_session_and_leases_the_next_account(client: TestClient, engine: Engine,
                                                                   running: dict[str, Any]) -> None:
    project_id, current, spare = running["project"]["id"], running["current"], running["spare"]
    old_id = running["work"]["id"]
    answer = rotate(client, current_account_id=current["id"], project_id=project_id, final_credits=95,
                    note="last call")
    data = answer["data"]
    assert answer["next_account"] == {"id": spare["id"], "account_name": "spare", "credits_available": 100,
                                      "specialization": "Backend, API Design"}
    assert (data["ended_session_id"], data["previous_credits_used"], data["credits_left_unused"]) == (old_id, 95, 5)
    assert (data["marked_exhausted"], data["rotate_threshold"]) == (True, 90)
    assert data["exhausted_until"] in ("2026-11-26T00:00:00Z", "2026-11-26T00:00:00+00:00")
    assert sessions_of(engine, project_id) == [(old_id, 1, current["id"], "handed_off"),
                                               (data["new_session_id"], 2, spare["id"], "in_progress")]
    old = ok(client.get(f"/api/sessions/{old_id}"))["data"]
    assert (old["credits_used"], old["status"]) == (95, "handed_off")
    previous = ok(client.get(f"/api/accounts/{current['id']}"))["data"]
    assert (previous["status"], previous["credits_available"], previous["leased_session_id"]) == (
        "exhausted", 5, None)
    nxt = ok(client.get(f"/api/accounts/{spare['id']}"))["data"]
    assert (nxt["status"], nxt["leased_session_id"]) == ("active", data["new_session_id"])
    with transaction(engine, write=False) as session:
        snapshot = session.get(ContextSnapshot, data["snapshot_id"])
        handoff = session.get(HandoffQueueItem, data["handoff_id"])
        assert snapshot is not None and handoff is not None
        assert (snapshot.project_id, snapshot.session_id, snapshot.snapshot_type) == (project_id, old_id, "handoff")
        assert snapshot.compressed_context == answer["briefing"]
        assert (handoff.session_id, handoff.from_account_id, handoff.to_account_id, handoff.status,
                handoff.handoff_context) == (old_id, current["id"], spare["id"], "pending", answer["briefing"])


def test_below_the_threshold_the_old_account_is_not_marked_exhausted(client: TestClient,
                                                                     running: dict[str, Any]) -> None:
    current = running["current"]
    data = rotate(client, current_account_id=current["id"], project_id=running["project"]["id"],
                  final_credits=89)["data"]
    assert (data["marked_exhausted"], data["exhausted_until"], data["previous_credits_used"]) == (False, None, 89)
    previous = ok(client.get(f"/api/accounts/{current['id']}"))["data"]
    assert (previous["status"], previous["credits_available"], previous["exhausted_until"]) == (
        "available", 11, None)


def test_exactly_at_the_threshold_the_old_account_is_marked_exhausted(client: TestClient,
                                                                      running: dict[str, Any]) -> None:
    data = rotate(client, current_account_id=running["current"]["id"], project_id=running["project"]["id"],
                  final_credits=90)["data"]
    assert data["marked_exhausted"] is True


def test_no_free_account_is_409_with_the_next_reset_and_changes_nothing(client: TestClient, engine: Engine,
                                                                        running: dict[str, Any]) -> None:
    for name in ("spare", "other"):
        ok(client.patch(f"/api/accounts/{running[name]['id']}", json={"status": "exhausted"}))
    before = rows(engine)
    response = client.post(URL, json={"current_account_id": running["current"]["id"],
                                      "project_id": running["project"]["id"], "final_credits": 95})
    error = fails(response, 409)
    assert error["details"]["current_account_id"] == running["current"]["id"]
    assert error["details"]["next_reset_at"] == "2026-11-26T00:00:00+00:00"
    assert rows(engine) == before


def test_same_idempotency_key_and_body_replays_one_rotation(client: TestClient, engine: Engine,
                                                            running: dict[str, Any]) -> None:
    body = {"current_account_id": running["current"]["id"], "project_id": running["project"]["id"],
            "final_credits": 92}
    first = client.post(URL, json=body, headers={"Idempotency-Key": "rotate-1"})
    assert first.status_code == 200, first.text
    after_first = rows(engine)
    again = client.post(URL, json=body, headers={"Idempotency-Key": "rotate-1"})
    assert again.status_code == 200
    assert again.json() == first.json()
    assert rows(engine) == after_first
    assert len(sessions_of(engine, running["project"]["id"])) == 2
    changed = {**body, "final_credits": 3}
    error = fails(client.post(URL, json=changed, headers={"Idempotency-Key": "rotate-1"}), 409, "conflict")
    assert error["details"]["key"] == "rotate-1"
    assert rows(engine) == after_first


def test_rotating_from_an_account_the_project_is_not_on_is_409(client: TestClient, engine: Engine,
                                                               running: dict[str, Any]) -> None:
    before = rows(engine)
    error = fails(client.post(URL, json={"current_account_id": running["spare"]["id"],
                                         "project_id": running["project"]["id"]}), 409, "conflict")
    assert error["details"]["current_account_id"] == running["current"]["id"]
    assert rows(engine) == before


@pytest.mark.parametrize("body", [
    {"project_id": 1}, {"current_account_id": 1}, {"current_account_id": "1", "project_id": 1},
    {"current_account_id": 1, "project_id": 1.5}, {"current_account_id": 1, "project_id": 1, "final_credits": 0},
    {"current_account_id": 1, "project_id": 1, "final_credits": "5"},
    {"current_account_id": 1, "project_id": 1, "platform": "myspace"},
    {"current_account_id": 1, "project_id": 1, "surprise": True},
], ids=["no account", "no project", "account string", "project fraction", "final zero", "final string",
        "platform enum", "unknown field"])
def test_bad_input_is_422_and_changes_nothing(client: TestClient, engine: Engine, running: dict[str, Any],
                                              body: dict[str, Any]) -> None:
    before = rows(engine)
    fails(client.post(URL, json=body), 422, "invalid_input")
    assert rows(engine) == before


@pytest.mark.parametrize("missing", ["project", "account"])
def test_unknown_ids_are_404_and_change_nothing(client: TestClient, engine: Engine, running: dict[str, Any],
                                                missing: str) -> None:
    before = rows(engine)
    body = {"current_account_id": 999 if missing == "account" else running["current"]["id"],
            "project_id": 999 if missing == "project" else running["project"]["id"]}
    fails(client.post(URL, json=body), 404, "not_found")
    assert rows(engine) == before


def test_an_operator_can_rotate_and_a_viewer_cannot(client: TestClient, engine: Engine, running: dict[str, Any],
                                                    make_token: Callable[[str], str]) -> None:
    body = {"current_account_id": running["current"]["id"], "project_id": running["project"]["id"]}
    before = rows(engine)
    error = fails(client.post(URL, json=body, headers=bearer(make_token("viewer"))), 403, "forbidden")
    assert error["details"] == {"required": "operator", "role": "viewer"}
    assert rows(engine) == before
    answer = ok(client.post(URL, json=body, headers=bearer(make_token("operator"))))
    assert answer["next_account"]["id"] == running["spare"]["id"]


def test_credentials_never_appear_in_a_rotation_answer(client: TestClient, running: dict[str, Any]) -> None:
    secret = "sk-rotate-SECRET-9876543210"
    ok(client.patch(f"/api/accounts/{running['spare']['id']}", json={"credentials": secret}))
    response = client.post(URL, json={"current_account_id": running["current"]["id"],
                                      "project_id": running["project"]["id"]})
    assert response.status_code == 200 and secret not in response.text
