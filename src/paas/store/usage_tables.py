"""Where usage comes from besides a person typing it: the agents' log files ``paas usage import``
has read (and how far), and what a platform itself reported of an account's window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from paas.core.types import UsageSource
from paas.store.base import Base, UTCDateTime, one_of, utcnow


class UsageImportFile(Base):
    """One agent log file ``paas usage import`` has read, and how far: a rerun reads only what grew.

    ``offset`` is the byte after the last complete line read; ``fingerprint`` the SHA-256 of the
    file's first bytes, so a file replaced by another (rotated, rewritten) is read again from the
    start. ``state`` keeps what a reader needs to go on (a Codex rollout's last cumulative totals).
    """

    __tablename__ = "usage_import_files"
    __table_args__ = (one_of("source", UsageSource),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    source: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    offset: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    lines: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    records: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class PlatformReading(Base):
    """What a platform itself said of an account's window (Claude Code's status line input),
    kept beside our estimate from the ledger so the difference can be shown."""

    __tablename__ = "platform_readings"
    __table_args__ = (Index("ix_platform_readings_account_id_read_at", "account_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    window: Mapped[str] = mapped_column(String(20))  # five_hour, seven_day
    used_percentage: Mapped[float] = mapped_column(Float)
    resets_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    estimated_percentage: Mapped[float | None] = mapped_column(Float)
    agent_session: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
