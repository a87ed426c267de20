"""POST /api/private/batch-create-accounts: all rows checked first, every bad row listed, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import bearer, fails, new_account, ok, rows

URL = "/api/private/batch-create-accounts"


def readme_row(number: int) -> dict[str, Any]:
    return {"account_name": f"GenSpark-Dev-{number:02d}", "account_email": f"dev{number:02d}@example.com",
            "platform": "genspark", "specialization": "Frontend Development"}


def batch(client: TestClient, status: int = 201, **body: Any) -> dict[str, Any]:
    response = client.post(URL, json=body)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_the_readme_example_creates_every_row(client: TestClient) -> None:
    rows_in = [readme_row(number) for number in range(1, 101)]
    answer = batch(client, accounts=rows_in)
    assert set(answer) == {"success", "message", "accounts", "skipped"}
    assert (answer["success"], answer["message"], answer["skipped"]) == (True, "Created 100 accounts", [])
    assert [item["name"] for item in answer["accounts"]] == [row["account_name"] for row in rows_in]
    assert all(set(item) == {"name", "id"} for item in answer["accounts"])
    assert len({item["id"] for item in answer["accounts"]}) == 100
    listed = ok(client.get("/api/accounts", params={"limit": 500}))
    assert listed["pagination"]["total"] == 100
    first = ok(client.get(f"/api/accounts/{answer['accounts'][0]['id']}"))["data"]
    assert (first["account_name"], first["account_email"], first["platform"], first["specialization"],
            first["credits_available"], first["status"]) == (
        "GenSpark-Dev-01", "dev01@example.com", "genspark", "Frontend Development", 100, "available")


def test_credits_and_quota_fields_are_taken_per_row(client: TestClient) -> None:
    answer = batch(client, accounts=[{"account_name": "a", "credits_available": 30},
                                     {"account_name": "b", "quota": 500, "window_kind": "rolling",
                                      "window_hours": 5, "tags": "x,y"}])
    a, b = (ok(client.get(f"/api/accounts/{item['id']}"))["data"] for item in answer["accounts"])
    assert (a["credits_available"], a["credits_used"]) == (30, 70)
    assert (b["quota"], b["credits_available"], b["window_kind"], b["window_hours"], b["tags"]) == (
        500, 500, "rolling", 5, "x,y")


def test_every_bad_row_is_listed_by_index_and_nothing_is_created(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    accounts = [readme_row(1), {"platform": "claude"}, readme_row(2), {"account_name": "x", "platform": "myspace"},
                {"account_name": "y", "credits_available": "lots"}, {"account_name": "z", "password": "p"},
                {"account_name": "w", "window_timezone": "Mars/Base"}]
    error = fails(client.post(URL, json={"accounts": accounts}), 422, "invalid_input")
    assert [row["index"] for row in error["details"]["rows"]] == [1, 3, 4, 5, 6]
    assert all(row["errors"] for row in error["details"]["rows"])
    assert rows(engine) == before


def test_duplicates_inside_the_batch_are_errors_by_index(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    error = fails(client.post(URL, json={"accounts": [readme_row(1), readme_row(2), readme_row(1)]}), 422)
    assert [row["index"] for row in error["details"]["rows"]] == [2]
    assert "row 0" in error["details"]["rows"][0]["errors"][0]["msg"]
    assert rows(engine) == before


def test_duplicates_of_existing_accounts_are_errors_by_index(client: TestClient, engine: Engine) -> None:
    new_account(client, "GenSpark-Dev-02")
    before = rows(engine)
    error = fails(client.post(URL, json={"accounts": [readme_row(1), readme_row(2)]}), 422)
    assert [row["index"] for row in error["details"]["rows"]] == [1]
    assert rows(engine) == before


def test_on_conflict_skip_creates_the_rest_and_names_the_skipped(client: TestClient) -> None:
    existing = new_account(client, "GenSpark-Dev-02")
    answer = batch(client, accounts=[readme_row(1), readme_row(2), readme_row(3), readme_row(1)],
                   on_conflict="skip")
    assert answer["message"] == "Created 2 accounts"
    assert [item["name"] for item in answer["accounts"]] == ["GenSpark-Dev-01", "GenSpark-Dev-03"]
    assert sorted(answer["skipped"]) == ["GenSpark-Dev-01", "GenSpark-Dev-02"]
    assert ok(client.get(f"/api/accounts/{existing['id']}"))["data"]["specialization"] is None
    assert ok(client.get("/api/accounts"))["pagination"]["total"] == 3


def test_an_empty_batch_creates_nothing(client: TestClient) -> None:
    answer = batch(client, accounts=[])
    assert (answer["message"], answer["accounts"], answer["skipped"]) == ("Created 0 accounts", [], [])


@pytest.mark.parametrize("body", [
    {}, {"accounts": "a"}, {"accounts": {"account_name": "a"}}, {"accounts": [], "on_conflict": "merge"},
    {"accounts": [], "extra": 1},
], ids=["missing accounts", "accounts a string", "accounts an object", "on_conflict enum", "unknown field"])
def test_bad_envelope_is_422(client: TestClient, engine: Engine, body: dict[str, Any]) -> None:
    before = rows(engine)
    fails(client.post(URL, json=body), 422, "invalid_input")
    assert rows(engine) == before


def test_a_row_that_is_not_an_object_is_listed_by_index(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    response = client.post(URL, json={"accounts": [readme_row(1), "GenSpark-Dev-02"]})
    error = fails(response, 422, "invalid_input")
    assert response.status_code == 422
    assert error["details"]
    assert rows(engine) == before


def test_over_ten_thousand_rows_is_413_and_nothing_is_created(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    accounts = [{"account_name": f"a{index}"} for index in range(10_001)]
    error = fails(client.post(URL, json={"accounts": accounts}), 413, "payload_too_large")
    assert error["details"] == {"max": 10_000, "got": 10_001}
    assert rows(engine) == before


def test_exactly_ten_thousand_rows_are_created(client: TestClient) -> None:
    answer = batch(client, accounts=[{"account_name": f"a{index:05d}"} for index in range(10_000)])
    assert answer["message"] == "Created 10000 accounts"
    assert ok(client.get("/api/accounts", params={"limit": 1}))["pagination"]["total"] == 10_000


def test_credentials_are_stored_encrypted_and_never_returned(client: TestClient, engine: Engine) -> None:
    secret = "sk-batch-SECRET-1234567890"
    response = client.post(URL, json={"accounts": [{**readme_row(1), "credentials": secret}]})
    assert response.status_code == 201 and secret not in response.text
    account_id = response.json()["accounts"][0]["id"]
    shown = client.get(f"/api/accounts/{account_id}")
    assert secret not in shown.text and shown.json()["data"]["has_credentials"] is True
    stored = rows(engine)["accounts"]
    assert secret not in repr(stored) and "SECRET" not in repr(stored)


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_only_an_admin_may_batch_create(client: TestClient, engine: Engine, make_token: Callable[[str], str],
                                        role: str) -> None:
    before = rows(engine)
    error = fails(client.post(URL, json={"accounts": [readme_row(1)]}, headers=bearer(make_token(role))),
                  403, "forbidden")
    assert error["details"] == {"required": "admin", "role": role}
    assert rows(engine) == before
