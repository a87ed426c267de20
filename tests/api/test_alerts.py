"""/api/alerts and /api/webhooks: roles, the secret once, refusals that change nothing, and the API door's
own alert evaluation after commit (its clock) and delivery worker (started and stopped with the app)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.api.app import create_app
from paas.api.routes.alerts import deliver_in_background
from paas.config import get_settings
from paas.services.credentials import vault_from_settings
from tests.api.api_helpers import created, fails, new_account, new_project, ok, rows, start, use
from tests.webhook_receiver import Receiver, receiver  # noqa: F401 - fixture

MakeToken = Callable[[str], str]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_usage_past_the_threshold_raises_an_alert_the_viewer_reads(client: TestClient, clock: Any,
                                                                    make_token: MakeToken) -> None:
    project_id = new_project(client)["id"]
    # A quota far above the threshold: these bursts do not make a run-out within 2 h.
    account_id = new_account(client, "Alpha", quota=100_000, rotate_threshold=900)["id"]
    session_id = start(client, project_id, account_id)["id"]
    use(client, session_id, 200)
    viewer = bearer(make_token("viewer"))
    assert ok(client.get("/api/alerts", headers=viewer))["data"] == []
    clock.now += timedelta(minutes=3)
    use(client, session_id, 700)
    body = ok(client.get("/api/alerts", headers=viewer))
    assert [alert["key"] for alert in body["data"]] == [f"threshold:session:{session_id}"]
    assert body["pagination"] == {"total": 1, "limit": 50, "offset": 0}
    [alert] = body["data"]
    assert alert["raised_at"] == clock.now.isoformat().replace("+00:00", "Z") and alert["status"] == "active"
    ok(client.post(f"/api/sessions/{session_id}/complete", json={}))
    assert ok(client.get("/api/alerts"))["data"] == []
    cleared = ok(client.get("/api/alerts", params={"status": "cleared"}))["data"]
    assert [(item["id"], item["status"]) for item in cleared] == [(alert["id"], "cleared")]
    assert ok(client.get("/api/alerts", params={"status": "all"}))["pagination"]["total"] == 1
    fails(client.get("/api/alerts", params={"status": "open"}), 422)


def test_webhooks_admin_adds_secret_once_viewer_reads(client: TestClient, engine: Engine,
                                                      make_token: MakeToken) -> None:
    answer = created(client.post("/api/webhooks", json={"url": "https://ops.example/hook", "description": "ops"}))
    secret = answer["secret"]
    assert secret.startswith("whsec_") and set(answer["data"]) == {"id", "url", "description", "enabled",
                                                                    "created_at"}
    given = created(client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/b",
                                                       "secret": "a-secret-of-my-own"}))
    assert given["secret"] == "a-secret-of-my-own"
    listed = ok(client.get("/api/webhooks", headers=bearer(make_token("viewer"))))
    # the path is where a Slack-style hook keeps its credential: views show scheme, host and port only
    assert [hook["url"] for hook in listed["data"]] == ["https://ops.example/…", "http://127.0.0.1:9/…"]
    everything = json.dumps(listed) + json.dumps(ok(client.get("/api/webhooks/deliveries")))
    assert secret not in everything and "a-secret-of-my-own" not in everything
    before = rows(engine)
    for role in ("viewer", "operator"):
        fails(client.post("/api/webhooks", json={"url": "https://x.example/"}, headers=bearer(make_token(role))),
              403)
        fails(client.delete(f"/api/webhooks/{given['id']}", headers=bearer(make_token(role))), 403)
    for url in ("ftp://x.example/hook", "file:///etc/passwd", "not a url", "http://", "http://[::1/x"):  # 500 once
        fails(client.post("/api/webhooks", json={"url": url}), 422)
    fails(client.post("/api/webhooks", json={"url": "https://x.example/", "secret": "short"}), 422)
    fails(client.post("/api/webhooks", json={"url": " https://ops.example/hook"}), 409)  # each alert POSTed twice
    fails(client.delete("/api/webhooks/99"), 404)
    assert rows(engine) == before
    ok(client.delete(f"/api/webhooks/{given['id']}"))
    assert [hook["id"] for hook in ok(client.get("/api/webhooks"))["data"]] == [answer["id"]]


def test_an_alert_is_queued_for_each_webhook_and_the_deliveries_are_listed(client: TestClient) -> None:
    created(client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/a"}))
    account_id = new_account(client, "Alpha")["id"]
    new_account(client, "Beta")
    ok(client.patch(f"/api/accounts/{account_id}", json={"status": "disabled"}))
    body = ok(client.get("/api/webhooks/deliveries", params={"status": "pending"}))
    [delivery] = body["data"]
    assert (delivery["event"], delivery["attempts"], delivery["webhook_id"]) == ("alert.raised", 0, 1)
    assert ok(client.get("/api/webhooks/deliveries", params={"status": "failed"}))["data"] == []
    fails(client.get("/api/webhooks/deliveries", params={"status": "lost"}), 422)


def test_the_delivery_worker_runs_with_the_app(engine: Engine, database_url: str, clock: Any,
                                               make_token: MakeToken, receiver: Receiver) -> None:  # noqa: F811
    settings = get_settings(database_url=database_url)
    app = create_app(settings, engine=engine, clock=clock)
    worker = deliver_in_background(app, app.state.db, lambda: vault_from_settings(settings), clock, interval=0.05)
    assert not worker.running
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {make_token('admin')}"
        assert worker.running
        created(client.post("/api/webhooks", json={"url": receiver.url}))
        account_id = new_account(client, "Alpha")["id"]
        new_account(client, "Beta")
        ok(client.patch(f"/api/accounts/{account_id}", json={"status": "disabled"}))
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [json.loads(got.body)["alert"]["key"] for got in receiver.received] == [
            f"account_disabled:{account_id}"]
    assert not worker.running
