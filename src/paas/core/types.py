"""Domain vocabulary: the enumerations every layer shares, and the small value types built on them.

The string values are the original system's (ORIGINAL-API.md) and are stored as-is in the
database, where CHECK constraints are generated from these enums, so a value can only be
added here, in one place, plus a migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class Platform(StrEnum):
    GENSPARK = "genspark"
    CLAUDE = "claude"
    CHATGPT = "chatgpt"
    GEMINI = "gemini"
    OTHER = "other"


class AccountStatus(StrEnum):
    """An account's status at a moment: computed from its facts, never stored (see core.quotas)."""

    AVAILABLE = "available"
    ACTIVE = "active"
    EXHAUSTED = "exhausted"
    THROTTLED = "throttled"
    DISABLED = "disabled"


class AdminState(StrEnum):
    """What a person (or an invalid-credentials report) set on an account; the only stored status."""

    ENABLED = "enabled"
    DISABLED = "disabled"


class LimitReason(StrEnum):
    """What a platform told us when it refused work."""

    WINDOW_EXHAUSTED = "window_exhausted"
    THROTTLED = "throttled"
    INVALID_CREDENTIALS = "invalid_credentials"


class SessionType(StrEnum):
    DEVELOPMENT = "development"
    BUGFIX = "bugfix"
    FEATURE = "feature"
    REFACTOR = "refactor"
    DEPLOYMENT = "deployment"


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    HANDED_OFF = "handed_off"

    @property
    def is_open(self) -> bool:
        return self is SessionStatus.IN_PROGRESS


class RotationStrategy(StrEnum):
    """How a project picks the next account when it rotates."""

    BEST = "best"  # the ranking: credits left, specialization, history (core.selection)
    NEXT_AVAILABLE = "next_available"  # the next eligible account by name after the current one
    USE_FIRST_TO_RESET = "use_first_to_reset"  # the eligible account whose window resets soonest


class SnapshotType(StrEnum):
    HANDOFF = "handoff"
    CHECKPOINT = "checkpoint"
    BACKUP = "backup"


class ConversationRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class FileImportance(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class HandoffStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class KnowledgeCategory(StrEnum):
    PATTERN = "pattern"
    ERROR_SOLUTION = "error_solution"
    OPTIMIZATION = "optimization"
    BEST_PRACTICE = "best_practice"
    TIP = "tip"


class QuotaUnit(StrEnum):
    """What an account's quota counts. ``usd`` counts US cents (a quota of 2000 is $20.00)."""

    CREDITS = "credits"  # the platform's own count (GenSpark's 100 a day)
    TOKENS = "tokens"  # input + output + cache creation + cache reads
    USD = "usd"  # estimated cost (genai-prices), in cents


class UsageSource(StrEnum):
    """Where a ledger event came from: typed in (API, CLI, MCP) or read from an agent's own logs."""

    CLAUDE_CODE = "claude_code"
    CODEX = "codex"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    CLEARED = "cleared"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Role(StrEnum):
    """API token roles, each including the powers of the ones before it."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: Role) -> bool:
        """Whether a token of this role may do what ``required`` is needed for."""
        return self.rank >= required.rank


def enum_values(enum: type[StrEnum]) -> list[str]:
    """The stored strings of an enum, in declaration order."""
    return [member.value for member in enum]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: the items, how many there are in all, and where the page starts."""

    items: list[T]
    total: int
    limit: int
    offset: int

    def map(self, view: Callable[[T], U]) -> Page[U]:
        """The same page with every item mapped (a row to its view)."""
        return Page(items=[view(item) for item in self.items], total=self.total, limit=self.limit,
                    offset=self.offset)


@dataclass(frozen=True)
class Stats:
    """The dashboard's figures, every one computed from stored rows."""

    active_projects: int
    projects_total: int
    accounts_total: int
    accounts_by_status: dict[str, int]
    usable_accounts: int
    credits_used_today: int
    credits_used_total: int
    sessions_total: int
    sessions_active: int
    sessions_completed: int
    avg_credits_per_completed_session: float | None
