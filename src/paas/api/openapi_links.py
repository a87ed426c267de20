"""OpenAPI links: what a create answers leads to the operations on the record it made.

``POST /api/projects`` answers the project's ``id``; the link says it is the ``project_id`` of
``GET /api/projects/{project_id}`` (and of the other operations on that path); the same for
accounts, sessions and webhooks. Clients and tools that follow links (schemathesis' stateful
tests, Swagger UI) can then chain create -> read -> change -> delete without guessing ids.
They are added to FastAPI's generated document (routes stay as they are).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

# (path of the create, its success status) -> (path of the record's operations, its id parameter)
CREATES = {
    ("/api/projects", "201"): ("/api/projects/{project_id}", "project_id"),
    ("/api/accounts", "201"): ("/api/accounts/{account_id}", "account_id"),
    ("/api/sessions", "201"): ("/api/sessions/{session_id}", "session_id"),
    ("/api/webhooks", "201"): ("/api/webhooks/{webhook_id}", "webhook_id"),
}
# Operations under the record's path that take the same id (a session's usage and completion, ...).
ALSO = {
    "/api/projects/{project_id}": ["/api/projects/{project_id}/briefings"],
    "/api/accounts/{account_id}": ["/api/accounts/{account_id}/report-limit"],
    "/api/sessions/{session_id}": ["/api/sessions/{session_id}/usage", "/api/sessions/{session_id}/complete"],
}


def add_links(document: dict[str, Any]) -> None:
    paths = document["paths"]
    for (create_path, status), (record_path, parameter) in CREATES.items():
        answer = paths.get(create_path, {}).get("post", {}).get("responses", {}).get(status)
        if answer is None:
            continue
        links: dict[str, Any] = {}
        for path in (record_path, *ALSO.get(record_path, [])):
            for method, operation in paths.get(path, {}).items():
                operation_id = operation.get("operationId")
                if operation_id:
                    links[operation_id] = {"operationId": operation_id,
                                           "parameters": {parameter: "$response.body#/id"},
                                           "description": f"The `id` in the answer is the `{parameter}` of "
                                                          f"{method.upper()} {path}."}
        answer["links"] = links


def install(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            add_links(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
