"""POST /api/handoff/compress: a Markdown briefing at the top level, saved as a context snapshot."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from paas.store.schema import ContextSnapshot
from paas.store.unit import transaction
from tests.api.api_helpers import complete, fails, new_account, new_project, ok, rows, start

CONVERSATION = "\n".join(f"line {n}" for n in range(1, 31))


def snapshots(engine: Engine) -> list[ContextSnapshot]:
    with transaction(engine, write=False) as session:
        return list(session.scalars(select(ContextSnapshot).order_by(ContextSnapshot.id)))


LONG = "\n\n".join(f"User: step {n}: edit src/module_{n}.py and run pytest tests/test_{n}.py\n\n"
                   f"Assistant: edited src/module_{n}.py; 3 passed" for n in range(400))


def test_compress_answers_a_markdown_briefing_and_saves_it(client: TestClient, engine: Engine,
                                                           clock: Any) -> None:
    project = new_project(client, "Barber SaaS")
    body = ok(client.post("/api/handoff/compress", json={"project_id": project["id"], "context": CONVERSATION}))
    assert set(body) == {"success", "briefing", "data", "stats"}
    briefing = body["briefing"]
    assert briefing.startswith("# Handoff briefing: Barber SaaS\n")
    assert "line 30" in briefing  # the latest request is kept verbatim
    assert body["data"]["original_lines"] == 30 == body["stats"]["original_lines"]
    assert body["data"]["compressed_lines"] == body["stats"]["compressed_lines"] > 0
    assert body["stats"]["tokenizer"] == "cl100k_base"
    [saved] = snapshots(engine)
    assert saved.id == body["data"]["snapshot_id"]
    assert (saved.project_id, saved.snapshot_type, saved.compressed_context) == (project["id"], "handoff", briefing)
    assert saved.created_at == clock()
    assert saved.session_id is None and body["data"]["session_id"] is None


def test_compress_names_the_account_and_credits_and_links_the_latest_session(client: TestClient,
                                                                             engine: Engine) -> None:
    project_id = new_project(client)["id"]
    account = new_account(client, "GenSpark-Main")
    first = start(client, project_id, account["id"])["id"]
    complete(client, first)
    latest = start(client, project_id, account["id"])["id"]
    body = ok(client.post("/api/handoff/compress", json={
        "project_id": project_id, "context": "we fixed the bug", "credits_used": 88,
        "from_account_id": account["id"]}))
    assert "GenSpark-Main" in body["briefing"]
    assert "- Credits used: 88" in body["briefing"]
    assert body["data"]["session_id"] == latest
    assert snapshots(engine)[0].session_id == latest


@pytest.mark.parametrize(("level", "budget"), [("low", 2500), ("medium", 1200), ("high", 400)])
def test_compress_level_is_a_token_budget(client: TestClient, level: str, budget: int) -> None:
    project_id = new_project(client)["id"]
    body = ok(client.post("/api/handoff/compress", json={"project_id": project_id, "context": LONG,
                                                         "compress_level": level}))
    stats = body["stats"]
    assert stats["tokens_after"] <= budget < stats["tokens_before"]
    assert "step 399" in body["briefing"]


def test_smart_compress_lines_mode_keeps_the_originals_line_counts(client: TestClient) -> None:
    project_id = new_project(client)["id"]
    for level, lines in (("low", 25), ("medium", 15), ("high", 5)):
        response = client.post("/api/private/smart-compress", json={
            "project_id": project_id, "context": LONG, "compress_level": level, "lines": True})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["stats"]["body_lines"] <= lines
        assert set(body) == {"success", "briefing", "stats", "snapshot_id"}


def test_each_compress_saves_another_snapshot(client: TestClient, engine: Engine) -> None:
    project_id = new_project(client)["id"]
    ids = [ok(client.post("/api/handoff/compress", json={"project_id": project_id, "context": f"step {n}"}))
           ["data"]["snapshot_id"] for n in range(2)]
    assert [snapshot.id for snapshot in snapshots(engine)] == ids and ids[0] != ids[1]


def test_unknown_project_is_404_and_saves_nothing(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    error = fails(client.post("/api/handoff/compress", json={"project_id": 404, "context": "x"}), 404, "not_found")
    assert error["details"]["kind"] == "project"
    assert rows(engine) == before


def test_unknown_from_account_is_404_and_saves_nothing(client: TestClient, engine: Engine) -> None:
    project_id = new_project(client)["id"]
    before = rows(engine)
    error = fails(client.post("/api/handoff/compress", json={"project_id": project_id, "context": "x",
                                                             "from_account_id": 404}), 404, "not_found")
    assert error["details"]["kind"] == "account"
    assert rows(engine) == before


@pytest.mark.parametrize("change", [
    {"context": None}, {"context": ""}, {"context": "   \n  "}, {"context": "a\x00b"}, {"context": ["a"]},
    {"project_id": "1"}, {"project_id": 10**30}, {"credits_used": 1.5}, {"credits_used": -1},
    {"credits_used": "88"}, {"from_account_id": "1"}, {"from_account_id": 0}, {"compress_level": "extreme"},
    {"format": "html"},
], ids=["context null", "context empty", "context blank", "NUL", "context list", "project id string",
        "project id huge", "credits fraction", "credits negative", "credits string", "account id string",
        "account id zero", "level enum", "unknown field"])
def test_compress_refuses_bad_input_and_saves_nothing(client: TestClient, engine: Engine,
                                                      change: dict[str, Any]) -> None:
    project_id = new_project(client)["id"]
    before = rows(engine)
    fails(client.post("/api/handoff/compress", json={"project_id": project_id, "context": "hello", **change}),
          422, "invalid_input")
    assert rows(engine) == before


@pytest.mark.parametrize("drop", ["project_id", "context"])
def test_compress_without_a_required_field_is_422(client: TestClient, engine: Engine, drop: str) -> None:
    body: dict[str, Any] = {"project_id": new_project(client)["id"], "context": "hello"}
    del body[drop]
    before = rows(engine)
    fails(client.post("/api/handoff/compress", json=body), 422, "invalid_input")
    assert rows(engine) == before
