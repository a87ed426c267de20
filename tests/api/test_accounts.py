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
    ("status is computed, not given", {"account_name": "a", "status": "available"}),
    ("quota zero", {"account_name": "a", "quota": 0}),
    ("quota a string", {"account_name": "a", "quota": "100"}),
    ("window_kind outside enum", {"account_name": "a", "window_kind": "weekly"}),
    ("window_reset_at not HH:MM", {"account_name": "a", "window_reset_at": "25:00"}),
    ("window_timezone unknown", {"account_name": "a", "window_timezone": "Mars/Base"}),
    ("window_hours zero", {"account_name": "a", "window_kind": "rolling", "window_hours": 0}),
    ("rotate_threshold above quota", {"account_name": "a", "quota": 10, "rotate_threshold": 11}),
    ("credentials empty", {"account_name": "a", "credentials": ""}),
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
                       specialization="Reasoning", notes="work seat", credits_available=40, quota=50,
                       window_reset_at="06:30", window_timezone="Europe/Berlin", rotate_threshold=45,
                       tags="reasoning,review")
    assert {key: data[key] for key in ("account_email", "platform", "specialization", "notes", "quota",
                                       "window_kind", "window_reset_at", "window_timezone", "rotate_threshold",
                                       "tags", "credits_available", "credits_used", "overdrawn", "status",
                                       "has_credentials", "leased_session_id")} == {
        "account_email": "me@example.com", "platform": "claude", "specialization": "Reasoning",
        "notes": "work seat", "quota": 50, "window_kind": "daily", "window_reset_at": "06:30",
        "window_timezone": "Europe/Berlin", "rotate_threshold": 45, "tags": "reasoning,review",
        "credits_available": 40, "credits_used": 10, "overdrawn": 0, "status": "available",
        "has_credentials": False, "leased_session_id": None}
    # The clock says 2026-11-25 12:00 UTC (13:00 in Berlin): the next reset is tomorrow 06:30 Berlin time.
    assert data["credits_refresh_date"] in ("2026-11-26T05:30:00Z", "2026-11-26T05:30:00+00:00")


def test_credits_available_at_or_above_the_quota_records_no_usage(client: TestClient) -> None:
    data = new_account(client, "full", credits_available=100)
    assert (data["credits_available"], data["credits_used"]) == (100, 0)
    data = new_account(client, "empty", credits_available=0)
    assert (data["credits_available"], data["credits_used"], data["status"]) == (0, 100, "exhausted")


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
    b = new_account(client, "b", platform="claude")
    ok(client.patch(f"/api/accounts/{b['id']}", json={"status": "disabled"}))
    new_account(client, "c")
    new_account(client, "d", platform="claude", credits_available=0)
    claude = ok(client.get("/api/accounts", params={"platform": "claude"}))
    assert [item["account_name"] for item in claude["data"]] == ["a", "b", "d"]
    disabled = ok(client.get("/api/accounts", params={"platform": "claude", "status": "disabled"}))
    assert [item["account_name"] for item in disabled["data"]] == ["b"]
    assert disabled["pagination"]["total"] == 1
    exhausted = ok(client.get("/api/accounts", params={"status": "exhausted"}))
    assert [item["account_name"] for item in exhausted["data"]] == ["d"]
    fails(client.get("/api/accounts", params={"status": "sleeping"}), 422, "invalid_input")
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
    account = new_account(client, "a", specialization="React", notes="n", credits_available=90)
    changed = ok(client.patch(f"/api/accounts/{account['id']}", json={"quota": 40}))["data"]
    # 10 credits were used before it was added; a quota of 40 leaves 30.
    assert (changed["quota"], changed["credits_available"], changed["credits_used"]) == (40, 30, 10)
    assert changed["rotate_threshold"] == 36
    untouched = ("account_name", "account_email", "platform", "specialization", "notes", "status",
                 "credits_refresh_date", "created_at", "window_kind", "window_reset_at", "window_timezone")
    assert {key: changed[key] for key in untouched} == {key: account[key] for key in untouched}


def test_patch_of_the_window_moves_the_computed_refresh_date(client: TestClient) -> None:
    account = new_account(client)
    assert account["credits_refresh_date"] in ("2026-11-26T00:00:00Z", "2026-11-26T00:00:00+00:00")
    data = ok(client.patch(f"/api/accounts/{account['id']}",
                           json={"window_reset_at": "18:00", "window_timezone": "America/New_York"}))["data"]
    # 12:00 UTC is 07:00 in New York: the next reset is today at 18:00 there, 23:00 UTC.
    assert data["credits_refresh_date"] in ("2026-11-25T23:00:00Z", "2026-11-25T23:00:00+00:00")
    fails(client.patch(f"/api/accounts/{account['id']}", json={"credits_refresh_date": "2026-12-01T00:00:00Z"}),
          422, "invalid_input")


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
    {"account_name": None}, {"platform": None}, {"status": None}, {"quota": None},
    {"account_name": ""}, {"quota": 1.5}, {"quota": "5"}, {"quota": -3},
    {"platform": "myspace"}, {"status": "sleeping"}, {"status": "active"}, {"account_email": "nobody"},
    {"notes": "a\x00"}, {"credits_available": 5}, {"api_key": "sk-1"}, {"window_timezone": "Nowhere/City"},
    {"window_reset_at": "7am"}, {"rotate_threshold": 101},
], ids=["name null", "platform null", "status null", "quota null", "name empty", "quota fraction",
        "quota string", "quota negative", "platform enum", "status enum", "status active", "email", "NUL",
        "credits_available is computed", "unknown field", "unknown time zone", "reset time text",
        "threshold above quota"])
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


def test_a_leased_account_stays_active_while_its_session_runs(client: TestClient, engine: Engine) -> None:
    account = new_account(client)
    session = start(client, new_project(client)["id"], account["id"])
    before = rows(engine)
    fails(client.patch(f"/api/accounts/{account['id']}", json={"status": "active"}), 422, "invalid_input")
    assert rows(engine) == before
    for status in ("available", "exhausted", "throttled"):
        data = ok(client.patch(f"/api/accounts/{account['id']}", json={"status": status}))["data"]
        assert (data["status"], data["leased_session_id"]) == ("active", session["id"])
    # Only a person's disable outranks the lease; re-enabling shows it active again.
    data = ok(client.patch(f"/api/accounts/{account['id']}", json={"status": "blocked"}))["data"]
    assert data["status"] == "disabled"
    data = ok(client.patch(f"/api/accounts/{account['id']}", json={"status": "available"}))["data"]
    assert (data["status"], data["exhausted_until"], data["throttled_until"]) == ("active", None, None)
    complete(client, session["id"])
    data = ok(client.get(f"/api/accounts/{account['id']}"))["data"]
    assert (data["status"], data["leased_session_id"]) == ("available", None)


def test_patch_status_sets_what_the_status_is_computed_from(client: TestClient, clock: Any) -> None:
    account = new_account(client)
    url = f"/api/accounts/{account['id']}"
    data = ok(client.patch(url, json={"status": "exhausted"}))["data"]
    assert (data["status"], data["exhausted_until"]) == ("exhausted", data["credits_refresh_date"])
    data = ok(client.patch(url, json={"status": "throttled"}))["data"]
    assert data["status"] == "throttled"
    assert data["throttled_until"] in ("2026-11-25T12:01:00Z", "2026-11-25T12:01:00+00:00")
    data = ok(client.patch(url, json={"status": "disabled"}))["data"]
    assert (data["status"], data["disabled_reason"]) == ("disabled", "set by a person")
    data = ok(client.patch(url, json={"status": "available"}))["data"]
    assert (data["status"], data["exhausted_until"], data["throttled_until"], data["disabled_reason"]) == (
        "available", None, None, None)
    ok(client.patch(url, json={"status": "exhausted"}))
    clock.now = clock.now.replace(day=26, hour=0, minute=0)
    assert ok(client.get(url))["data"]["status"] == "available"


def test_credentials_are_write_only_and_encrypted_at_rest(client: TestClient, engine: Engine) -> None:
    secret = "sk-live-TOP-SECRET-0123456789"
    response = client.post("/api/accounts", json={"account_name": "keyed", "credentials": secret})
    data = created(response)["data"]
    assert secret not in response.text and "credentials" not in data and data["has_credentials"] is True
    for answer in (client.get(f"/api/accounts/{data['id']}"), client.get("/api/accounts"),
                   client.patch(f"/api/accounts/{data['id']}", json={"credentials": secret + "-2"})):
        assert answer.status_code == 200 and secret not in answer.text
    stored = repr(rows(engine)["accounts"])
    assert secret not in stored and "TOP-SECRET" not in stored
    assert ok(client.patch(f"/api/accounts/{data['id']}", json={"credentials": None}))["data"]["has_credentials"] \
        is False


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


def test_blocked_is_accepted_as_the_old_name_of_disabled_in_the_list_filter(client: TestClient) -> None:
    account = new_account(client, "b")
    new_account(client, "c")
    ok(client.patch(f"/api/accounts/{account['id']}", json={"status": "blocked"}))
    listed = ok(client.get("/api/accounts", params={"status": "blocked"}))
    assert [(item["account_name"], item["status"]) for item in listed["data"]] == [("b", "disabled")]
