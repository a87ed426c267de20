"""Alerts and where they go: one row per condition raised (at most one active per key), the
webhooks that hear of them, and the durable outbox of deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from paas.core.types import AlertStatus, DeliveryStatus
from paas.store.base import Base, UTCDateTime, one_of, utcnow


class Alert(Base):
    """One condition that needs a person (a rule met for a subject), raised once while it holds.

    ``key`` names the rule and its subject (``pool_low``, ``threshold:session:8``); at most one
    active alert per key (a partial unique index, so two processes cannot raise it twice). It is
    cleared when the condition ends; the same key is not raised again within the cooldown.
    A person may acknowledge it (``acknowledged_at``/``_by``): it stays active until it clears.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        one_of("status", AlertStatus),
        Index("uq_alerts_active_key", "key", unique=True, sqlite_where=text("status = 'active'"),
              postgresql_where=text("status = 'active'")),
        Index("ix_alerts_key_raised_at", "key", "raised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(10), default="warning", server_default="warning")
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    status: Mapped[str] = mapped_column(String(10), default=AlertStatus.ACTIVE.value,
                                        server_default=AlertStatus.ACTIVE.value)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A person has seen it (the token's name, when): the first acknowledgement is kept (0009).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))


class Webhook(Base):
    """Where alerts are POSTed, signed with HMAC-SHA256 of the body under the webhook's secret."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Encrypted at rest like account credentials (the credential vault).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class WebhookDelivery(Base):
    """The durable outbox: one payload for one webhook, tried until delivered or out of attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        one_of("status", DeliveryStatus),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value,
                                        server_default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
