"""``"polish": true`` on the two briefing doors, against a real chat endpoint on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from paas.api.app import create_app
from paas.config import get_settings
from paas.store.schema import ContextSnapshot
from paas.store.unit import transaction
from tests.api.api_helpers import fails, new_project
from tests.core.briefing.test_briefing_polish import TRANSCRIPT
from tests.polish_stub import PolishStub


@pytest.fixture
def polishing(engine: Engine, database_url: str, clock: Any, make_token: Callable[[str], str],
              polish_stub: PolishStub) -> Iterator[TestClient]:
    settings = get_settings(database_url=database_url, polish_url=polish_stub.url, polish_model="tiny",
                            polish_api_key="sk-never-shown-0123456789")
    with TestClient(create_app(settings, engine=engine, clock=clock), raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {make_token('operator')}"
        yield client


def answer(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is True
    return body


def snapshots(engine: Engine) -> list[str]:
    with transaction(engine, write=False) as session:
        return list(session.scalars(select(ContextSnapshot.compressed_context).order_by(ContextSnapshot.id)))


@pytest.mark.parametrize("path", ["/api/private/smart-compress", "/api/handoff/compress"])
def test_polish_is_used_and_saved_when_it_passes_review(polishing: TestClient, engine: Engine,
                                                        polish_stub: PolishStub, path: str) -> None:
    project = new_project(polishing)
    body = answer(polishing.post(path, json={"project_id": project["id"], "context": TRANSCRIPT, "polish": True}))
    assert body["stats"]["polish"]["accepted"] is True
    assert "## Next step\n\n- Next: " in body["briefing"]
    assert snapshots(engine) == [body["briefing"]]
    assert len(polish_stub.requests) == 1
    assert "sk-never-shown" not in str(body)


def test_a_refused_polish_saves_the_plain_briefing_and_says_why(polishing: TestClient, engine: Engine,
                                                               polish_stub: PolishStub) -> None:
    project = new_project(polishing)
    plain = answer(polishing.post("/api/private/smart-compress",
                                  json={"project_id": project["id"], "context": TRANSCRIPT}))
    assert "polish" not in plain["stats"] or plain["stats"]["polish"] is None
    assert polish_stub.requests == []  # not asked: not called
    polish_stub.reply = lambda messages: messages[-1]["content"].replace("## Errors", "## Problems")
    body = answer(polishing.post("/api/private/smart-compress",
                                 json={"project_id": project["id"], "context": TRANSCRIPT, "polish": True}))
    outcome = body["stats"]["polish"]
    assert outcome["accepted"] is False and any("headings changed" in problem for problem in outcome["problems"])
    assert "## Problems" not in body["briefing"] and "## Errors" in body["briefing"]
    assert snapshots(engine) == [plain["briefing"], body["briefing"]]


def test_polish_without_an_endpoint_is_bad_input_and_saves_nothing(client: TestClient, engine: Engine) -> None:
    project = new_project(client)
    before = len(snapshots(engine))
    error = fails(client.post("/api/private/smart-compress",
                              json={"project_id": project["id"], "context": TRANSCRIPT, "polish": True}), 422)
    assert "PAAS_POLISH_URL" in error["message"]
    assert len(snapshots(engine)) == before


def test_polish_must_be_a_boolean(client: TestClient) -> None:
    project = new_project(client)
    fails(client.post("/api/handoff/compress",
                      json={"project_id": project["id"], "context": TRANSCRIPT, "polish": "yes please"}), 422)
    with transaction(client.app.state.db.engine, write=False) as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(ContextSnapshot)) == 0
