"""The published contract: /openapi.json describes every /api route and its errors, and the seed
README's public examples work unchanged once a token is added."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.api_helpers import API_ROUTES, ok

ERROR_REF = "#/components/schemas/ErrorEnvelope"


@pytest.fixture
def spec(anonymous: TestClient) -> dict[str, Any]:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def api_operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method.upper(), path): operation for path, methods in spec["paths"].items()
            if path.startswith("/api") for method, operation in methods.items()}


def template(path: str) -> str:
    """The concrete paths of API_ROUTES with their ids in braces, for comparing with the spec."""
    return "/".join("{}" if part.isdigit() else part for part in path.split("/"))


def schema_of(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def test_every_api_route_is_listed(spec: dict[str, Any]) -> None:
    listed = {(method, "/".join("{}" if part.startswith("{") else part for part in path.split("/")))
              for method, path in api_operations(spec)}
    assert listed == {(method, template(path)) for method, path, _ in API_ROUTES}


# The original's private endpoints whose answers never had a ``data`` field: their own top-level fields.
ORIGINAL_SHAPES = {
    ("POST", "/api/private/batch-create-accounts"): {"message", "accounts", "skipped"},
    ("POST", "/api/private/smart-compress"): {"briefing", "stats", "snapshot_id"},
}


def test_every_api_route_declares_a_success_schema_in_the_envelope(spec: dict[str, Any]) -> None:
    for (method, path), operation in api_operations(spec).items():
        successes = [status for status in operation["responses"] if status.startswith("2")]
        assert len(successes) == 1, (method, path)
        schema = schema_of(spec, operation["responses"][successes[0]])
        assert schema["properties"]["success"]["const"] is True, (method, path)
        if (method, path) in ORIGINAL_SHAPES:
            assert ORIGINAL_SHAPES[(method, path)] <= set(schema["properties"]), (method, path)
            continue
        assert "data" in schema["properties"], (method, path)
        if method == "POST" and successes[0] == "201" and not path.endswith("/usage"):
            assert "id" in schema["required"], (method, path)


def test_every_api_route_documents_401_403_and_422_with_the_error_envelope(spec: dict[str, Any]) -> None:
    for (method, path), operation in api_operations(spec).items():
        for status in ("401", "403", "422"):
            response = operation["responses"].get(status)
            assert response is not None, (method, path, status)
            assert response["content"]["application/json"]["schema"]["$ref"] == ERROR_REF, (method, path, status)


def test_routes_document_the_errors_they_can_give(spec: dict[str, Any]) -> None:
    for (method, path), operation in api_operations(spec).items():
        documented = set(operation["responses"])
        if "{" in path:
            assert "404" in documented, (method, path)
        if "requestBody" in operation:
            assert {"400", "413"} <= documented, (method, path)
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert response["content"]["application/json"]["schema"]["$ref"] == ERROR_REF


def test_the_error_envelope_schema_has_code_message_and_details(spec: dict[str, Any]) -> None:
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["properties"]["success"]["const"] is False
    body = spec["components"]["schemas"][envelope["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(body["properties"]) == {"code", "message", "details"}


def test_the_interactive_docs_are_served(anonymous: TestClient) -> None:
    response = anonymous.get("/docs")
    assert response.status_code == 200 and "openapi.json" in response.text


# ---- the seed README's public examples, with a token added ------------------------------------

def assert_matches_declared(spec: dict[str, Any], method: str, path: str, status: int, body: dict[str, Any]) -> None:
    operation = spec["paths"][path][method.lower()]
    schema = schema_of(spec, operation["responses"][str(status)])
    assert set(schema["required"]) <= set(body) <= set(schema["properties"]), (method, path, sorted(body))


def test_readme_examples_work_with_a_token(client: TestClient, spec: dict[str, Any]) -> None:
    stats = ok(client.get("/api/stats"))
    assert {"active_projects", "active_accounts", "total_credits", "total_sessions"} <= set(stats["data"])
    assert_matches_declared(spec, "GET", "/api/stats", 200, stats)

    project = ok(client.post("/api/projects", json={"name": "PAAS AI Orchestrator - Private Edition",
                                                    "description": "Multi-account AI orchestration"}), 201)
    assert isinstance(project["id"], int)
    assert_matches_declared(spec, "POST", "/api/projects", 201, project)

    account = ok(client.post("/api/accounts", json={
        "account_name": "GenSpark-Dev-01", "account_email": "dev01@example.com", "platform": "genspark",
        "specialization": "Frontend Development"}), 201)
    assert isinstance(account["id"], int)

    session = ok(client.post("/api/sessions", json={
        "project_id": project["id"], "account_id": account["id"], "session_type": "feature",
        "objectives": "Build the dashboard"}), 201)
    assert isinstance(session["id"], int) and session["session_number"] == 1
    assert_matches_declared(spec, "POST", "/api/sessions", 201, session)

    handoff = ok(client.post("/api/handoff/compress", json={
        "project_id": project["id"], "context": "User: build it\nAI: built it", "credits_used": 88,
        "from_account_id": account["id"]}))
    assert handoff["briefing"].startswith("# ")
    assert_matches_declared(spec, "POST", "/api/handoff/compress", 200, handoff)

    projects = ok(client.get("/api/projects"))
    assert [item["id"] for item in projects["data"]] == [project["id"]]
    accounts = ok(client.get("/api/accounts"))
    assert [item["account_name"] for item in accounts["data"]] == ["GenSpark-Dev-01"]
    sessions = ok(client.get("/api/sessions", params={"project_id": project["id"], "account_id": account["id"]}))
    assert [item["project_name"] for item in sessions["data"]] == ["PAAS AI Orchestrator - Private Edition"]
    assert_matches_declared(spec, "GET", "/api/sessions", 200, sessions)
    knowledge = ok(client.get("/api/knowledge", params={"category": "pattern"}))
    assert knowledge["data"] == []
