"""GET /ping: the hello-world route the load benchmark measures as its baseline."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event


def test_ping_needs_no_token_and_reaches_no_database(anonymous: TestClient, engine: Engine) -> None:
    statements: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    anonymous.get("/ping")  # the app's own start-up work is not counted
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answers = [anonymous.get("/ping") for _ in range(3)]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert all(answer.json() == {"status": "ok"} for answer in answers)
    assert statements == []


def test_ping_is_in_the_openapi_document_without_auth(anonymous: TestClient) -> None:
    operation = anonymous.get("/openapi.json").json()["paths"]["/ping"]["get"]
    assert "security" not in operation
