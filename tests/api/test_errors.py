"""Errors in general: the envelope, bodies that are too big or not JSON, and a battery of odd
inputs thrown at every route, none of which may get a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.api.app import create_app
from paas.config import get_settings
from tests.api.api_helpers import API_ROUTES, fails, ok, rows

MAX_BYTES = 1024 * 1024
# batch-create-accounts takes up to 10,000 rows, so it accepts a larger body (settings.max_batch_body_bytes).
LARGER_LIMITS = {"/api/private/batch-create-accounts": 32 * 1024 * 1024}


def limit_of(path: str) -> int:
    return LARGER_LIMITS.get(path, MAX_BYTES)
BODY_ROUTES = [(method, path) for method, path, body in API_ROUTES if body is not None]
BODY_IDS = [f"{method} {path}" for method, path in BODY_ROUTES]
ODD_VALUES: list[Any] = [None, "", "   ", "\x00", "a\x00b", 0, -1, 10**30, -(10**30), 1.5, float("1e308"), True,
                         [], {}, ["x"], {"a": 1}, "x" * 5000, "9999-12-31T23:59:59-10:00",
                         "2026-12-01T00:00:00", "0001-01-01T00:00:00+01:00", "1", "abc", "\u202e\U0001f600"]
ODD_PATH_IDS = ["0", "-1", "abc", "1.5", "1e3", "%00", "%20", str(10**30), "99999", "１"]
ODD_QUERY_VALUES = ["", "\x00", "abc", "-1", "0", str(10**30), "x" * 300, "%", "_", "\u202e"]


def big_json(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    shell = json.dumps({"name": ""}).encode()
    return json.dumps({"name": "x" * (size - len(shell))}).encode()


def test_unknown_route_is_404_in_the_envelope(client: TestClient) -> None:
    fails(client.get("/api/nothing-here"), 404, "not_found")


def test_wrong_method_is_405_in_the_envelope(client: TestClient) -> None:
    fails(client.put("/api/projects", json={"name": "x"}), 405, "method_not_allowed")


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=BODY_IDS)
def test_malformed_json_is_400_and_changes_nothing(client: TestClient, demo: None, engine: Engine, method: str,
                                                   path: str) -> None:
    before = rows(engine)
    for raw in (b'{"name": "a"', b"{'name': 'a'}", b'{"name": "a",}', b"\xff\xfe{}", b"[" * 100_000):
        response = client.request(method, path, content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, raw[:20]
        fails(response, 400)
    assert rows(engine) == before


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=BODY_IDS)
def test_json_sent_as_text_plain_is_refused(client: TestClient, demo: None, engine: Engine, method: str,
                                            path: str) -> None:
    before = rows(engine)
    fails(client.request(method, path, content=b'{"name": "x"}', headers={"Content-Type": "text/plain"}), 422)
    assert rows(engine) == before


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=BODY_IDS)
def test_body_over_one_mebibyte_is_413_and_changes_nothing(client: TestClient, demo: None, engine: Engine,
                                                           method: str, path: str) -> None:
    before = rows(engine)
    error = fails(client.request(method, path, content=big_json(limit_of(path) + 1),
                                 headers={"Content-Type": "application/json"}), 413, "payload_too_large")
    assert error["details"] == {"max_bytes": limit_of(path)}
    assert rows(engine) == before


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b" " * piece


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=BODY_IDS)
def test_chunked_body_without_content_length_over_the_limit_is_413(client: TestClient, demo: None, engine: Engine,
                                                                   method: str, path: str) -> None:
    before = rows(engine)
    response = client.request(method, path, content=chunks(limit_of(path) + 1),
                              headers={"Content-Type": "application/json"})
    assert "content-length" not in {key.lower() for key in response.request.headers}
    fails(response, 413, "payload_too_large")
    assert rows(engine) == before


def test_a_batch_body_over_one_mebibyte_but_under_its_limit_is_read(client: TestClient, engine: Engine) -> None:
    rows_needed = [{"account_name": f"bulk-{index:05d}", "notes": "n" * 200} for index in range(5000)]
    body = json.dumps({"accounts": rows_needed}).encode()
    assert MAX_BYTES < len(body) < limit_of("/api/private/batch-create-accounts")
    response = client.post("/api/private/batch-create-accounts", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text[:300]
    assert response.json()["message"] == "Created 5000 accounts"


def test_a_lying_small_content_length_does_not_get_a_big_body_through(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    response = client.post("/api/projects", content=chunks(2 * MAX_BYTES),
                           headers={"Content-Type": "application/json", "Content-Length": "12"})
    fails(response, 413, "payload_too_large")
    assert rows(engine) == before


def test_a_body_of_exactly_one_mebibyte_is_accepted(client: TestClient) -> None:
    project_id = ok(client.post("/api/projects", json={"name": "P"}), 201)["id"]
    shell = json.dumps({"project_id": project_id, "context": ""}).encode()
    body = json.dumps({"project_id": project_id, "context": "x" * (MAX_BYTES - len(shell))}).encode()
    assert len(body) == MAX_BYTES
    ok(client.post("/api/handoff/compress", content=body, headers={"Content-Type": "application/json"}))


# ---- the battery -----------------------------------------------------------------------------

SPEC: dict[str, Any] = create_app(get_settings(database_url="sqlite://", env="development")).openapi()
OPERATIONS = [(method.upper(), path) for path, methods in SPEC["paths"].items() if path.startswith("/api")
              for method in methods]


def request_fields(method: str, path: str) -> list[str]:
    """The JSON body's field names of an operation, read from its OpenAPI schema."""
    operation = SPEC["paths"][path][method.lower()]
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    for option in schema.get("anyOf", [schema]):
        if "$ref" in option:
            return list(SPEC["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]["properties"])
    return []


def concrete(path: str, value: str = "1") -> str:
    return "/".join(value if part.startswith("{") else part for part in path.split("/"))


def odd_requests(method: str, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(url, request options) for many odd inputs to one operation."""
    operation = SPEC["paths"][path][method.lower()]
    fields = request_fields(method, path)
    url = concrete(path)
    yield url, {"params": {"unexpected": "\x00"}}
    yield url, {"content": b"\xff\x00garbage", "headers": {"Content-Type": "application/json"}}
    yield url, {"headers": {"Accept": "text/html", "Content-Type": "multipart/form-data; boundary=x"}}
    if "{" in path:
        for bad_id in ODD_PATH_IDS:
            yield concrete(path, bad_id), {"json": {} if fields else None}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            for value in ODD_QUERY_VALUES:
                yield url, {"params": {parameter["name"]: value}}
        if parameter["in"] == "header":
            for value in ("", "k" * 500, "\t", "key"):
                yield url, {"json": {"credits": 1}, "headers": {parameter["name"]: value}}
    if fields:
        odd_bodies: list[Any] = [{}, [], None, "text", 1, {"unknown": 1}]
        for body in odd_bodies:
            yield url, {"json": body}
        for field in fields:
            for value in ODD_VALUES:
                yield url, {"json": {field: value}}


def assert_never_a_server_error(client: TestClient, method: str, requests: list[tuple[str, dict[str, Any]]]) -> None:
    failures = []
    for url, options in requests:
        response = client.request(method, url, **options)
        if response.status_code >= 500:
            failures.append(f"{method} {url} {options} -> {response.status_code}")
        elif response.status_code >= 400:
            body = response.json()
            if body.get("success") is not False or set(body.get("error", {})) != {"code", "message", "details"}:
                failures.append(f"{method} {url} {options} -> not the error envelope: {body}")
    assert not failures, "server errors or bare errors:\n" + "\n".join(failures)


def test_the_battery_covers_every_api_operation() -> None:
    assert {(method, concrete(path)) for method, path in OPERATIONS} == {
        (method, path) for method, path, _ in API_ROUTES}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_odd_input_gets_a_server_error(client: TestClient, demo: None, method: str, path: str) -> None:
    requests = list(odd_requests(method, path))
    assert len(requests) >= 3
    assert_never_a_server_error(client, method, requests)


def test_no_odd_login_code_gets_a_server_error(client: TestClient) -> None:
    codes = [*ODD_QUERY_VALUES, "paas_" + "x" * 40]
    assert_never_a_server_error(client, "GET", [("/login", {"params": {"code": code}, "follow_redirects": False})
                                                for code in codes])
