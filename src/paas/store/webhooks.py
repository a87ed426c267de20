"""Webhooks and their durable outbox (``webhook_deliveries``).

- A webhook's secret is stored only encrypted (the credential vault does it, in the service).
- Outbox rows are written in the unit of work that raised or cleared the alert, so a delivery
  exists exactly when the change was committed.
- Claiming is safe with several workers on either backend: a due row is claimed by a conditional
  update (``WHERE status = 'pending' AND attempts = <seen> AND next_attempt_at <= now``) that
  pushes ``next_attempt_at`` to the end of a lease; only the worker whose update matched sends it.
  A worker that dies mid-send leaves the row to be claimed again when the lease ends (at least
  once). The result is recorded with the same ``attempts`` guard, so a worker whose lease ran out
  and was overtaken records nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from paas.core.types import DeliveryStatus, Page
from paas.store.records import paginate
from paas.store.schema import Webhook, WebhookDelivery

PENDING = DeliveryStatus.PENDING.value


def add(session: Session, webhook: Webhook) -> Webhook:
    session.add(webhook)
    session.flush()
    return webhook


def all_webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def enabled_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Webhook.id).where(Webhook.enabled.is_(True)).order_by(Webhook.id)))


def get(session: Session, webhook_id: int) -> Webhook | None:
    return session.get(Webhook, webhook_id)


def remove(session: Session, webhook: Webhook) -> int:
    """Delete the webhook and its deliveries (their history goes with it); how many deliveries went."""
    result: Any = session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id))
    session.delete(webhook)
    session.flush()
    return int(result.rowcount or 0)


def add_deliveries(session: Session, deliveries: list[WebhookDelivery]) -> None:
    session.add_all(deliveries)
    session.flush()


def due(session: Session, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(id, attempts) of pending deliveries due at ``now``, the longest waiting first."""
    return [(int(row_id), int(attempts)) for row_id, attempts in session.execute(
        select(WebhookDelivery.id, WebhookDelivery.attempts)
        .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit))]


def claim(session: Session, delivery_id: int, attempts: int, now: datetime, lease_until: datetime) -> bool:
    """Take the delivery for one attempt (until ``lease_until``); False when another worker has it."""
    result: Any = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == PENDING,
               WebhookDelivery.attempts == attempts, WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=lease_until).execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)


def with_webhook(session: Session, delivery_id: int) -> tuple[WebhookDelivery, Webhook]:
    delivery = session.get(WebhookDelivery, delivery_id)
    assert delivery is not None, delivery_id
    webhook = session.get(Webhook, delivery.webhook_id)
    assert webhook is not None, delivery.webhook_id
    return delivery, webhook


def record(session: Session, delivery_id: int, attempts: int, values: dict[str, Any]) -> bool:
    """Record an attempt's result if the delivery is still the one this worker claimed."""
    result: Any = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == PENDING,
               WebhookDelivery.attempts == attempts)
        .values(attempts=attempts + 1, **values).execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)


def newest_deliveries(session: Session, *, status: str | None, webhook_id: int | None, limit: int,
                      offset: int) -> Page[WebhookDelivery]:
    statement = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status)
    if webhook_id is not None:
        statement = statement.where(WebhookDelivery.webhook_id == webhook_id)
    return paginate(session, statement, limit, offset)
