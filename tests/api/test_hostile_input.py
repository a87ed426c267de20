"""Hostile names and values through the HTTP API: a name that would drive a terminal, a second
spelling of a name already taken, credits left above the quota, a time zone that follows the
host. Each is refused with its status and the error envelope, and changes nothing."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import created, fails, new_account, new_project, rows
from tests.services.test_names import HOSTILE

BATCH = "/api/private/batch-create-accounts"


def refused(client: TestClient, engine: Engine, method: str, url: str, body: dict[str, Any], status: int = 422,
            code: str = "invalid_input") -> dict[str, Any]:
    before = rows(engine)
    error = fails(client.request(method, url, json=body), status, code)
    assert rows(engine) == before
    return error


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_names_with_control_or_override_characters_are_422_everywhere(client: TestClient, engine: Engine,
                                                                      name: str) -> None:
    project, account = new_project(client, "Shop"), new_account(client, "seat")
    for method, url, body in [
        ("POST", "/api/projects", {"name": name}),
        ("PATCH", f"/api/projects/{project['id']}", {"name": name}),
        ("POST", "/api/accounts", {"account_name": name}),
        ("PATCH", f"/api/accounts/{account['id']}", {"account_name": name}),
        ("POST", "/api/accounts", {"account_name": "tagged", "tags": f"ok,{name}"}),
        ("PATCH", f"/api/accounts/{account['id']}", {"specialization": name}),
        ("POST", "/api/knowledge", {"category": "tip", "title": name}),
        ("POST", "/api/knowledge", {"category": "tip", "title": "t", "tags": ["fine", name]}),
        ("POST", "/api/knowledge", {"category": "tip", "title": "t", "tags": name}),
    ]:
        error = refused(client, engine, method, url, body)
        assert "control or bidirectional-override" in str(error["details"]), (url, body, error)


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_batch_row_with_such_a_name_is_listed_by_index(client: TestClient, engine: Engine, name: str) -> None:
    error = refused(client, engine, "POST", BATCH, {"accounts": [{"account_name": "fine"}, {"account_name": name}]})
    assert [row["index"] for row in error["details"]["rows"]] == [1]
    assert "control or bidirectional-override" in error["message"]


def test_free_text_keeps_its_line_breaks(client: TestClient) -> None:
    account = created(client.post("/api/accounts", json={"account_name": "noted", "notes": "one\ntwo\tthree"}))
    assert account["data"]["notes"] == "one\ntwo\tthree"


NFC, NFD = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")


@pytest.mark.parametrize(("first", "second"), [(NFC, NFD), ("X", "x"), ("Ｓhop", "shop")],
                         ids=["nfc-nfd", "case", "full-width"])
def test_a_second_spelling_of_a_taken_name_is_409_naming_the_one_there(client: TestClient, engine: Engine,
                                                                       first: str, second: str) -> None:
    project, account = new_project(client, first), new_account(client, first)
    other_project, other_account = new_project(client, "other"), new_account(client, "other")
    for method, url, body, field in [
        ("POST", "/api/projects", {"name": second}, "name"),
        ("PATCH", f"/api/projects/{other_project['id']}", {"name": second}, "name"),
        ("POST", "/api/accounts", {"account_name": second}, "account_name"),
        ("PATCH", f"/api/accounts/{other_account['id']}", {"account_name": second}, "account_name"),
    ]:
        error = refused(client, engine, method, url, body, 409, "conflict")
        assert repr(first) in error["message"] and error["details"]["field"] == field
        assert error["details"]["id"] == (project if "projects" in url else account)["id"]


def test_a_batch_refuses_two_spellings_of_one_name_and_one_already_taken(client: TestClient,
                                                                         engine: Engine) -> None:
    new_account(client, "Taken")
    error = refused(client, engine, "POST", BATCH, {"accounts": [
        {"account_name": NFC}, {"account_name": NFD}, {"account_name": "TAKEN"}, {"account_name": "fresh"}]})
    assert [row["index"] for row in error["details"]["rows"]] == [1, 2]
    answer = client.post(BATCH, json={"accounts": [{"account_name": "taken"}, {"account_name": "New"},
                                                   {"account_name": "NEW"}], "on_conflict": "skip"})
    assert answer.status_code == 201, answer.text
    assert [item["name"] for item in answer.json()["accounts"]] == ["New"]
    assert sorted(answer.json()["skipped"]) == ["NEW", "taken"]


@pytest.mark.parametrize("body", [
    {"account_name": "over", "credits_available": 101},
    {"account_name": "over", "quota": 40, "credits_available": 41},
], ids=["default quota", "given quota"])
def test_credits_available_above_the_quota_is_422_not_clamped(client: TestClient, engine: Engine,
                                                              body: dict[str, Any]) -> None:
    error = refused(client, engine, "POST", "/api/accounts", body)
    [problem] = error["details"]
    assert problem["loc"] == ["body", "credits_available"] and "cannot exceed the quota" in problem["msg"]
    batch = refused(client, engine, "POST", BATCH, {"accounts": [{"account_name": "fine"}, body]})
    assert [row["index"] for row in batch["details"]["rows"]] == [1]


def test_credits_available_equal_to_the_quota_is_a_full_account(client: TestClient) -> None:
    account = created(client.post("/api/accounts", json={"account_name": "full", "quota": 40,
                                                         "credits_available": 40}))["data"]
    assert (account["credits_used"], account["credits_available"]) == (0, 40)


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "posix/Europe/Paris", "/etc/localtime"])
def test_a_time_zone_that_is_not_an_iana_name_is_422_naming_the_field(client: TestClient, engine: Engine,
                                                                      zone: str) -> None:
    account = new_account(client, "zoned")
    for method, url, body in [("POST", "/api/accounts", {"account_name": "z", "window_timezone": zone}),
                              ("PATCH", f"/api/accounts/{account['id']}", {"window_timezone": zone})]:
        error = refused(client, engine, method, url, body)
        assert "window_timezone" in str(error["details"]) and "unknown time zone" in str(error["details"])
    batch = refused(client, engine, "POST", BATCH, {"accounts": [{"account_name": "z", "window_timezone": zone}]})
    assert "window_timezone" in batch["message"]
