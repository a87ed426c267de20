"""Webhooks: signed POSTs to a real local HTTP server, retried with backoff from the outbox (both backends)."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paas.core.errors import InvalidInput, NotFound
from paas.services import webhooks
from paas.services.credentials import CredentialVault, new_key
from paas.store.db import make_engine
from paas.store.schema import Webhook, WebhookDelivery
from paas.store.unit import Database, transaction
from tests.webhook_receiver import Receiver, dead_url, receiver  # noqa: F401 - fixtures

README = Path(__file__).resolve().parents[2] / "README.md"
VAULT = CredentialVault((new_key(),))


def add(engine: Engine, clock: Any, url: str, secret: str | None = "s3cret-of-sixteen+") -> webhooks.IssuedWebhook:
    with transaction(engine) as session:
        return webhooks.add_webhook(session, url=url, secret=secret, vault=VAULT, now=clock(), description="ops")


def enqueue(engine: Engine, clock: Any, key: str = "pool_low") -> None:
    with transaction(engine) as session:
        webhooks.enqueue(session, event="alert.raised", alert_id=None,
                         payload={"alert": {"key": key, "message": "the pool has 3 credits left"}}, now=clock())


def deliveries(engine: Engine) -> list[WebhookDelivery]:
    with transaction(engine, write=False) as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def deliver(engine: Engine, clock: Any) -> webhooks.DeliveryPass:
    return webhooks.deliver_due(Database(engine).run, vault=VAULT, now=clock())


def readme_verify() -> Any:
    """The README's signature check, run as written."""
    section = README.read_text(encoding="utf-8").split("## Alerts and webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "the README's Alerts and webhooks section has no python snippet"
    assert len(code.group(1).strip().splitlines()) <= 8
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # noqa: S102 - the documented recipe itself
    return namespace["verify"]


def test_a_delivery_is_signed_as_the_readme_says(engine: Engine, clock: Any, receiver: Receiver) -> None:  # noqa: F811
    add(engine, clock, receiver.url)
    enqueue(engine, clock)
    done = deliver(engine, clock)
    assert (done.attempted, done.delivered) == (1, 1)
    [got] = receiver.received
    [row] = deliveries(engine)
    headers = {key.lower(): value for key, value in got.headers.items()}
    assert headers["x-paas-event"] == "alert.raised" and headers["x-paas-delivery"] == str(row.id)
    assert headers["x-paas-timestamp"] == str(int(clock().timestamp()))
    assert headers["content-type"] == "application/json"
    assert json.loads(got.body) == {"event": "alert.raised",
                                    "alert": {"key": "pool_low", "message": "the pool has 3 credits left"}}
    verify = readme_verify()
    canonical = {"X-PAAS-Timestamp": headers["x-paas-timestamp"], "X-PAAS-Signature": headers["x-paas-signature"]}
    now = clock().timestamp()
    assert verify("s3cret-of-sixteen+", canonical, got.body, now=now)
    assert not verify("another-secret-16+", canonical, got.body, now=now)
    assert not verify("s3cret-of-sixteen+", canonical, got.body + b" ", now=now)
    replayed = {**canonical, "X-PAAS-Timestamp": str(int(now) - 1)}  # the timestamp is signed too
    assert not verify("s3cret-of-sixteen+", replayed, got.body, now=now)
    assert not verify("s3cret-of-sixteen+", canonical, got.body, now=now + 3600)  # too old: a replay
    assert (row.status, row.attempts, row.last_status_code, row.delivered_at) == ("delivered", 1, 200, clock())


def test_a_500_then_a_200_is_retried_with_backoff_and_delivered_once(engine: Engine, clock: Any,
                                                                      receiver: Receiver) -> None:  # noqa: F811
    add(engine, clock, receiver.url)
    enqueue(engine, clock)
    receiver.answers = [500]
    first = deliver(engine, clock)
    assert (first.attempted, first.retrying) == (1, 1)
    [row] = deliveries(engine)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    assert row.next_attempt_at == clock() + timedelta(seconds=30) and "HTTP 500" in (row.last_error or "")
    clock.now += timedelta(seconds=29)
    assert deliver(engine, clock).attempted == 0  # not due yet
    clock.now += timedelta(seconds=1)
    assert deliver(engine, clock).delivered == 1
    clock.now += timedelta(hours=7)
    assert deliver(engine, clock).attempted == 0
    assert len(receiver.received) == 2
    assert len({got.headers["X-PAAS-Delivery"] for got in receiver.received}) == 1  # the same delivery, retried
    [row] = deliveries(engine)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("delivered", 2, 200, None)


def test_a_dead_url_ends_failed_after_the_last_attempt_and_is_listed(engine: Engine, clock: Any,
                                                                      dead_url: str) -> None:  # noqa: F811
    add(engine, clock, dead_url)
    enqueue(engine, clock)
    waits = []
    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        done = deliver(engine, clock)
        assert done.attempted == 1, attempt
        [row] = deliveries(engine)
        assert row.attempts == attempt and row.last_status_code is None and row.last_error
        if attempt < webhooks.MAX_ATTEMPTS:
            waits.append(row.next_attempt_at - clock())
            clock.now = row.next_attempt_at
    assert waits == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1),
                     timedelta(hours=6)]
    assert done.failed == 1 and done.attempts[0].status == "failed"
    clock.now += timedelta(days=1)
    assert deliver(engine, clock).attempted == 0
    with transaction(engine, write=False) as session:
        failed = webhooks.list_deliveries(session, status="failed")
        assert webhooks.list_deliveries(session, status="pending").total == 0
    assert failed.total == 1 and failed.items[0].attempts == 6 and failed.items[0].status == "failed"
    assert "Connect" in (failed.items[0].last_error or "")


def test_two_workers_claim_a_due_delivery_once(engine: Engine, database_url: str, clock: Any,
                                               receiver: Receiver) -> None:  # noqa: F811
    add(engine, clock, receiver.url)
    for index in range(10):
        enqueue(engine, clock, key=f"k{index}")
    engines = [make_engine(database_url) for _ in range(3)]
    passes: list[webhooks.DeliveryPass] = []
    threads = [threading.Thread(target=lambda own=own: passes.append(
        webhooks.deliver_due(Database(own).run, vault=VAULT, now=clock()))) for own in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for own in engines:
        own.dispose()
    assert sum(done.delivered for done in passes) == 10
    assert sorted(json.loads(got.body)["alert"]["key"] for got in receiver.received) == [f"k{i}" for i in range(10)]
    assert {row.status for row in deliveries(engine)} == {"delivered"}


def test_the_worker_delivers_in_the_background_and_stops_cleanly(engine: Engine, clock: Any,
                                                                 receiver: Receiver) -> None:  # noqa: F811
    add(engine, clock, receiver.url)
    enqueue(engine, clock)
    worker = webhooks.DeliveryWorker(Database(engine).run, lambda: VAULT, clock, interval=0.05)
    worker.start()
    deadline = time.monotonic() + 10
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.stop()
    assert not worker.running and worker.passes >= 1
    assert [row.status for row in deliveries(engine)] == ["delivered"]


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "http://",
                                 "example.com/hook", "https://exa mple.com/", "mailto:ops@example.com",
                                 "http://[::1/hook", "http://example.com:99999/hook", "http://example.com:port/"])
def test_only_http_and_https_urls_are_accepted(engine: Engine, clock: Any, url: str) -> None:
    with pytest.raises(InvalidInput, match="webhook URL") as refused:
        add(engine, clock, url)
    assert refused.value.details == {"field": "url"}


def test_the_secret_is_shown_once_and_stored_encrypted(engine: Engine, clock: Any) -> None:
    generated = add(engine, clock, "https://example.com/hook", secret=None)
    assert generated.secret.startswith("whsec_") and len(generated.secret) > 40
    given = add(engine, clock, "http://127.0.0.1:9/b")
    with transaction(engine, write=False) as session:
        stored = list(session.scalars(select(Webhook).order_by(Webhook.id)))
        listed = json.dumps([view.model_dump(mode="json") for view in webhooks.list_webhooks(session)])
    assert [VAULT.decrypt(row.secret_encrypted) for row in stored] == [generated.secret, "s3cret-of-sixteen+"]
    assert generated.secret not in stored[0].secret_encrypted
    assert generated.secret not in listed and "s3cret-of-sixteen+" not in listed and "secret" not in listed
    assert given.webhook.model_dump().keys() == {"id", "url", "description", "enabled", "created_at"}
    with pytest.raises(InvalidInput, match="16 to 200"):
        add(engine, clock, "https://example.com/hook", secret="short")


def test_removing_a_webhook_removes_its_deliveries(engine: Engine, clock: Any) -> None:
    kept, gone = add(engine, clock, "https://example.com/a"), add(engine, clock, "https://example.com/b")
    enqueue(engine, clock)
    with transaction(engine) as session:
        webhooks.remove_webhook(session, gone.webhook.id)
    assert [row.webhook_id for row in deliveries(engine)] == [kept.webhook.id]
    with pytest.raises(NotFound), transaction(engine) as session:
        webhooks.remove_webhook(session, gone.webhook.id)


@pytest.mark.parametrize(("url", "shown"), [
    ("https://hooks.slack.com/services/T000/B000/XXXXSECRET", "https://hooks.slack.com/…"),
    ("https://user:pass@ops.example:8443/hook?token=abc", "https://ops.example:8443/…"),
    ("http://[::1]:9000/", "http://[::1]:9000"),
    ("http://127.0.0.1:9", "http://127.0.0.1:9"),
])
def test_a_url_is_shown_without_what_may_be_its_credential(url: str, shown: str) -> None:
    assert webhooks.shown_url(url) == shown
    assert "SECRET" not in webhooks.WebhookOut(id=1, url=url, description=None, enabled=True,
                                               created_at=datetime(2026, 12, 4, tzinfo=UTC)).model_dump_json()
