"""/api/projects: create, list (newest first), read, change, delete, and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import created, fails, new_account, new_project, ok, rows, start

BAD_CREATES: list[tuple[str, Any]] = [
    ("missing name", {"description": "no name"}),
    ("name null", {"name": None}),
    ("name a number", {"name": 5}),
    ("name a list", {"name": ["Alpha"]}),
    ("name empty", {"name": ""}),
    ("name only spaces", {"name": "   "}),
    ("name too long", {"name": "x" * 201}),
    ("NUL in name", {"name": "Al\x00pha"}),
    ("NUL in description", {"name": "Alpha", "description": "a\x00b"}),
    ("status outside enum", {"name": "Alpha", "status": "deleted"}),
    ("unknown field", {"name": "Alpha", "colour": "red"}),
    ("body is a list", [{"name": "Alpha"}]),
]


def test_create_answers_201_with_top_level_id_and_the_record(client: TestClient) -> None:
    body = created(client.post("/api/projects", json={"name": "Alpha", "description": "first"}))
    data = body["data"]
    assert data["name"] == "Alpha" and data["description"] == "first"
    assert data["status"] == "active"
    assert data["total_credits_used"] == 0 and data["total_sessions"] == 0
    assert {"created_at", "updated_at"} <= set(data)
    assert ok(client.get(f"/api/projects/{body['id']}"))["data"] == data


def test_create_strips_the_name(client: TestClient) -> None:
    assert new_project(client, "  Spaced  ")["name"] == "Spaced"


def test_list_is_newest_first_with_pagination(client: TestClient) -> None:
    ids = [new_project(client, name)["id"] for name in ("A", "B", "C")]
    body = ok(client.get("/api/projects"))
    assert [item["id"] for item in body["data"]] == ids[::-1]
    assert body["pagination"] == {"total": 3, "limit": 100, "offset": 0}
    page = ok(client.get("/api/projects", params={"limit": 1, "offset": 1}))
    assert [item["name"] for item in page["data"]] == ["B"]
    assert page["pagination"] == {"total": 3, "limit": 1, "offset": 1}


def test_list_filters_by_status(client: TestClient) -> None:
    new_project(client, "Live")
    new_project(client, "Old", status="archived")
    body = ok(client.get("/api/projects", params={"status": "archived"}))
    assert [item["name"] for item in body["data"]] == ["Old"]
    assert body["pagination"]["total"] == 1


@pytest.mark.parametrize("params", [{"status": "gone"}, {"limit": 0}, {"limit": 501}, {"offset": -1},
                                    {"limit": "ten"}, {"offset": 10**30}])
def test_list_refuses_bad_query_parameters(client: TestClient, params: dict[str, Any]) -> None:
    fails(client.get("/api/projects", params=params), 422, "invalid_input")


@pytest.mark.parametrize(("case", "body"), BAD_CREATES, ids=[case for case, _ in BAD_CREATES])
def test_create_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine, case: str,
                                                      body: Any) -> None:
    new_project(client, "Existing")
    before = rows(engine)
    fails(client.post("/api/projects", json=body), 422, "invalid_input")
    assert rows(engine) == before


@pytest.mark.parametrize("name", ["Alpha", "  Alpha "])
def test_duplicate_name_is_409_and_adds_nothing(client: TestClient, engine: Engine, name: str) -> None:
    first = new_project(client, "Alpha")
    before = rows(engine)
    error = fails(client.post("/api/projects", json={"name": name}), 409, "conflict")
    assert error["details"]["id"] == first["id"]
    assert rows(engine) == before


def test_get_unknown_project_is_404(client: TestClient) -> None:
    error = fails(client.get("/api/projects/999"), 404, "not_found")
    assert error["details"]["id"] == 999


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_bad_project_id_in_path_is_422(client: TestClient, engine: Engine, method: str) -> None:
    new_project(client)
    before = rows(engine)
    for bad_id in ("abc", "0", "-1", "1.5", str(10**30)):
        fails(client.request(method, f"/api/projects/{bad_id}", json={"description": "x"}), 422, "invalid_input")
    assert rows(engine) == before


def test_patch_changes_only_the_given_fields(client: TestClient) -> None:
    project = new_project(client, "Alpha", description="old")
    changed = ok(client.patch(f"/api/projects/{project['id']}", json={"description": "new"}))["data"]
    assert changed["description"] == "new"
    assert {key: changed[key] for key in ("name", "status", "created_at")} == {
        key: project[key] for key in ("name", "status", "created_at")}
    renamed = ok(client.patch(f"/api/projects/{project['id']}", json={"status": "paused"}))["data"]
    assert (renamed["name"], renamed["description"], renamed["status"]) == ("Alpha", "new", "paused")


def test_patch_with_empty_body_changes_nothing(client: TestClient, engine: Engine) -> None:
    project = new_project(client)
    before = rows(engine)
    assert ok(client.patch(f"/api/projects/{project['id']}", json={}))["data"]["name"] == "Alpha"
    assert rows(engine) == before


def test_patch_may_clear_the_description(client: TestClient) -> None:
    project = new_project(client, description="temporary")
    assert ok(client.patch(f"/api/projects/{project['id']}", json={"description": None}))["data"][
        "description"] is None


@pytest.mark.parametrize("body", [
    {"name": None}, {"status": None}, {"name": ""}, {"name": 7}, {"status": "deleted"},
    {"name": "x\x00"}, {"owner": "me"}, {"id": 5}, {"total_credits_used": 0},
], ids=["name null", "status null", "name empty", "name number", "status enum", "NUL", "unknown field",
        "id", "computed total"])
def test_patch_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine,
                                                     body: dict[str, Any]) -> None:
    project = new_project(client)
    before = rows(engine)
    fails(client.patch(f"/api/projects/{project['id']}", json=body), 422, "invalid_input")
    assert rows(engine) == before
    assert ok(client.get(f"/api/projects/{project['id']}"))["data"]["name"] == "Alpha"


def test_patch_to_a_taken_name_is_409_and_changes_nothing(client: TestClient, engine: Engine) -> None:
    new_project(client, "Alpha")
    beta = new_project(client, "Beta")
    before = rows(engine)
    fails(client.patch(f"/api/projects/{beta['id']}", json={"name": "Alpha"}), 409, "conflict")
    assert rows(engine) == before


def test_patch_keeping_its_own_name_is_allowed(client: TestClient) -> None:
    alpha = new_project(client, "Alpha")
    assert ok(client.patch(f"/api/projects/{alpha['id']}", json={"name": "Alpha"}))["data"]["name"] == "Alpha"


def test_patch_unknown_project_is_404(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    fails(client.patch("/api/projects/42", json={"description": "x"}), 404, "not_found")
    assert rows(engine) == before


def test_delete_without_sessions_answers_200_then_the_project_is_gone(client: TestClient) -> None:
    project = new_project(client)
    body = ok(client.delete(f"/api/projects/{project['id']}"))
    assert body["data"] is None
    fails(client.get(f"/api/projects/{project['id']}"), 404, "not_found")
    fails(client.delete(f"/api/projects/{project['id']}"), 404, "not_found")
    assert ok(client.get("/api/projects"))["pagination"]["total"] == 0


def test_delete_with_sessions_is_409_and_keeps_everything(client: TestClient, engine: Engine) -> None:
    project = new_project(client)
    start(client, project["id"], new_account(client)["id"])
    before = rows(engine)
    error = fails(client.delete(f"/api/projects/{project['id']}"), 409, "conflict")
    assert error["details"] == {"sessions": 1}
    assert rows(engine) == before


def test_project_totals_follow_its_sessions(client: TestClient) -> None:
    project = new_project(client)
    account = new_account(client)
    session = start(client, project["id"], account["id"])
    ok(client.post(f"/api/sessions/{session['id']}/usage", json={"credits": 30}), 201)
    data = ok(client.get(f"/api/projects/{project['id']}"))["data"]
    assert (data["total_sessions"], data["total_credits_used"]) == (1, 30)
