"""Quota windows: when an account's credits reset, and what it has left at time ``now``.

Design:
- An account has a ``quota`` (credits per window) and a window, either ``daily`` (resets at
  a local wall-clock time in the account's IANA time zone, DST-aware) or ``rolling`` (the
  credits used in the last N hours count).
- Remaining = quota − the ledger's credits inside the current window. It can go below zero
  when a platform let a session overspend: the overspend is shown (``overdrawn``), not hidden.
- Nothing is ever "reset" by a job: the window moves with ``now``, so an exhausted account is
  available again the moment its window turns, computed, with no cron.
- Status is decided here too, from the account's facts at ``now``: disabled beats leased
  beats throttled beats exhausted beats available.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from paas.core.errors import InvalidInput
from paas.core.types import AccountStatus

DEFAULT_QUOTA = 100
DEFAULT_THRESHOLD_RATIO = 0.9


class WindowKind(StrEnum):
    DAILY = "daily"
    ROLLING = "rolling"


@dataclass(frozen=True)
class QuotaWindow:
    """How an account's credits come back."""

    kind: WindowKind = WindowKind.DAILY
    reset_at: time = time(0, 0)
    timezone: str = "UTC"
    hours: int = 24

    def __post_init__(self) -> None:
        if self.kind is WindowKind.ROLLING and not 1 <= self.hours <= 24 * 31:
            raise InvalidInput("a rolling window lasts 1 to 744 hours", {"field": "window_hours"})
        zone(self.timezone)

    def start(self, now: datetime) -> datetime:
        """Where the window holding ``now`` begins (aware, in UTC)."""
        _require_aware(now)
        if self.kind is WindowKind.ROLLING:
            return now - timedelta(hours=self.hours)
        return self._last_daily_reset(now)

    def next_reset(self, now: datetime, used_at: Iterable[tuple[datetime, int]] = ()) -> datetime:
        """When credits next come back.

        Daily: the next local reset time. Rolling: when the oldest credit inside the window
        leaves it (``used_at`` are (occurred_at, credits) pairs); with none inside, now.
        """
        _require_aware(now)
        if self.kind is WindowKind.ROLLING:
            start = self.start(now)
            inside = [moment for moment, _ in used_at if moment > start]
            return min(inside) + timedelta(hours=self.hours) if inside else now
        today = now.astimezone(zone(self.timezone)).date()
        for days in range(0, 3):
            candidate = self._reset_on(today + timedelta(days=days))
            if candidate > now:
                return candidate.astimezone(now.tzinfo)
        raise AssertionError("a daily reset always comes within two days")

    def _reset_on(self, day: date) -> datetime:
        """The reset instant on a local calendar day, in UTC. Compared in UTC because aware times in
        one zone compare by wall clock, which is wrong across a DST fold; a reset time that does not
        exist that day (a DST gap) resolves to the instant zoneinfo maps it to."""
        return datetime.combine(day, self.reset_at, tzinfo=zone(self.timezone)).astimezone(UTC)

    def _last_daily_reset(self, now: datetime) -> datetime:
        today = now.astimezone(zone(self.timezone)).date()
        for days in range(0, 3):
            candidate = self._reset_on(today - timedelta(days=days))
            if candidate <= now:
                return candidate.astimezone(now.tzinfo)
        raise AssertionError("a daily reset always lies within two days back")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r}", {"field": "timezone"}) from None


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")


def default_threshold(quota: int) -> int:
    """90% of the quota, rounded down: the point at which work should move on."""
    return int(quota * DEFAULT_THRESHOLD_RATIO)


@dataclass(frozen=True)
class Quota:
    """An account's allowance and where rotation should start."""

    credits: int = DEFAULT_QUOTA
    window: QuotaWindow = QuotaWindow()
    rotate_threshold: int | None = None

    def __post_init__(self) -> None:
        if self.credits < 1:
            raise InvalidInput("quota must be at least 1 credit", {"field": "quota"})
        if self.rotate_threshold is not None and not 1 <= self.rotate_threshold <= self.credits:
            raise InvalidInput("rotate_threshold must be between 1 and the quota", {"field": "rotate_threshold"})

    @property
    def threshold(self) -> int:
        return self.rotate_threshold if self.rotate_threshold is not None else default_threshold(self.credits)


def used_in_window(window: QuotaWindow, now: datetime, used_at: Iterable[tuple[datetime, int]]) -> int:
    """Credits spent inside the window holding ``now`` (events after ``now`` are not counted)."""
    start = window.start(now)
    if window.kind is WindowKind.ROLLING:
        return sum(credits for moment, credits in used_at if start < moment <= now)
    return sum(credits for moment, credits in used_at if start <= moment <= now)


@dataclass(frozen=True)
class AccountFacts:
    """What status depends on, as stored: the platform's reports and the lease."""

    disabled: bool = False
    leased: bool = False
    throttled_until: datetime | None = None
    exhausted_until: datetime | None = None


def account_status(facts: AccountFacts, quota: Quota, used: int, now: datetime) -> AccountStatus:
    """The status at ``now``. Exhaustion ends by itself when its window resets."""
    if facts.disabled:
        return AccountStatus.DISABLED
    if facts.leased:
        return AccountStatus.ACTIVE
    if facts.throttled_until is not None and facts.throttled_until > now:
        return AccountStatus.THROTTLED
    if facts.exhausted_until is not None and facts.exhausted_until > now:
        return AccountStatus.EXHAUSTED
    if used >= quota.credits:
        return AccountStatus.EXHAUSTED
    return AccountStatus.AVAILABLE
