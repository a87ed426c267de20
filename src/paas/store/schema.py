"""The database schema: SQLAlchemy 2 typed tables, the single source the migrations are checked against.

Contract:
- The eight tables of the original system keep their names and columns (ORIGINAL-API.md);
  what we add is constraints it lacked (unique names, per-project session numbers, foreign
  keys, CHECKs generated from the ``core.types`` enums) and a few columns, each commented.
- ``credit_events`` is the append-only ledger every "credits used" figure is summed from (the
  one exception is in its docstring).
- Usage sources and readings are in ``usage_tables``, alerts and webhooks in ``alert_tables``,
  tokens, their project scopes and the failed-authentication counts in ``access_tables``.
- Project and account names are unique on their ``core.names.name_key`` (case and Unicode form
  folded), kept by ``base.keep_name_key`` on every ORM write and by a column default on bulk inserts.
- ``transcript_sources`` keeps each transcript `context save` received, exactly (zlib at rest,
  SHA-256, detected format), once per project; snapshots name the source they were built from.
- Timestamps are stored naive UTC, read back aware UTC (``UTCDateTime``), on both databases.
- Constraint names come from the naming convention so migrations can refer to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from paas.core.quotas import WindowKind
from paas.core.types import (
    AdminState,
    ConversationRole,
    FileImportance,
    HandoffStatus,
    KnowledgeCategory,
    Platform,
    ProjectStatus,
    QuotaUnit,
    RotationStrategy,
    SessionStatus,
    SessionType,
    SnapshotType,
    UsageSource,
)
from paas.store.access_tables import ApiToken as ApiToken
from paas.store.access_tables import ApiTokenProject as ApiTokenProject
from paas.store.access_tables import AppMeta as AppMeta
from paas.store.access_tables import AuthThrottle as AuthThrottle
from paas.store.access_tables import IdempotentRequest as IdempotentRequest
from paas.store.alert_tables import Alert as Alert  # tables kept in their own modules, named here too
from paas.store.alert_tables import Webhook as Webhook
from paas.store.alert_tables import WebhookDelivery as WebhookDelivery
from paas.store.base import Base, Timestamped, UTCDateTime, keep_name_key, name_key_of, one_of, utcnow
from paas.store.live import LiveEvent as LiveEvent
from paas.store.usage_tables import PlatformReading as PlatformReading
from paas.store.usage_tables import UsageImportFile as UsageImportFile


class Project(Timestamped, Base):
    __tablename__ = "projects"
    __table_args__ = (
        one_of("status", ProjectStatus),
        one_of("rotation_strategy", RotationStrategy),
        CheckConstraint("rotate_threshold_percent IS NULL OR rotate_threshold_percent BETWEEN 1 AND 100",
                        name="rotate_threshold_percent_range"),
        CheckConstraint("total_credits_used >= 0", name="total_credits_used_not_negative"),
        CheckConstraint("total_sessions >= 0", name="total_sessions_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: names are how people and the CLI refer to projects; unique on the key (core.names).
    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_key: Mapped[str] = mapped_column(String(200), unique=True, default=name_key_of("name"))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.ACTIVE.value,
                                        server_default=ProjectStatus.ACTIVE.value)
    total_credits_used: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    total_sessions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Rotate when an account has used this share of its quota (overrides the account's threshold).
    rotate_threshold_percent: Mapped[int | None] = mapped_column(Integer)
    # Added: the usage that crosses the threshold rotates by itself; how the next account is chosen.
    auto_rotate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rotation_strategy: Mapped[str] = mapped_column(String(30), default=RotationStrategy.BEST.value,
                                                   server_default=RotationStrategy.BEST.value)
    # Added: the project's git working tree (briefings carry its state); commit pending work at handoff.
    repo_path: Mapped[str | None] = mapped_column(String(1000))
    auto_commit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Account(Timestamped, Base):
    """An account. Its credits left and its status are computed (core.quotas) from the quota,
    the ledger and the facts below; the original's stored ``credits_available``,
    ``credits_refresh_date`` and ``status`` went stale the moment a window turned."""

    __tablename__ = "accounts"
    __table_args__ = (
        one_of("platform", Platform),
        one_of("admin_state", AdminState),
        one_of("window_kind", WindowKind),
        one_of("quota_unit", QuotaUnit),
        CheckConstraint("quota >= 1", name="quota_positive"),
        CheckConstraint("window_hours BETWEEN 1 AND 744", name="window_hours_range"),
        CheckConstraint("rotate_threshold IS NULL OR (rotate_threshold >= 1 AND rotate_threshold <= quota)",
                        name="rotate_threshold_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_name: Mapped[str] = mapped_column(String(200), unique=True)
    account_name_key: Mapped[str] = mapped_column(String(200), unique=True, default=name_key_of("account_name"))
    account_email: Mapped[str | None] = mapped_column(String(320))
    platform: Mapped[str] = mapped_column(String(20), default=Platform.GENSPARK.value,
                                          server_default=Platform.GENSPARK.value)
    specialization: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(Text)
    quota: Mapped[int] = mapped_column(BigInteger, default=100, server_default="100")
    # What the quota and every figure of the account count: credits, tokens, or usd (in cents).
    quota_unit: Mapped[str] = mapped_column(String(10), default=QuotaUnit.CREDITS.value,
                                            server_default=QuotaUnit.CREDITS.value)
    window_kind: Mapped[str] = mapped_column(String(10), default=WindowKind.DAILY.value,
                                             server_default=WindowKind.DAILY.value)
    # Local wall-clock time "HH:MM" at which a daily window resets, in window_timezone.
    window_reset_at: Mapped[str] = mapped_column(String(5), default="00:00", server_default="00:00")
    window_timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    window_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    rotate_threshold: Mapped[int | None] = mapped_column(BigInteger)
    admin_state: Mapped[str] = mapped_column(String(10), default=AdminState.ENABLED.value,
                                             server_default=AdminState.ENABLED.value)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    exhausted_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    throttled_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fernet token of the account's API key or session token; write-only, never returned.
    credentials_encrypted: Mapped[str | None] = mapped_column(Text)


keep_name_key(Project, "name", "name_key")
keep_name_key(Account, "account_name", "account_name_key")


class WorkSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("project_id", "session_number"),
        one_of("session_type", SessionType),
        one_of("status", SessionStatus),
        CheckConstraint("credits_used >= 0", name="credits_used_not_negative"),
        CheckConstraint("session_number >= 1", name="session_number_positive"),
        # An account is leased to at most one open session, whatever the code above does.
        Index("uq_sessions_account_id_in_progress", "account_id", unique=True,
              sqlite_where=text("status = 'in_progress'"), postgresql_where=text("status = 'in_progress'")),
        # Credit analytics: a window's finished sessions without reading the table (0006).
        Index("ix_sessions_analytics_window", "status", "completed_at", "account_id", "project_id", "credits_used"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    session_number: Mapped[int] = mapped_column(Integer)
    session_type: Mapped[str] = mapped_column(String(20), default=SessionType.DEVELOPMENT.value,
                                              server_default=SessionType.DEVELOPMENT.value)
    credits_used: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    objectives: Mapped[str | None] = mapped_column(Text)
    accomplishments: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)
    handoff_notes: Mapped[str | None] = mapped_column(Text)
    checkpoint_data: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.IN_PROGRESS.value,
                                        server_default=SessionStatus.IN_PROGRESS.value)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Added: the project's git HEAD and branch when the session started (briefings count commits since).
    git_head: Mapped[str | None] = mapped_column(String(64))
    git_branch: Mapped[str | None] = mapped_column(String(255))
    # Added: the original had no change tracking on sessions.
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class ContextSnapshot(Base):
    __tablename__ = "context_snapshots"
    __table_args__ = (one_of("snapshot_type", SnapshotType),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Added: snapshots belong to a project even before its first session exists.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    snapshot_type: Mapped[str] = mapped_column(String(20), default=SnapshotType.HANDOFF.value,
                                               server_default=SnapshotType.HANDOFF.value)
    compressed_context: Mapped[str] = mapped_column(Text)
    context_summary: Mapped[str | None] = mapped_column(Text)
    file_count: Mapped[int | None] = mapped_column(Integer)
    code_lines: Mapped[int | None] = mapped_column(Integer)
    git_commit_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    # Added: the engine's figures for this briefing (tokens, facts kept, polish outcome...).
    stats: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Added: the transcript's format, and the stored source the briefing was built from (if any).
    source_format: Mapped[str | None] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("transcript_sources.id"), index=True)
    # Added: the git state the briefing described (branch, commits since, diff stat, uncommitted files).
    git_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ProjectLink(Base):
    """A working directory mapped to a project: an agent running there works on it (MCP, hooks)."""

    __tablename__ = "project_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class TranscriptSource(Base):
    """A transcript exactly as `context save` received it, so later briefings re-read the source
    itself (tool calls, outputs, exit codes), not a lossy copy of its turns. The UTF-8 text is
    stored zlib-compressed; ``sha256`` is of the uncompressed text, and one project keeps one copy
    of a given text (a second save only moves ``last_saved_at``)."""

    __tablename__ = "transcript_sources"
    __table_args__ = (
        UniqueConstraint("project_id", "sha256"),
        CheckConstraint("size_bytes >= 0", name="size_bytes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    # The project's latest session when first saved (none before the project's first session).
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    # A reader name of core.transcripts (FORMATS); not a CHECK, so a new reader needs no migration.
    format: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    last_saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class ConversationTurn(Base):
    __tablename__ = "conversation_history"
    __table_args__ = (one_of("role", ConversationRole), UniqueConstraint("session_id", "turn_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    turn_number: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    tokens_used: Mapped[int | None] = mapped_column(Integer)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class ProjectFile(Timestamped, Base):
    __tablename__ = "project_files"
    __table_args__ = (UniqueConstraint("project_id", "file_path"), one_of("importance", FileImportance))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    file_path: Mapped[str] = mapped_column(String(1000))
    file_type: Mapped[str | None] = mapped_column(String(50))
    last_modified: Mapped[datetime | None] = mapped_column(UTCDateTime)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    git_status: Mapped[str | None] = mapped_column(String(30))
    importance: Mapped[str] = mapped_column(String(20), default=FileImportance.NORMAL.value,
                                            server_default=FileImportance.NORMAL.value)
    notes: Mapped[str | None] = mapped_column(Text)


class HandoffQueueItem(Base):
    __tablename__ = "handoff_queue"
    __table_args__ = (
        one_of("status", HandoffStatus),
        CheckConstraint("priority BETWEEN 1 AND 10", name="priority_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    to_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    priority: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    handoff_context: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=HandoffStatus.PENDING.value,
                                        server_default=HandoffStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KnowledgeEntry(Timestamped, Base):
    __tablename__ = "knowledge_base"
    __table_args__ = (
        one_of("category", KnowledgeCategory),
        CheckConstraint("success_rate BETWEEN 0 AND 1", name="success_rate_range"),
        CheckConstraint("usage_count >= 0", name="usage_count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(Text)
    usage_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    success_rate: Mapped[float] = mapped_column(Float, default=1.0, server_default="1.0")
    source_session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))


class CreditEvent(Base):
    """One spend on an account, in the account's unit. Append-only: the ledger every figure is summed from.

    Typed-in usage has no ``source`` and spends at least 1. Usage read from an agent's logs names its
    ``source``, file and message/request id (a re-import never counts twice), keeps tokens and model,
    and may spend 0. The one change an imported row ever gets: a fuller copy of the same record found
    later replaces its figures (agents' logs need it: the copy with the most tokens wins).
    """

    __tablename__ = "credit_events"
    __table_args__ = (
        CheckConstraint("credits > 0 OR (source IS NOT NULL AND credits >= 0)",
                        name="credits_positive_unless_imported"),
        one_of("source", UsageSource),
        Index("ix_credit_events_account_id_occurred_at", "account_id", "occurred_at"),
        # Credit analytics: a day's credits as an index-only range sum, for all or for one project (0006).
        Index("ix_credit_events_occurred_at_credits", "occurred_at", "credits"),
        Index("ix_credit_events_project_id_occurred_at_credits", "project_id", "occurred_at", "credits"),
        Index("ix_credit_events_source_message_id", "source", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    # Denormalised from the session so per-project figures need no join; fixed at write time.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    credits: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A client-chosen key: the same key never records twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Credits beyond what the account had left: recorded (the platform spent them), and flagged.
    overdrawn: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Read from an agent's logs: which agent, which file, which record (None: typed in).
    source: Mapped[str | None] = mapped_column(String(20))
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("usage_import_files.id"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(200))
    sidechain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The agent's own session (Claude Code's sessionId, a Codex rollout's id): per-session reports.
    agent_session: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    input_tokens: Mapped[int | None] = mapped_column(BigInteger)
    output_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cache_creation_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cache_read_tokens: Mapped[int | None] = mapped_column(BigInteger)
    # Estimated cost in USD (genai-prices) where the model is priced, whatever the account's unit.
    cost_usd: Mapped[float | None] = mapped_column(Float)
