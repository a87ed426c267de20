"""/api/accounts: the pool. Create, list (by name), read, change, delete, and refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import complete, created, fails, new_account, new_project, ok, rows, start

ORIGINAL_LIST_FIELDS = {"id", "account_name", "platform", "credits_available", "status", "specialization",
                        "created_at", "updated_at"}

BAD_CREATES: list[tuple[str, dict[str, Any]]] = [
    ("missing account_name", {"platform": "claude"}),
    ("account_name null", {"account_name": None}),
    ("account_name a number", {"account_name": 12}),
    ("account_name blank", {"account_name": "  "}),
    ("credits a fraction", {"account_name": "a", "credits_available": 1.5}),
    ("credits a string", {"account_name": "a", "credits_available": "100"}),
    ("credits negative", {"account_name": "a", "credits_available": -1}),
    ("credits huge", {"account_name": "a", "credits_available": 10**30}),
    ("credits a bool", {"account_name": "a", "credits_available": True}),
    ("platform outside enum", {"account_name": "a", "platform": "myspace"}),
    ("status outside enum", {"account_name": "a", "status": "sleeping"}),
    ("email without @", {"account_name": "a", "account_email": "not-an-email"}),
    ("NUL in specialization", {"account_name": "a", "specialization": "React\x00"}),
    ("NUL in notes", {"account_name": "a", "notes": "\x00"}),
    ("unknown field", {"account_name": "a", "password": "hunter2"}),
]


def test_create_answers_201_with_id_and_the_original_defaults(client: TestClient) -> None:
    body = created(client.post("/api/accounts", json={"account_name": "GenSpark-X"}))
    data = body["data"]
    assert (data["platform"], data["credits_available"], data["status"]) == ("genspark", 100, "available")
    assert data["account_email"] is None and data["specialization"] is None
    assert ok(client.get(f"/api/accounts/{body['id']}"))["data"] == data


def test_create_keeps_every_given_field(client: TestClient) -> None:
    data = new_account(client, "Claude-1", account_email="me@example.com", platform="claude",
                       specialization="Reasoning", notes="work seat", credits_available=40, status="exhausted")
    assert {key: data[key] for key in ("account_email", "platform", "specialization", "notes",
                                       "credits_available", "status")} == {
        "account_email": "me@example.com", "platform": "claude", "specialization": "Reasoning",
        "notes": "work seat", "credits_available": 40, "status": "exhausted"}


def test_list_is_ordered_by_name_and_carries_the_original_fields(client: TestClient) -> None:
    for name in ("Charlie", "Alpha", "Bravo"):
        new_account(client, name)
    body = ok(client.get("/api/accounts"))
    assert [item["account_name"] for item in body["data"]] == ["Alpha", "Bravo", "Charlie"]
    assert all(set(item) >= ORIGINAL_LIST_FIELDS for item in body["data"])
    assert body["pagination"] == {"total": 3, "limit": 100, "offset": 0}


def test_demo_accounts_list_by_name(client: TestClient, demo: None) -> None:
    names = [item["account_name"] for item in ok(client.get("/api/accounts"))["data"]]
    assert names == sorted(names) and len(names) == 10
    assert names[0] == "ChatGPT-4"


def test_list_filters_by_status_and_platform(client: TestClient) -> None:
    new_account(client, "a", platform="claude")
    new_account(client, "b", platform="claude", status="blocked")
    new_account(client, "c")
    claude = ok(client.get("/api/accounts", params={"platform": "claude"}))
    assert [item["account_name"] for item in claude["data"]] == ["a", "b"]
    blocked = ok(client.get("/api/accounts", params={"platform": "claude", "status": "blocked"}))
    assert [item["account_name"] for item in blocked["data"]] == ["b"]
    fails(client.get("/api/accounts", params={"platform": "myspace"}), 422, "invalid_input")


@pytest.mark.parametrize(("case", "body"), BAD_CREATES, ids=[case for case, _ in BAD_CREATES])
def test_create_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine, case: str,
                                                      body: dict[str, Any]) -> None:
    new_account(client, "existing")
    before = rows(engine)
    fails(client.post("/api/accounts", json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_duplicate_name_is_409_and_adds_nothing(client: TestClient, engine: Engine) -> None:
    new_account(client, "GenSpark-Main")
    before = rows(engine)
    error = fails(client.post("/api/accounts", json={"account_name": " GenSpark-Main "}), 409, "conflict")
    assert error["details"]["field"] == "account_name"
    assert rows(engine) == before


def test_get_unknown_account_is_404(client: TestClient) -> None:
    fails(client.get("/api/accounts/77"), 404, "not_found")
    fails(client.get(f"/api/accounts/{10**30}"), 422, "invalid_input")


def test_patch_changes_only_the_given_fields(client: TestClient) -> None:
    account = new_account(client, "a", specialization="React", notes="n")
    changed = ok(client.patch(f"/api/accounts/{account['id']}", json={"credits_available": 12}))["data"]
    assert changed["credits_available"] == 12
    untouched = ("account_name", "account_email", "platform", "specialization", "notes", "status",
                 "credits_refresh_date", "created_at")
    assert {key: changed[key] for key in untouched} == {key: account[key] for key in untouched}


def test_patch_sets_an_aware_refresh_date(client: TestClient) -> None:
    account = new_account(client)
    data = ok(client.patch(f"/api/accounts/{account['id']}",
                           json={"credits_refresh_date": "2026-12-01T00:00:00Z"}))["data"]
    assert data["credits_refresh_date"].startswith("2026-12-01T00:00:00")


def test_patch_refresh_date_without_timezone_is_taken_as_utc_or_refused(client: TestClient, engine: Engine) -> None:
    # A naive timestamp must not crash the server (it used to reach the UTC column and 500).
    account = new_account(client)
    before = rows(engine)
    response = client.patch(f"/api/accounts/{account['id']}", json={"credits_refresh_date": "2026-12-01T00:00:00"})
    if response.status_code == 422:
        fails(response, 422)
        assert rows(engine) == before
    else:
        data = ok(response)["data"]
        assert data["credits_refresh_date"] in ("2026-12-01T00:00:00Z", "2026-12-01T00:00:00+00:00")


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-10:00", "0001-01-01T00:00:00+01:00"])
def test_patch_refresh_date_outside_the_storable_range_is_422(client: TestClient, engine: Engine,
                                                               stamp: str) -> None:
    account = new_account(client)
    before = rows(engine)
    fails(client.patch(f"/api/accounts/{account['id']}", json={"credits_refresh_date": stamp}), 422)
    assert rows(engine) == before


@pytest.mark.parametrize("body", [
    {"account_name": None}, {"platform": None}, {"status": None}, {"credits_available": None},
    {"account_name": ""}, {"credits_available": 1.5}, {"credits_available": "5"}, {"credits_available": -3},
    {"platform": "myspace"}, {"status": "sleeping"}, {"account_email": "nobody"}, {"notes": "a\x00"},
    {"credits_refresh_date": "soon"}, {"api_key": "sk-1"},
], ids=["name null", "platform null", "status null", "credits null", "name empty", "credits fraction",
        "credits string", "credits negative", "platform enum", "status enum", "email", "NUL", "date text",
        "unknown field"])
def test_patch_refuses_bad_input_and_changes_nothing(client: TestClient, engine: Engine,
                                                     body: dict[str, Any]) -> None:
    account = new_account(client)
    before = rows(engine)
    fails(client.patch(f"/api/accounts/{account['id']}", json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_patch_to_a_taken_name_is_409(client: TestClient, engine: Engine) -> None:
    new_account(client, "a")
    b = new_account(client, "b")
    before = rows(engine)
    fails(client.patch(f"/api/accounts/{b['id']}", json={"account_name": "a"}), 409, "conflict")
    assert rows(engine) == before


def test_patch_unknown_account_is_404(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    fails(client.patch("/api/accounts/5", json={"notes": "x"}), 404, "not_found")
    assert rows(engine) == before


def test_a_leased_account_cannot_be_set_available_while_its_session_runs(client: TestClient,
                                                                         engine: Engine) -> None:
    account = new_account(client)
    session = start(client, new_project(client)["id"], account["id"])
    before = rows(engine)
    error = fails(client.patch(f"/api/accounts/{account['id']}", json={"status": "available"}), 409, "conflict")
    assert error["details"]["session_id"] == session["id"]
    assert rows(engine) == before


def test_delete_without_history_answers_200_then_404(client: TestClient) -> None:
    account = new_account(client)
    assert ok(client.delete(f"/api/accounts/{account['id']}"))["data"] is None
    fails(client.get(f"/api/accounts/{account['id']}"), 404, "not_found")
    fails(client.delete(f"/api/accounts/{account['id']}"), 404, "not_found")


def test_delete_with_history_is_409_and_keeps_it(client: TestClient, engine: Engine) -> None:
    account = new_account(client)
    session = start(client, new_project(client)["id"], account["id"])
    complete(client, session["id"])
    before = rows(engine)
    fails(client.delete(f"/api/accounts/{account['id']}"), 409, "conflict")
    assert rows(engine) == before
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["account_name"] == "acct-1"
