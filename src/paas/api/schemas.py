"""Request and response models of the HTTP API.

Responses keep the original's envelope: ``{"success": true, "data": ...}``; creates also carry
the original's top-level ``id``; lists add ``pagination``. Errors are
``{"success": false, "error": {"code", "message", "details"}}``. Request bodies refuse unknown
fields and numbers sent as strings so a typo is a 422, not a silent no-op.
Field limits (``Name``, ``Email``, ...) and the account inputs are the services' own
(``services.field_rules``, ``services.account_input``): every door refuses the same values.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from paas.core.types import (
    ProjectStatus,
    RotationStrategy,
    SessionType,
)
from paas.services.account_input import Input
from paas.services.field_rules import (
    MAX_CREDITS,
    WHOLE,
    Credits,
    Id,
    LongText,
    Minutes,
    Name,
    ShortText,
    not_nullable,
    storable,
)
from paas.services.knowledge import KnowledgeInput
from paas.services.views import SessionOut

T = TypeVar("T")

Level = Literal["low", "medium", "high"]


RequestBody = Input  # the services' own: unknown fields and numbers sent as strings are refused


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

class HandoffOut(Response):
    snapshot_id: int
    session_id: int | None
    original_lines: int
    compressed_lines: int
    compression_ratio: float = Field(description="Percent of lines left out (the original's figure).")
    git_commit_hash: str | None = Field(None, description="The commit made first (projects with auto_commit).")
    git_problem: str | None = Field(None, description="Why git could not be read or the commit was not made.")


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
    context: Annotated[str, StringConstraints(min_length=1), AfterValidator(storable)]
    compress_level: Level = "medium"
    max_tokens: Annotated[int, Field(strict=True, ge=50, le=100_000), WHOLE] | None = None
    lines: StrictBool = Field(False, description="The original's 25/15/5-line mode instead of token budgets.")
    filename: ShortText | None = Field(None, description="A name hinting the transcript's format.")
    polish: StrictBool = Field(False, description=POLISH_HELP)


class SessionCreated(Created[SessionOut]):
    session_number: int


# ---- requests --------------------------------------------------------------------------------

RepoPath = Annotated[str, StringConstraints(max_length=1000), AfterValidator(storable),
                     Field(description="The project's git work tree: an absolute path (checked by git).")]


class ProjectCreate(RequestBody):
    name: Name
    description: LongText | None = None
    status: ProjectStatus = ProjectStatus.ACTIVE
    repo_path: RepoPath | None = None
    auto_commit: StrictBool = Field(False, description="A handoff first commits what is pending in repo_path.")
    auto_rotate: StrictBool = Field(False, description="The usage that reaches the threshold rotates by itself.")
    rotation_strategy: RotationStrategy = RotationStrategy.BEST


class ProjectPatch(RequestBody):
    # Left out: unchanged; null: refused (services.projects), so not published as nullable.
    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable(
        "name", "status", "auto_commit", "auto_rotate", "rotation_strategy"))
    name: Name | None = None
    description: LongText | None = None
    status: ProjectStatus | None = None
    rotate_threshold_percent: Annotated[int, Field(strict=True, ge=1, le=100), WHOLE] | None = Field(
        None, description="Rotate when an account has used this share of its quota (overrides the account's).")
    repo_path: RepoPath | None = Field(None, description="The project's git work tree; null clears it.")
    auto_commit: StrictBool | None = None
    auto_rotate: StrictBool | None = None
    rotation_strategy: RotationStrategy | None = None


class SessionCreate(RequestBody):
    project_id: Id
    account_id: Id
    session_type: SessionType = SessionType.DEVELOPMENT
    objectives: LongText | None = None


class SessionPatch(RequestBody):
    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable("session_type"))  # null: refused
    session_type: SessionType | None = None
    objectives: LongText | None = None
    accomplishments: LongText | None = None
    blockers: LongText | None = None
    handoff_notes: LongText | None = None
    checkpoint_data: LongText | None = None
    duration_minutes: Minutes | None = None


class UsageCreate(RequestBody):
    credits: Annotated[int, Field(strict=True, ge=1, le=MAX_CREDITS), WHOLE]
    note: ShortText | None = None


class SessionComplete(RequestBody):
    status: Literal["completed", "failed", "handed_off"] = "completed"
    accomplishments: LongText | None = None
    blockers: LongText | None = None
    handoff_notes: LongText | None = None
    duration_minutes: Minutes | None = None


class HandoffCompress(RequestBody):
    project_id: Id
    context: Annotated[str, StringConstraints(min_length=1), AfterValidator(storable)]
    credits_used: Credits | None = None
    from_account_id: Id | None = None
    compress_level: Level = "medium"
    max_tokens: Annotated[int, Field(strict=True, ge=50, le=100_000), WHOLE] | None = None
    polish: StrictBool = Field(False, description=POLISH_HELP)


KnowledgeCreate = KnowledgeInput  # the services' own: the CLI checks the same limits
