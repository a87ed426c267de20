"""POST /api/private/export-project and import-project: the original's shape, complete; a bad
document refused with what is wrong and nothing changed; the conflict modes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.api_helpers import fails, ok, rows
from tests.services.export_documents import without_ids


@pytest.fixture
def exported(client: TestClient, demo: None) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.post("/api/private/export-project", json={"project_id": 1}))["data"]
    return data


def test_export_has_the_original_keys_and_everything_else(exported: dict[str, Any]) -> None:
    assert {"project", "sessions", "files", "exported_at"} <= set(exported)
    assert exported["schema_version"] == 1 and exported["alembic_revision"]
    assert exported["project"]["id"] == 1 and len(exported["sessions"]) == 4
    assert {account["account_name"] for account in exported["accounts"]} >= {"GenSpark-Main"}
    assert all("credentials" not in str(account) for account in exported["accounts"])
    assert len(exported["credit_events"]) == 4 and exported["context_snapshots"]


def test_an_unknown_project_is_404(client: TestClient) -> None:
    fails(client.post("/api/private/export-project", json={"project_id": 99}), 404, "not_found")


def test_a_viewer_cannot_export(client: TestClient, demo: None, make_token: Callable[[str], str]) -> None:
    viewer = {"Authorization": f"Bearer {make_token('viewer')}"}
    fails(client.post("/api/private/export-project", json={"project_id": 1}, headers=viewer), 403, "forbidden")


def test_import_rename_then_replace_then_skip(client: TestClient, exported: dict[str, Any]) -> None:
    name = exported["project"]["name"]
    fails(client.post("/api/private/import-project", json=exported), 409, "conflict")
    renamed = ok(client.post("/api/private/import-project?on_conflict=rename", json=exported))["data"]
    assert renamed["outcome"] == "renamed" and renamed["project_name"] == f"{name} (2)"
    assert renamed["counts"]["sessions"] == 4 and renamed["accounts_created"] == []
    again = ok(client.post("/api/private/export-project", json={"project_id": renamed["project_id"]}))["data"]
    again["project"]["name"] = name
    assert without_ids(again) == without_ids(exported)
    replaced = ok(client.post("/api/private/import-project?on_conflict=replace", json=exported))["data"]
    assert replaced["outcome"] == "replaced" and replaced["project_id"] == 1  # the project keeps its id
    after = ok(client.post("/api/private/export-project", json={"project_id": 1}))["data"]
    assert without_ids(after) == without_ids(exported)
    skipped = ok(client.post("/api/private/import-project?on_conflict=skip", json=exported))["data"]
    assert skipped == {**skipped, "outcome": "skipped", "project_id": replaced["project_id"]}


def broken(document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    change(changed)
    return changed


def _rename(document: dict[str, Any]) -> None:
    document["project"]["name"] = "Fresh"


@pytest.mark.parametrize(("change", "status", "said"), [
    (lambda d: d.update(schema_version=2), 422, "schema_version"),
    (lambda d: d.pop("project"), 422, "project"),
    (lambda d: d["sessions"][1].update(session_number=d["sessions"][0]["session_number"]), 422, "appears twice"),
    (lambda d: d["credit_events"][0].update(session_number=999), 422, "session 999 is not in the document"),
    (lambda d: d["sessions"][0].update(account="Nobody"), 422, "account 'Nobody' is not in the document"),
    (lambda d: d["sessions"][0].update(credits_used=-1), 422, "credits_used"),
    (lambda d: d["handoff_queue"][0].update(priority=11), 422, "priority"),
    (lambda d: d["sessions"][0].update(started_at="2026-01-01T00:00:00"), 422, "started_at"),
])
def test_a_bad_document_changes_nothing(client: TestClient, engine: Engine, exported: dict[str, Any],
                                        change: Callable[[dict[str, Any]], None], status: int, said: str) -> None:
    before = rows(engine)
    answer = client.post("/api/private/import-project", json=broken(broken(exported, _rename), change))
    error = fails(answer, status)
    assert said in answer.text, error
    assert rows(engine) == before


def test_a_truncated_body_is_400_and_changes_nothing(client: TestClient, engine: Engine,
                                                     exported: dict[str, Any]) -> None:
    import json

    before = rows(engine)
    text = json.dumps(broken(exported, _rename))
    fails(client.post("/api/private/import-project", content=text[: len(text) // 2],
                      headers={"Content-Type": "application/json"}), 400, "invalid_json")
    assert rows(engine) == before


def test_an_unknown_on_conflict_is_422(client: TestClient, exported: dict[str, Any]) -> None:
    fails(client.post("/api/private/import-project?on_conflict=merge", json=exported), 422)


def test_import_into_an_empty_database_creates_the_accounts_without_credentials(
        client: TestClient, exported: dict[str, Any], engine: Engine) -> None:
    from tests.services.test_export_roundtrip import empty

    empty(engine)
    from paas.services import tokens
    from paas.store.unit import transaction

    with transaction(engine) as session:
        token = tokens.create_token(session, role="admin", name="again", now=exported_now()).token
    client.headers["Authorization"] = f"Bearer {token}"
    made = ok(client.post("/api/private/import-project", json=exported))["data"]
    assert sorted(made["accounts_created"]) == sorted(a["account_name"] for a in exported["accounts"])
    account = ok(client.get("/api/accounts"))["data"][0]
    assert account.get("has_credentials") in (False, None)


def exported_now() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
