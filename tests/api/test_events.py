"""The API door publishes the events of a request's work after its commit, and none for a refused one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from paas.core.events import Event
from tests.api.api_helpers import fails, new_account, new_project, start, use


def listen(client: TestClient) -> list[Event]:
    heard: list[Event] = []
    client.app.state.db.bus.subscribe(heard.append)  # type: ignore[attr-defined]
    return heard


def test_each_write_is_told_once_after_it_is_answered(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    account_id = new_account(client, credits_available=100)["id"]
    heard = listen(client)
    session_id = start(client, project_id, account_id)["id"]
    use(client, session_id, 5, key="same")
    use(client, session_id, 5, key="same")  # a replay
    client.get(f"/api/sessions/{session_id}")  # a read
    assert [(event.kind, event.as_dict()["session_id"]) for event in heard] == [
        ("session_started", session_id), ("usage_recorded", session_id)]


def test_a_refused_request_tells_nothing(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    account_id = new_account(client)["id"]
    start(client, project_id, account_id)
    entry = {"category": "tip", "title": "Run the tests first"}
    assert client.post("/api/knowledge", json=entry).status_code == 201
    heard = listen(client)
    fails(client.post("/api/sessions", json={"project_id": project_id, "account_id": account_id}), 409)
    fails(client.post("/api/sessions/999/usage", json={"credits": 1}), 404)
    fails(client.post("/api/knowledge", json=entry), 409)  # refused by the service, inside the unit
    assert heard == []


def test_the_rotation_route_tells_the_rotation(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    first = new_account(client, "first")["id"]
    new_account(client, "second")
    session_id = start(client, project_id, first)["id"]
    use(client, session_id, 95)
    heard: list[Any] = listen(client)
    response = client.post("/api/private/auto-rotate", json={"project_id": project_id, "current_account_id": first})
    assert response.status_code == 200, response.text
    # The rotation's events end with project_rotated; what the alerts make of it is told after it.
    told = [event for event in heard if not event.kind.startswith("alert_")]
    assert [event.kind for event in told][-1] == "project_rotated"
    assert told[-1].new_session_id == response.json()["data"]["new_session_id"]
    # the ended session's threshold clears; the account the rotation left exhausted has run out
    assert sorted((event.kind, event.key) for event in heard[len(told):]) == [
        ("alert_cleared", f"threshold:session:{session_id}"), ("alert_raised", f"runout:account:{first}")]


def test_project_changes_are_told_so_open_pages_see_them(client: TestClient) -> None:
    heard = listen(client)
    project_id = new_project(client)["id"]
    assert client.patch(f"/api/projects/{project_id}", json={}).status_code == 200  # nothing changes: nothing told
    assert client.patch(f"/api/projects/{project_id}", json={"description": "new"}).status_code == 200
    assert client.delete(f"/api/projects/{project_id}").status_code in (200, 204)
    assert [(event.kind, event.as_dict()["change"]) for event in heard] == [
        ("project_changed", "created"), ("project_changed", "updated"), ("project_changed", "deleted")]
