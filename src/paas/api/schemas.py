"""Request and response models of the HTTP API.

Responses keep the original's envelope: ``{"success": true, "data": ...}``; creates also carry
the original's top-level ``id``; lists add ``pagination``. Errors are
``{"success": false, "error": {"code", "message", "details"}}``. Request bodies refuse unknown
fields and numbers sent as strings so a typo is a 422, not a silent no-op.
Text fields refuse NUL characters and lone surrogates, which PostgreSQL cannot store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from paas.core.types import (
    AccountStatus,
    KnowledgeCategory,
    Platform,
    ProjectStatus,
    SessionStatus,
    SessionType,
)

T = TypeVar("T")
MAX_ID = 2**31 - 1
MAX_CREDITS = 1_000_000


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("date is outside the storable range once converted to UTC") from None


Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
Moment = Annotated[AwareDatetime, AfterValidator(_utc)]
SearchText = Annotated[str, StringConstraints(max_length=200), AfterValidator(_storable)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 AfterValidator(_storable)]
ShortText = Annotated[str, StringConstraints(max_length=2_000), AfterValidator(_storable)]
LongText = Annotated[str, StringConstraints(max_length=200_000), AfterValidator(_storable)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320,
                                         pattern=r"^[^@\s]+@[^@\s]+$"), AfterValidator(_storable)]
Credits = Annotated[int, Field(strict=True, ge=0, le=MAX_CREDITS)]
Minutes = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
Level = Literal["low", "medium", "high"]


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---- envelopes -------------------------------------------------------------------------------

class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable error code, e.g. not_found, conflict.")
    message: str
    details: dict[str, Any] | list[Any] | None = None


class ErrorEnvelope(BaseModel):
    success: Literal[False] = False
    error: ErrorBody


class Ok(BaseModel, Generic[T]):
    success: Literal[True] = True
    data: T


class Created(Ok[T], Generic[T]):
    id: int = Field(description="The new record's id (the original's top-level field).")


class PageInfo(BaseModel):
    total: int
    limit: int
    offset: int


class Listing(BaseModel, Generic[T]):
    success: Literal[True] = True
    data: list[T]
    pagination: PageInfo


# ---- records ---------------------------------------------------------------------------------

class ProjectOut(Response):
    id: int
    name: str
    description: str | None
    status: ProjectStatus
    total_credits_used: int
    total_sessions: int
    rotate_threshold_percent: int | None
    created_at: datetime
    updated_at: datetime


class AccountOut(Response):
    id: int
    account_name: str
    account_email: str | None
    platform: Platform
    credits_available: int = Field(description="Quota minus the ledger's credits in the current window (≥ 0).")
    credits_used: int = Field(description="Credits used in the current window (the ledger's sum).")
    overdrawn: int = Field(description="Credits used beyond the quota in this window (spent by the platform).")
    credits_refresh_date: datetime = Field(description="When credits next come back (computed).")
    status: AccountStatus
    specialization: str | None
    tags: str | None
    notes: str | None
    quota: int
    window_kind: str
    window_reset_at: str
    window_timezone: str
    window_hours: int
    rotate_threshold: int = Field(description="Credits used at which work should rotate away.")
    exhausted_until: datetime | None
    throttled_until: datetime | None
    disabled_reason: str | None
    leased_session_id: int | None
    last_used_at: datetime | None
    has_credentials: bool = Field(description="Whether a credential is stored (it is never returned).")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: Any) -> AccountOut:
        account = view.account
        return cls.model_validate({
            **{key: getattr(account, key) for key in (
                "id", "account_name", "account_email", "platform", "specialization", "tags", "notes", "quota",
                "window_kind", "window_reset_at", "window_timezone", "window_hours", "exhausted_until",
                "throttled_until", "disabled_reason", "last_used_at", "created_at", "updated_at")},
            "credits_available": view.remaining, "credits_used": view.used, "overdrawn": view.overdrawn,
            "credits_refresh_date": view.next_reset, "status": view.status,
            "rotate_threshold": view.quota.threshold, "leased_session_id": view.leased_session_id,
            "has_credentials": account.credentials_encrypted is not None,
        })


class SessionOut(Response):
    id: int
    project_id: int
    project_name: str
    account_id: int
    account_name: str
    session_number: int
    session_type: SessionType
    credits_used: int
    duration_minutes: int | None
    objectives: str | None
    accomplishments: str | None
    blockers: str | None
    handoff_notes: str | None
    status: SessionStatus
    started_at: datetime
    completed_at: datetime | None
    updated_at: datetime


class KnowledgeOut(Response):
    id: int
    category: KnowledgeCategory
    title: str
    description: str | None
    tags: str | None
    usage_count: int
    success_rate: float
    source_session_id: int | None
    created_at: datetime
    updated_at: datetime


class StatsOut(Response):
    active_projects: int = Field(description="Projects whose status is active.")
    active_accounts: int = Field(description="Accounts that can work now (available or active).")
    total_credits: int = Field(description="Credits used, all time: the ledger's sum.")
    total_sessions: int
    projects_total: int
    accounts_total: int
    accounts_by_status: dict[str, int]
    credits_used_today: int = Field(description="Credits used since 00:00 UTC.")
    credits_used_total: int
    sessions_active: int
    sessions_completed: int
    avg_credits_per_completed_session: float | None


class UsageOut(Response):
    credit_event_id: int
    session_id: int
    credits: int
    overdrawn: int = Field(description="Credits beyond what the account had left (recorded anyway).")
    session_credits_used: int
    account_credits_available: int
    replayed: bool = Field(description="True when an Idempotency-Key repeated an earlier record.")


class HandoffOut(Response):
    snapshot_id: int
    session_id: int | None
    original_lines: int
    compressed_lines: int
    compression_ratio: float = Field(description="Percent of lines left out (the original's figure).")


class BriefingStats(BaseModel):
    """The original's three line figures, then the engine's: tokens, ratios, facts kept per category."""

    model_config = ConfigDict(extra="allow")
    original_lines: int
    compressed_lines: int
    compression_ratio: float = Field(description="Percent of lines left out (the original's figure).")
    tokens_before: int
    tokens_after: int
    ratio_tokens: float = Field(description="Percent of tokens left out.")
    ratio_lines: float
    tokenizer: str
    facts_kept: dict[str, int]
    facts_total: dict[str, int]
    polish: dict[str, Any] | None = Field(
        None, description="Only when polishing was asked: model, accepted, seconds, and the problems that "
                          "made it keep the plain briefing.")


class HandoffEnvelope(BaseModel):
    success: Literal[True] = True
    briefing: str
    data: HandoffOut
    stats: BriefingStats


POLISH_HELP = ("Let the model configured in PAAS_POLISH_URL reword the briefing; the reworded text is kept only "
               "if it keeps every heading, anchor and quoted line, invents nothing and fits the budget "
               "(stats.polish says what happened). 422 when polishing is not configured.")


class SmartCompressEnvelope(BaseModel):
    success: Literal[True] = True
    briefing: str
    stats: BriefingStats
    snapshot_id: int


class SmartCompress(RequestBody):
    project_id: Id
    context: Annotated[str, StringConstraints(min_length=1), AfterValidator(_storable)]
    compress_level: Level = "medium"
    max_tokens: Annotated[int, Field(strict=True, ge=50, le=100_000)] | None = None
    lines: bool = Field(False, description="The original's 25/15/5-line mode instead of token budgets.")
    filename: ShortText | None = Field(None, description="A name hinting the transcript's format.")
    polish: bool = Field(False, description=POLISH_HELP)


class SessionCreated(Created[SessionOut]):
    session_number: int


# ---- requests --------------------------------------------------------------------------------

class ProjectCreate(RequestBody):
    name: Name
    description: LongText | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE


class ProjectPatch(RequestBody):
    name: Name | None = None
    description: LongText | None = None
    status: ProjectStatus | None = None
    rotate_threshold_percent: Annotated[int, Field(strict=True, ge=1, le=100)] | None = Field(
        None, description="Rotate when an account has used this share of its quota (overrides the account's).")


class QuotaFields(RequestBody):
    quota: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS)] | None = None
    window_kind: Literal["daily", "rolling"] | None = None
    window_reset_at: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    window_timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    window_hours: Annotated[int, Field(strict=True, ge=1, le=744)] | None = None
    rotate_threshold: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS)] | None = None
    tags: ShortText | None = None
    credentials: Annotated[str, StringConstraints(min_length=1, max_length=10_000), AfterValidator(_storable)] \
        | None = Field(None, description="API key or token: stored encrypted, never returned.")


class AccountCreate(QuotaFields):
    account_name: Name
    account_email: Email | None = None
    platform: Platform = Platform.GENSPARK
    specialization: ShortText | None = None
    notes: LongText | None = None
    credits_available: Credits | None = Field(
        None, description="Credits left right now, if fewer than the quota: the difference is recorded as used.")


class AccountPatch(QuotaFields):
    account_name: Name | None = None
    account_email: Email | None = None
    platform: Platform | None = None
    specialization: ShortText | None = None
    notes: LongText | None = None
    status: Literal["available", "exhausted", "throttled", "disabled", "blocked"] | None = Field(
        None, description="available clears platform reports; disabled (or blocked) takes it out of the pool.")


class ReportLimit(RequestBody):
    reason: Literal["window_exhausted", "throttled", "invalid_credentials"]
    resets_at: Moment | None = None
    cooldown_seconds: Annotated[int, Field(strict=True, ge=1, le=86_400)] | None = None


class SessionCreate(RequestBody):
    project_id: Id
    account_id: Id
    session_type: SessionType = SessionType.DEVELOPMENT
    objectives: LongText | None = None


class SessionPatch(RequestBody):
    session_type: SessionType | None = None
    objectives: LongText | None = None
    accomplishments: LongText | None = None
    blockers: LongText | None = None
    handoff_notes: LongText | None = None
    checkpoint_data: LongText | None = None
    duration_minutes: Minutes | None = None


class UsageCreate(RequestBody):
    credits: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS)]
    note: ShortText | None = None


class SessionComplete(RequestBody):
    status: Literal["completed", "failed", "handed_off"] = "completed"
    accomplishments: LongText | None = None
    blockers: LongText | None = None
    handoff_notes: LongText | None = None
    duration_minutes: Minutes | None = None


class HandoffCompress(RequestBody):
    project_id: Id
    context: Annotated[str, StringConstraints(min_length=1), AfterValidator(_storable)]
    credits_used: Credits | None = None
    from_account_id: Id | None = None
    compress_level: Level = "medium"
    max_tokens: Annotated[int, Field(strict=True, ge=50, le=100_000)] | None = None
    polish: bool = Field(False, description=POLISH_HELP)


class KnowledgeCreate(RequestBody):
    category: KnowledgeCategory
    title: Name
    description: LongText | None = None
    tags: ShortText | list[Annotated[str, StringConstraints(max_length=100), AfterValidator(_storable)]] | None = None
    source_session_id: Id | None = None
