"""The OpenAPI document and the server agree (issue 12): what the document calls valid is accepted,
what it marks nullable takes null, and the HTTP details it does not describe (HEAD, 405's Allow,
413 over a real socket) behave as HTTP says."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import httpx2
import pytest
from benchmarks.accounts.rotation import Server, paas
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import API_ROUTES, fails, new_account, new_project, ok, rows, start

SCHEMA_REFUSAL = "the request does not match the schema"


@pytest.fixture
def spec(anonymous: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = anonymous.get("/openapi.json").json()
    return document


def body_schema(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    schema = spec["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]["schema"]
    for branch in schema.get("anyOf", [schema]):
        if "$ref" in branch:
            found: dict[str, Any] = spec["components"]["schemas"][branch["$ref"].rsplit("/", 1)[1]]
            return found
    raise AssertionError(f"no body model for {method} {path}")


def nullable(published: dict[str, Any]) -> bool:
    return {"type": "null"} in published.get("anyOf", [])


def template(path: str) -> str:
    return "/".join("{}" if part.isdigit() else part for part in path.split("/"))


def spec_path(spec: dict[str, Any], path: str) -> str:
    wanted = template(path)
    for candidate in spec["paths"]:
        if "/".join("{}" if part.startswith("{") else part for part in candidate.split("/")) == wanted:
            return candidate
    raise AssertionError(path)


# ---- integers: 2.0 is an integer -------------------------------------------------------------

def test_integer_valued_floats_are_the_integers_they_equal(client: TestClient) -> None:
    project, account = new_project(client), new_account(client)
    session = start(client, float(project["id"]), float(account["id"]))  # {"project_id": 1.0, ...}
    assert session["data"]["account_id"] == account["id"]
    usage = ok(client.post(f"/api/sessions/{session['id']}/usage", json={"credits": 5.0}), 201)["data"]
    assert (usage["credits"], usage["session_credits_used"]) == (5, 5)
    assert ok(client.get(f"/api/accounts/{account['id']}"))["data"]["credits_used"] == 5
    quota = ok(client.post("/api/accounts", json={"account_name": "b", "quota": 1e3}), 201)["data"]
    assert quota["quota"] == 1000
    assert ok(client.post("/api/private/select-best-account", json={"limit": 2.0}))["ranked"]


@pytest.mark.parametrize("credits", [2.5, "5", True, 1e300, float("-0.5")], ids=["2.5", "text", "true", "huge", "neg"])
def test_other_numbers_are_still_refused_for_integer_fields(client: TestClient, engine: Engine,
                                                            credits: Any) -> None:
    session = start(client, new_project(client)["id"], new_account(client)["id"])
    before = rows(engine)
    fails(client.post(f"/api/sessions/{session['id']}/usage", json={"credits": credits}), 422, "invalid_input")
    assert rows(engine) == before


# ---- booleans: true and false only -----------------------------------------------------------

@pytest.mark.parametrize(("path", "field"), [
    ("/api/handoff/compress", "polish"), ("/api/private/smart-compress", "polish"),
    ("/api/private/smart-compress", "lines"), ("/api/projects", "auto_commit")])
@pytest.mark.parametrize("value", ["no", "yes", 0, 1, "false"])
def test_booleans_are_true_or_false_only(client: TestClient, engine: Engine, path: str, field: str,
                                         value: Any) -> None:
    project = new_project(client)
    body = {"name": "Other"} if path == "/api/projects" else {"project_id": project["id"], "context": "User: hi"}
    before = rows(engine)
    error = fails(client.post(path, json={**body, field: value}), 422, "invalid_input")
    assert [item["loc"][-1] for item in error["details"]] == [field]
    assert rows(engine) == before


# ---- null: accepted wherever the document says nullable, refused elsewhere ---------------------

def test_every_field_published_as_nullable_takes_null(client: TestClient, spec: dict[str, Any], demo: None) -> None:
    start(client, 1, 1)  # a session 1 for the session routes (the demo's sessions are all finished)
    checked = 0
    for method, path, body in API_ROUTES:
        if body is None:
            continue
        model = body_schema(spec, method, spec_path(spec, path))
        for field, published in model["properties"].items():
            if not nullable(published):
                continue
            answer = client.request(method, path, json={**body, field: None})
            refused = answer.status_code == 422 and (
                answer.json()["error"]["message"] == SCHEMA_REFUSAL or "null" in answer.json()["error"]["message"])
            assert not refused, (method, path, field, answer.text)
            checked += 1
    assert checked > 30


@pytest.mark.parametrize(("path", "fields"), [
    ("/api/projects/{project_id}", ("name", "status", "auto_commit", "auto_rotate", "rotation_strategy")),
    ("/api/accounts/{account_id}", ("account_name", "platform", "quota", "window_hours", "status")),
    ("/api/sessions/{session_id}", ("session_type",)),
])
def test_patch_fields_that_cannot_be_cleared_are_not_published_as_nullable(
        client: TestClient, spec: dict[str, Any], engine: Engine, path: str, fields: tuple[str, ...]) -> None:
    model = body_schema(spec, "PATCH", path)
    project, account = new_project(client), new_account(client)
    start(client, project["id"], account["id"])
    before = rows(engine)
    for field in fields:
        assert not nullable(model["properties"][field]), (path, field)
        assert "default" not in model["properties"][field]
        fails(client.patch(path.split("{")[0] + "1", json={field: None}), 422, "invalid_input")
    assert rows(engine) == before


# ---- batch rows, credentials, auth -----------------------------------------------------------

def test_batch_rows_are_published_as_new_accounts(spec: dict[str, Any]) -> None:
    accounts = body_schema(spec, "POST", "/api/private/batch-create-accounts")["properties"]["accounts"]
    assert accounts["items"] == {"$ref": "#/components/schemas/AccountCreate"}
    assert accounts["maxItems"] == 10_000
    row = spec["components"]["schemas"]["AccountCreate"]
    assert row["required"] == ["account_name"] and row["additionalProperties"] is False


def test_credentials_and_secrets_are_write_only(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for model, field in [("AccountCreate", "credentials"), ("AccountPatch", "credentials"),
                         ("WebhookCreate", "secret")]:
        assert schemas[model]["properties"][field].get("writeOnly") is True, (model, field)
    for model, schema in schemas.items():  # and no answer carries one
        if model.endswith(("Out", "Envelope")):
            assert not {"credentials", "credentials_encrypted"} & set(schema.get("properties", {})), model


def test_every_api_operation_declares_the_bearer_scheme(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operations = [(method, path, operation) for path, methods in spec["paths"].items()
                  for method, operation in methods.items()]
    for method, path, operation in operations:
        if path.startswith("/api"):
            assert operation.get("security") == [{"bearerAuth": []}], (method, path)
        else:
            assert "security" not in operation, (method, path)


# ---- report-limit: a figure the reason cannot use is refused, not ignored ----------------------

@pytest.mark.parametrize("body", [
    {"reason": "throttled", "resets_at": "2026-11-25T15:00:00Z"},
    {"reason": "invalid_credentials", "resets_at": "2026-11-25T15:00:00Z"},
    {"reason": "window_exhausted", "cooldown_seconds": 60},
    {"reason": "invalid_credentials", "cooldown_seconds": 60},
], ids=["throttled+resets_at", "credentials+resets_at", "window+cooldown", "credentials+cooldown"])
def test_report_limit_refuses_a_time_it_would_ignore(client: TestClient, engine: Engine, body: dict[str, Any],
                                                      spec: dict[str, Any]) -> None:
    account = new_account(client)
    before = rows(engine)
    error = fails(client.post(f"/api/accounts/{account['id']}/report-limit", json=body), 422, "invalid_input")
    assert error["details"]["field"] in body
    assert rows(engine) == before
    described = spec["paths"]["/api/accounts/{account_id}/report-limit"]["post"]["description"]
    assert "resets_at" in described and "422" in described


# ---- HTTP methods: 405 says every method, HEAD is GET without the body -------------------------

@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("PUT", "/api/projects", "GET, HEAD, POST"),
    ("PUT", "/api/projects/1", "DELETE, GET, HEAD, PATCH"),
    ("POST", "/healthz", "GET, HEAD"),
    ("DELETE", "/api/sessions/1/usage", "POST"),
])
def test_a_405_lists_every_method_of_the_path(client: TestClient, method: str, path: str, allowed: str) -> None:
    answer = client.request(method, path)
    error = fails(answer, 405, "method_not_allowed")
    assert answer.headers["allow"] == allowed
    assert error["details"] == {"allowed": allowed.split(", ")}


@pytest.mark.parametrize("path", ["/healthz", "/ping", "/openapi.json", "/api/stats", "/login?code=x"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    got, head = client.get(path, follow_redirects=False), client.head(path, follow_redirects=False)
    if path.startswith("/login"):  # a GET that spends a one-time code: HEAD must not run it
        assert head.status_code == 405 and head.headers["allow"] == "GET"
        return
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_head_on_the_dashboard_pages(anonymous: TestClient, client: TestClient) -> None:
    assert anonymous.head("/", follow_redirects=False).status_code == anonymous.get(
        "/", follow_redirects=False).status_code
    for page in ("/", "/accounts", "/projects"):
        got = client.get(page, follow_redirects=False)
        head = client.head(page, follow_redirects=False)
        assert (head.status_code, head.content) == (got.status_code, b""), page


# ---- 413 over a real socket: an answer, never a reset ------------------------------------------

@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`paas serve` (1 worker, SQLite) in its own process group, stopped by SIGTERM."""
    folder = tmp_path_factory.mktemp("serve")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAAS_")}
    env |= {"PAAS_DATABASE_URL": f"sqlite:///{folder / 'paas.db'}", "PAAS_DATA_DIR": str(folder),
            "PAAS_ENV": "development"}
    paas(["init"], env)  # `paas serve` migrates nothing
    server = Server(env, workers=1, log=Path(folder) / "server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def post_raw(port: int, total: int, framing: str) -> bytes:
    """POST ``total`` bytes as a plain client does: all of the body, then read the answer (a server
    that closed with the body unread makes this raise ConnectionResetError)."""
    declared = f"Content-Length: {total}" if framing == "content-length" else "Transfer-Encoding: chunked"
    piece = b"x" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(f"POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           f"{declared}\r\n\r\n".encode())
        for _ in range(total // len(piece)):
            connection.sendall(piece if framing == "content-length" else b"%x\r\n%s\r\n" % (len(piece), piece))
        if framing == "chunked":
            connection.sendall(b"0\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize("megabytes", [8, 20])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_over_the_limit_gets_a_413_answer_over_a_socket(real_server: Any, megabytes: int,
                                                                framing: str) -> None:
    answer = post_raw(real_server.port, megabytes * 1024 * 1024, framing)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert b'"code": "payload_too_large"' in body or b'"code":"payload_too_large"' in body, body
    assert httpx2.get(f"{real_server.base}/healthz", timeout=10).status_code == 200  # the worker is fine


def test_head_healthz_over_a_socket(real_server: Any) -> None:
    host, port = "127.0.0.1", real_server.port
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(f"HEAD /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and body == b""
