"""Plain helpers for the HTTP API tests: envelope checks, builders, and a snapshot of every
stored row so a test can assert that a refused request changed nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine, select

from paas.store.schema import Base
from paas.store.unit import transaction

# api_tokens changes on every authenticated call (last_used_at), so it is not "data".
DATA_TABLES = [table for table in Base.metadata.sorted_tables if table.name != "api_tokens"]


def ok(response: Response, status: int = 200) -> dict[str, Any]:
    """The body of a success answer, after checking its status and envelope."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is True, body
    assert "data" in body
    return body


def created(response: Response) -> dict[str, Any]:
    """The body of a create: 201, the envelope, and the original's top-level ``id``."""
    body = ok(response, 201)
    assert isinstance(body["id"], int) and body["id"] == body["data"]["id"], body
    return body


def fails(response: Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The ``error`` object of a failure answer, after checking its status and envelope."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False, body
    assert set(body) == {"success", "error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every data row of every table, in a stable order: equal snapshots mean nothing changed."""
    with transaction(engine, write=False) as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(select(table)).all()), key=repr)
            for table in DATA_TABLES
        }


def new_project(client: TestClient, name: str = "Alpha", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = created(client.post("/api/projects", json={"name": name, **fields}))["data"]
    return data


def new_account(client: TestClient, name: str = "acct-1", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = created(client.post("/api/accounts", json={"account_name": name, **fields}))["data"]
    return data


def start(client: TestClient, project_id: int, account_id: int, **fields: Any) -> dict[str, Any]:
    """Start a session; answers the whole body (``id``, ``session_number``, ``data``)."""
    return created(client.post("/api/sessions", json={"project_id": project_id, "account_id": account_id,
                                                      **fields}))


def complete(client: TestClient, session_id: int, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.post(f"/api/sessions/{session_id}/complete", json=fields))["data"]
    return data


def use(client: TestClient, session_id: int, credits: int, key: str | None = None) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post(f"/api/sessions/{session_id}/usage", json={"credits": credits}, headers=headers)
    data: dict[str, Any] = ok(response, 201)["data"]
    return data


def stats(client: TestClient) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.get("/api/stats"))["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    """Headers that replace the client's admin token with ``token``."""
    return {"Authorization": f"Bearer {token}"}


T = TypeVar("T")


def at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """Run ``call(0..count-1)`` on ``count`` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T:
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


# Every /api operation, with a body that would be valid once ids 1 exist.
API_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/stats", None),
    ("GET", "/api/forecast", None),
    ("GET", "/api/projects", None),
    ("POST", "/api/projects", {"name": "P"}),
    ("GET", "/api/projects/1", None),
    ("PATCH", "/api/projects/1", {"description": "d"}),
    ("DELETE", "/api/projects/1", None),
    ("GET", "/api/accounts", None),
    ("POST", "/api/accounts", {"account_name": "A"}),
    ("GET", "/api/accounts/1", None),
    ("PATCH", "/api/accounts/1", {"notes": "n"}),
    ("DELETE", "/api/accounts/1", None),
    ("GET", "/api/sessions", None),
    ("POST", "/api/sessions", {"project_id": 1, "account_id": 1}),
    ("GET", "/api/sessions/1", None),
    ("PATCH", "/api/sessions/1", {"blockers": "b"}),
    ("DELETE", "/api/sessions/1", None),
    ("POST", "/api/sessions/1/usage", {"credits": 1}),
    ("POST", "/api/sessions/1/complete", {}),
    ("POST", "/api/handoff/compress", {"project_id": 1, "context": "c"}),
    ("GET", "/api/projects/1/briefings", None),
    ("GET", "/api/briefings/1", None),
    ("GET", "/api/knowledge", None),
    ("POST", "/api/knowledge", {"category": "tip", "title": "T"}),
    ("POST", "/api/accounts/1/report-limit", {"reason": "throttled"}),
    ("POST", "/api/private/select-best-account", {"min_credits": 1}),
    ("POST", "/api/private/auto-rotate", {"current_account_id": 1, "project_id": 1}),
    ("POST", "/api/private/batch-create-accounts", {"accounts": [{"account_name": "B"}]}),
    ("POST", "/api/private/smart-compress", {"project_id": 1, "context": "c"}),
    ("POST", "/api/private/analyze-credits", {"days": 30}),
    ("POST", "/api/private/export-project", {"project_id": 1}),
    ("POST", "/api/private/import-project", {"schema_version": 1, "exported_at": "2026-11-25T12:00:00Z",
                                             "project": {"name": "Imported", "created_at": "2026-11-25T12:00:00Z",
                                                         "updated_at": "2026-11-25T12:00:00Z"}}),
    ("POST", "/api/estimate", {"text": "t"}),
    ("GET", "/api/alerts", None),
    ("POST", "/api/alerts/1/acknowledge", None),  # no body: nothing to parse
    ("GET", "/api/webhooks", None),
    ("POST", "/api/webhooks", {"url": "http://127.0.0.1:9/hook"}),
    ("GET", "/api/webhooks/deliveries", None),
    ("DELETE", "/api/webhooks/1", None),
]
# Routes that only read, though some take a body (selection ranks accounts and changes nothing).
READ_ONLY_POSTS = {"/api/private/select-best-account", "/api/private/analyze-credits", "/api/estimate",
                   "/api/private/export-project"}
WRITE_ROUTES = [route for route in API_ROUTES if route[0] != "GET" and route[1] not in READ_ONLY_POSTS]
