"""Views: what a door shows of a project, an account, a session, a knowledge entry or a token.

One mapper per view (``AccountOut.of``, ``SessionOut.of`` ...), used by every door: the API's
``data`` is ``view.model_dump(mode="json")`` through its response models, and the CLI's
``--json`` is the very same call (``as_json``), so the same thing is the same JSON in every
door. No view has a field for a secret (``credentials_encrypted``, ``token_hash``): a door
cannot leak one by printing a view. ORM rows stay behind the services.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from paas.core.types import (
    AccountStatus,
    KnowledgeCategory,
    Platform,
    ProjectStatus,
    QuotaUnit,
    RotationStrategy,
    SessionStatus,
    SessionType,
)


class View(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class ProjectOut(View):
    id: int
    name: str
    description: str | None
    status: ProjectStatus
    total_credits_used: int
    total_sessions: int
    rotate_threshold_percent: int | None
    auto_rotate: bool = Field(description="The usage that reaches the threshold rotates the project by itself.")
    rotation_strategy: RotationStrategy
    repo_path: str | None = Field(description="The project's git work tree (briefings carry its state).")
    auto_commit: bool = Field(description="A handoff first commits what is pending in repo_path.")
    created_at: datetime
    updated_at: datetime


class PlatformReadingOut(View):
    """What a platform last said of one of its windows (Claude Code's status line), beside our estimate."""

    used_percentage: float
    resets_at: datetime | None
    estimated_percentage: float | None = Field(description="The ledger's used/quota then (null: not compared).")
    read_at: datetime


class AccountOut(View):
    id: int
    account_name: str
    account_email: str | None
    platform: Platform
    quota_unit: QuotaUnit = Field(description="What the figures count: credits, tokens, or usd (in US cents).")
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
    platform_readings: dict[str, PlatformReadingOut] | None = Field(
        default=None, description="The platform's latest reading per window (five_hour, seven_day) beside our "
                                  "estimate; read for one account (null in listings).")

    @classmethod
    def of(cls, view: Any, readings: dict[str, PlatformReadingOut] | None = None) -> AccountOut:
        """From ``services.accounts.AccountView`` (the row plus what is computed now) and its readings."""
        account = view.account
        return cls.model_validate({
            "platform_readings": readings,
            **{key: getattr(account, key) for key in (
                "id", "account_name", "account_email", "platform", "quota_unit", "specialization", "tags", "notes",
                "quota", "window_kind", "window_reset_at", "window_timezone", "window_hours", "exhausted_until",
                "throttled_until", "disabled_reason", "last_used_at", "created_at", "updated_at")},
            "credits_available": view.remaining, "credits_used": view.used, "overdrawn": view.overdrawn,
            "credits_refresh_date": view.next_reset, "status": view.status,
            "rotate_threshold": view.quota.threshold, "leased_session_id": view.leased_session_id,
            "has_credentials": account.credentials_encrypted is not None,
        })


class SessionOut(View):
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
    git_head: str | None = Field(description="The project's git HEAD when the session started.")
    git_branch: str | None
    updated_at: datetime

    @classmethod
    def of(cls, row: Any) -> SessionOut:
        """From ``(session, project name, account name)`` as the session services list them."""
        work, project_name, account_name = row
        fields = {name: getattr(work, name) for name in cls.model_fields if name not in ("project_name",
                                                                                          "account_name")}
        return cls.model_validate({**fields, "project_name": project_name, "account_name": account_name})


class KnowledgeOut(View):
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


class TokenOut(View):
    """A token as listed: never its value or hash."""

    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class RankedOut(View):
    """An account ranked for a job: select-best's answer, and `paas accounts best`."""

    id: int
    account_name: str
    credits_available: int
    specialization: str | None
    platform: Platform
    score: float
    reasons: list[str]
    signals: dict[str, float]

    @classmethod
    def of(cls, item: Any) -> RankedOut:
        """From ``core.selection.Ranked``."""
        candidate = item.candidate
        return cls(id=candidate.id, account_name=candidate.name, credits_available=candidate.remaining,
                   specialization=candidate.specialization or None, platform=Platform(candidate.platform),
                   score=item.score, reasons=list(item.reasons), signals=item.signals)


class SnapshotRef(View):
    """A briefing just saved, as a door refers to it."""

    id: int
    project_id: int
    session_id: int | None
    snapshot_type: str


class SourceRef(View):
    """A transcript kept for a project: which, what format, how big."""

    id: int
    format: str
    size_bytes: int
    compressed_bytes: int

    @classmethod
    def of(cls, source: Any) -> SourceRef:
        return cls(id=source.id, format=source.format, size_bytes=source.size_bytes,
                   compressed_bytes=len(source.content_zlib))


class NextAccountOut(View):
    id: int
    account_name: str
    credits_available: int
    specialization: str | None


class RotationOut(View):
    previous_account_id: int
    previous_credits_used: int
    previous_quota: int
    credits_left_unused: int
    rotate_threshold: int
    marked_exhausted: bool
    exhausted_until: datetime | None
    ended_session_id: int | None
    new_session_id: int
    new_session_number: int
    snapshot_id: int
    handoff_id: int
    briefing_tokens: int
    score: float
    reasons: list[str]


class RotationAnswer(View):
    """A rotation done: the next account, the briefing to paste, the figures (auto-rotate's answer)."""

    next_account: NextAccountOut
    briefing: str
    credit_savings: str
    data: RotationOut

    @classmethod
    def of(cls, result: Any) -> RotationAnswer:
        """From ``services.rotation.RotationResult``."""
        nxt, previous, plan = result.next_view, result.previous, result.plan
        return cls(
            next_account=NextAccountOut(id=nxt.account.id, account_name=nxt.account.account_name,
                                        credits_available=nxt.remaining, specialization=nxt.account.specialization),
            briefing=result.briefing, credit_savings=result.credit_savings,
            data=RotationOut(
                previous_account_id=previous.account.id, previous_credits_used=previous.used,
                previous_quota=previous.quota.credits, credits_left_unused=plan.credits_left_unused,
                rotate_threshold=plan.threshold, marked_exhausted=plan.mark_exhausted,
                exhausted_until=plan.exhausted_until, ended_session_id=result.ended_session_id,
                new_session_id=result.new_session.id, new_session_number=result.new_session.session_number,
                snapshot_id=result.snapshot_id, handoff_id=result.handoff_id, briefing_tokens=result.briefing_tokens,
                score=plan.next.score, reasons=list(plan.next.reasons)))


class UsageOut(View):
    """What recording usage answers."""

    credit_event_id: int
    session_id: int
    project_id: int
    credits: int
    note: str | None
    occurred_at: datetime
    overdrawn: int = Field(description="Credits beyond what the account had left (recorded anyway).")
    session_credits_used: int
    account_id: int
    account_credits_available: int
    account_credits_used: int = Field(description="Credits used in the account's current window.")
    account_quota: int
    rotate_threshold: int = Field(description="Credits used at which the project should rotate.")
    rotate_due: bool = Field(description="The account has reached the threshold: hand off now.")
    next_reset_at: datetime = Field(description="When the account's credits next come back.")
    replayed: bool = Field(description="True when an Idempotency-Key repeated an earlier record.")
    rotation: RotationAnswer | None = Field(
        default=None, description="The rotation this usage made (projects with auto_rotate), else null.")
    rotation_error: str | None = Field(
        default=None, description="Why an automatic rotation could not happen (the usage is recorded).")

    @classmethod
    def of(cls, recorded: Any) -> UsageOut:
        """From ``services.sessions.UsageRecorded`` (the ledger row, the session, the account's figures)."""
        event = recorded.event
        return cls(credit_event_id=event.id, session_id=event.session_id, project_id=event.project_id,
                   credits=event.credits, note=event.note,
                   occurred_at=event.occurred_at, overdrawn=event.overdrawn,
                   session_credits_used=recorded.work_session.credits_used, account_id=event.account_id,
                   account_credits_available=recorded.credits_available, account_credits_used=recorded.account_used,
                   account_quota=recorded.quota, rotate_threshold=recorded.threshold,
                   rotate_due=recorded.rotate_due, next_reset_at=recorded.next_reset, replayed=recorded.replayed)


def as_json(views: BaseModel | Iterable[BaseModel]) -> Any:
    """What a door prints or answers: the view (or views) as JSON values, like the API's ``data``."""
    if isinstance(views, BaseModel):
        return views.model_dump(mode="json")
    return [view.model_dump(mode="json") for view in views]
