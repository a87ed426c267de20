"""Acknowledging an alert, through the service, the API and the CLI (both backends): the first
acknowledgement is kept, an unknown alert is 404, a viewer may not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.core.errors import NotFound
from paas.core.events import Event
from paas.services import alerts
from paas.store.unit import Database
from tests.alert_helpers import stored_alert
from tests.api.api_helpers import fails, ok, rows


def test_the_service_keeps_the_first_acknowledgement_and_tells_of_it_once(engine: Engine, clock: Any) -> None:
    alert_id = stored_alert(engine, clock())
    db = Database(engine)
    heard: list[Event] = []
    db.bus.subscribe(heard.append)
    first = db.run(lambda session: alerts.acknowledge_alert(session, alert_id, "ops laptop", clock()))
    assert (first.acknowledged_by, first.acknowledged_at) == ("ops laptop", clock())
    assert first.status.value == "active"  # seen, not cleared
    later = clock() + timedelta(minutes=5)
    second = db.run(lambda session: alerts.acknowledge_alert(session, alert_id, "someone else", later))
    assert (second.acknowledged_by, second.acknowledged_at) == ("ops laptop", clock())
    assert [event.as_dict() for event in heard] == [{"kind": "alert_acknowledged", "alert_id": alert_id,
                                                    "by": "ops laptop"}]


def test_the_service_refuses_an_unknown_alert(engine: Engine, clock: Any) -> None:
    db = Database(engine)
    try:
        db.run(lambda session: alerts.acknowledge_alert(session, 999, "x", clock()))
    except NotFound as error:
        assert "alert 999" in error.message
    else:
        raise AssertionError("an unknown alert was acknowledged")


def test_an_operator_acknowledges_through_the_api_with_its_token_name(
        client: TestClient, engine: Engine, clock: Any, make_token: Callable[[str], str]) -> None:
    alert_id = stored_alert(engine, clock())
    operator = {"Authorization": f"Bearer {make_token('operator')}"}
    body = ok(client.post(f"/api/alerts/{alert_id}/acknowledge", headers=operator))["data"]
    assert body["acknowledged_by"] == "test operator" and body["acknowledged_at"].startswith("2026-11-25T12:00")
    clock.now += timedelta(hours=1)
    again = ok(client.post(f"/api/alerts/{alert_id}/acknowledge"))["data"]  # the admin, an hour later
    assert (again["acknowledged_by"], again["acknowledged_at"]) == (body["acknowledged_by"], body["acknowledged_at"])
    listed = ok(client.get("/api/alerts"))["data"]
    assert [(item["id"], item["acknowledged_by"]) for item in listed] == [(alert_id, "test operator")]


def test_the_api_refuses_a_viewer_and_an_unknown_alert_changing_nothing(
        client: TestClient, engine: Engine, clock: Any, make_token: Callable[[str], str]) -> None:
    alert_id = stored_alert(engine, clock())
    before = rows(engine)
    viewer = {"Authorization": f"Bearer {make_token('viewer')}"}
    fails(client.post(f"/api/alerts/{alert_id}/acknowledge", headers=viewer), 403, "forbidden")
    fails(client.post("/api/alerts/4242/acknowledge"), 404, "not_found")
    assert rows(engine) == before
