"""The export document: one project and everything that belongs to it, as one JSON object.

Shape (keys in this order when we write it; any order is read)::

    {"schema_version": 1, "alembic_revision": "...", "exported_at": "...",
     "project": {...}, "accounts": [...], "usage_files": [...], "sessions": [...],
     "credit_events": [...], "transcript_sources": [...], "context_snapshots": [...],
     "conversation_history": [...], "files": [...], "knowledge": [...],
     "handoff_queue": [...], "project_links": [...]}

The original's four keys (``project``, ``sessions``, ``files``, ``exported_at``) are there; the
rest completes it. Rows refer to each other by natural keys, never by database ids, so a document
imports into any database: sessions by ``session_number``, accounts by name, transcript sources
by ``sha256``, usage files by ``path``. The ``id`` fields are the source database's, for people
reading the file; import ignores them. Knowledge is the project's when its ``source_session``
is one of the project's sessions (the table has no project column). Accounts carry their
non-secret settings only: credentials, token hashes and webhooks are never exported.
Every model mirrors the table's constraints (lengths, ranges, enums, CHECKs), so a document that
validates here also stores, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

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
from paas.services.account_input import ClockTime, TimeZone
from paas.services.export_fields import Count32, Count64, Finite, Int32, Int64, Json, Number, Text, name_of, text_of
from paas.services.field_rules import WHOLE, Moment, Name

SCHEMA_VERSION = 1

class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectRow(Row):
    id: int | None = None
    name: Name
    description: Text | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE
    total_credits_used: Count64 = 0
    total_sessions: Count32 = 0
    rotate_threshold_percent: Annotated[int, Field(strict=True, ge=1, le=100), WHOLE] | None = None
    auto_rotate: StrictBool = False
    rotation_strategy: RotationStrategy = RotationStrategy.BEST
    repo_path: text_of(1000) | None = None  # type: ignore[valid-type]
    auto_commit: StrictBool = False
    created_at: Moment
    updated_at: Moment


class AccountRow(Row):
    account_name: Name
    account_email: text_of(320) | None = None  # type: ignore[valid-type]
    platform: Platform = Platform.GENSPARK
    specialization: Text | None = None
    notes: Text | None = None
    tags: Text | None = None
    quota: Annotated[int, Field(strict=True, ge=1, le=2**63 - 1), WHOLE] = 100
    quota_unit: QuotaUnit = QuotaUnit.CREDITS
    window_kind: WindowKind = WindowKind.DAILY
    window_reset_at: ClockTime = "00:00"
    window_timezone: TimeZone = "UTC"
    window_hours: Annotated[int, Field(strict=True, ge=1, le=744), WHOLE] = 24
    rotate_threshold: Annotated[int, Field(strict=True, ge=1, le=2**63 - 1), WHOLE] | None = None
    admin_state: AdminState = AdminState.ENABLED
    disabled_reason: Text | None = None
    exhausted_until: Moment | None = None
    throttled_until: Moment | None = None
    last_used_at: Moment | None = None
    created_at: Moment
    updated_at: Moment

    @model_validator(mode="after")
    def _threshold_within_quota(self) -> AccountRow:
        if self.rotate_threshold is not None and self.rotate_threshold > self.quota:
            raise ValueError("rotate_threshold must not exceed quota")
        return self


class UsageFileRow(Row):
    path: name_of(1000)  # type: ignore[valid-type]
    source: UsageSource
    account: Name
    size_bytes: Count64 = 0
    offset: Count64 = 0
    fingerprint: text_of(64) | None = None  # type: ignore[valid-type]
    lines: Count64 = 0
    records: Count64 = 0
    state: Json | None = None
    updated_at: Moment


class SessionRow(Row):
    id: int | None = None
    session_number: Number
    account: Name
    session_type: SessionType = SessionType.DEVELOPMENT
    credits_used: Count64 = 0
    duration_minutes: Int32 | None = None
    objectives: Text | None = None
    accomplishments: Text | None = None
    blockers: Text | None = None
    handoff_notes: Text | None = None
    checkpoint_data: Text | None = None
    status: SessionStatus = SessionStatus.COMPLETED
    started_at: Moment
    completed_at: Moment | None = None
    git_head: text_of(64) | None = None  # type: ignore[valid-type]
    git_branch: text_of(255) | None = None  # type: ignore[valid-type]
    updated_at: Moment


class CreditEventRow(Row):
    id: int | None = None
    account: Name
    session_number: Number | None = None
    credits: Count64
    note: Text | None = None
    occurred_at: Moment
    idempotency_key: text_of(200) | None = None  # type: ignore[valid-type]
    overdrawn: Int64 = 0
    source: UsageSource | None = None
    usage_file: name_of(1000) | None = None  # type: ignore[valid-type]
    message_id: text_of(200) | None = None  # type: ignore[valid-type]
    request_id: text_of(200) | None = None  # type: ignore[valid-type]
    sidechain: StrictBool = False
    agent_session: text_of(200) | None = None  # type: ignore[valid-type]
    model: text_of(200) | None = None  # type: ignore[valid-type]
    input_tokens: Int64 | None = None
    output_tokens: Int64 | None = None
    cache_creation_tokens: Int64 | None = None
    cache_read_tokens: Int64 | None = None
    cost_usd: Finite | None = None

    @model_validator(mode="after")
    def _spends(self) -> CreditEventRow:
        if self.credits == 0 and self.source is None:
            raise ValueError("credits must be at least 1 unless the event has a source (usage read from logs)")
        return self


class TranscriptSourceRow(Row):
    id: int | None = None
    session_number: Number | None = None
    format: name_of(30)  # type: ignore[valid-type]
    filename: text_of(255) | None = None  # type: ignore[valid-type]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    size_bytes: Count32 = Field(description="The length of content in bytes; a document where they differ: 422.")
    content: Text = Field(description="The transcript's text, exactly as saved (UTF-8).")
    created_at: Moment
    last_saved_at: Moment

    @model_validator(mode="after")
    def _content_matches(self) -> TranscriptSourceRow:
        import hashlib

        data = self.content.encode("utf-8")
        if len(data) != self.size_bytes:
            raise ValueError(f"content is {len(data)} bytes, size_bytes says {self.size_bytes}")
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise ValueError("content does not match its sha256 (the file is corrupt)")
        return self


class SnapshotRow(Row):
    id: int | None = None
    session_number: Number | None = None
    snapshot_type: SnapshotType = SnapshotType.HANDOFF
    compressed_context: Text
    context_summary: Text | None = None
    file_count: Int32 | None = None
    code_lines: Int32 | None = None
    git_commit_hash: text_of(64) | None = None  # type: ignore[valid-type]
    created_at: Moment
    stats: Json | None = None
    source_format: text_of(30) | None = None  # type: ignore[valid-type]
    source_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    git_state: Json | None = None


class TurnRow(Row):
    session_number: Number
    turn_number: Int32
    role: ConversationRole
    content: Text
    tokens_used: Int32 | None = None
    timestamp: Moment


class FileRow(Row):
    file_path: name_of(1000)  # type: ignore[valid-type]
    file_type: text_of(50) | None = None  # type: ignore[valid-type]
    last_modified: Moment | None = None
    size_bytes: Int32 | None = None
    git_status: text_of(30) | None = None  # type: ignore[valid-type]
    importance: FileImportance = FileImportance.NORMAL
    notes: Text | None = None
    created_at: Moment
    updated_at: Moment


class KnowledgeRow(Row):
    category: KnowledgeCategory
    title: text_of(300)  # type: ignore[valid-type]
    description: Text | None = None
    tags: Text | None = None
    usage_count: Count32 = 0
    success_rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 1.0
    source_session_number: Number
    created_at: Moment
    updated_at: Moment


class HandoffRow(Row):
    session_number: Number
    from_account: Name
    to_account: Name | None = None
    priority: Annotated[int, Field(strict=True, ge=1, le=10), WHOLE] = 5
    handoff_context: Text
    status: HandoffStatus = HandoffStatus.PENDING
    created_at: Moment
    processed_at: Moment | None = None


class LinkRow(Row):
    path: name_of(1000)  # type: ignore[valid-type]
    created_at: Moment


# The arrays, in the order they are written and (whatever order a file has them in) imported.
SECTIONS: dict[str, type[Row]] = {
    "accounts": AccountRow, "usage_files": UsageFileRow, "sessions": SessionRow, "credit_events": CreditEventRow,
    "transcript_sources": TranscriptSourceRow, "context_snapshots": SnapshotRow, "conversation_history": TurnRow,
    "files": FileRow, "knowledge": KnowledgeRow, "handoff_queue": HandoffRow, "project_links": LinkRow,
}
HEADER = ("schema_version", "alembic_revision", "exported_at", "project")


class ExportDocument(Row):
    """The whole document (the API's import body and export answer; the CLI streams it instead)."""

    schema_version: Literal[1] = Field(description="The document format's version; this server reads 1.")
    alembic_revision: str | None = Field(None, description="The source database's schema revision (informative).")
    exported_at: datetime
    project: ProjectRow
    accounts: list[AccountRow] = []
    usage_files: list[UsageFileRow] = []
    sessions: list[SessionRow] = []
    credit_events: list[CreditEventRow] = []
    transcript_sources: list[TranscriptSourceRow] = []
    context_snapshots: list[SnapshotRow] = []
    conversation_history: list[TurnRow] = []
    files: list[FileRow] = []
    knowledge: list[KnowledgeRow] = []
    handoff_queue: list[HandoffRow] = []
    project_links: list[LinkRow] = []


def dump_row(row: Row) -> dict[str, Any]:
    """A row as the document writes it (datetimes as ISO 8601 in UTC)."""
    return row.model_dump(mode="json")
