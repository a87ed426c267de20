"""Failed-authentication throttling, as a rule on plain values.

Each key (a client address, a token prefix) counts its failed authentications in a fixed window
that starts with the first failure: ``window`` long. The failure that brings the count to
``failures_allowed`` blocks the key for ``block``; a blocked key is refused before any token is
looked at, and refusals while blocked count nothing (they cost the attacker a guess each, and
the server nothing). A success changes nothing: only failures are written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    failures_allowed: int
    window: timedelta
    block: timedelta


@dataclass(frozen=True)
class FailureCount:
    failures: int
    window_started_at: datetime
    blocked_until: datetime | None


def after_failure(count: FailureCount | None, now: datetime, policy: ThrottlePolicy) -> FailureCount:
    """The key's count once one more failure at ``now`` is added."""
    if count is None or now >= count.window_started_at + policy.window:
        failures, started = 1, now
    else:
        failures, started = count.failures + 1, count.window_started_at
    blocked = count.blocked_until if count is not None and is_blocked(count.blocked_until, now) else None
    if failures >= policy.failures_allowed:
        blocked = max(blocked, now + policy.block) if blocked else now + policy.block
    return FailureCount(failures=failures, window_started_at=started, blocked_until=blocked)


def is_blocked(blocked_until: datetime | None, now: datetime) -> bool:
    return blocked_until is not None and blocked_until > now


def retry_after_seconds(blocked_until: datetime, now: datetime) -> int:
    """Whole seconds until the block ends, at least 1 (what ``Retry-After`` says)."""
    return max(1, math.ceil((blocked_until - now).total_seconds()))
