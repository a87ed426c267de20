"""Rotation: when a project's account nears its limit, decide what ends and what starts.

A pure decision over plain values; the service loads them (under lock), calls
``plan_rotation`` and writes the plan in one transaction. Rules:
- the current session (if the project has one on the current account) ends as handed_off;
- the old account is marked exhausted (until its window resets) only if its use in the
  window has reached its rotate threshold; otherwise it just becomes free again;
- the next account is the best-ranked candidate; none means ``NoAccountAvailable`` naming
  when the soonest account comes back, and nothing changes;
- figures are computed: credits left unused on the old account, the next account's credits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from paas.core.errors import NoAccountAvailable
from paas.core.quotas import Quota
from paas.core.selection import Ranked
from paas.core.types import RotationStrategy


@dataclass(frozen=True)
class CurrentAccount:
    id: int
    name: str
    quota: Quota
    used_in_window: int
    next_reset: datetime


@dataclass(frozen=True)
class RotationPlan:
    end_session_id: int | None
    mark_exhausted: bool
    exhausted_until: datetime | None
    next: Ranked
    next_session_number: int
    credits_left_unused: int
    threshold: int


def plan_rotation(*, current: CurrentAccount, open_session_id: int | None, ranked: Sequence[Ranked],
                  next_session_number: int, threshold: int, soonest_reset: datetime | None) -> RotationPlan:
    """Decide the rotation. ``threshold`` is the credits-used point (project override applied)."""
    if not ranked:
        details: dict[str, object] = {"current_account_id": current.id}
        message = "no account is free to take over"
        if soonest_reset is not None:
            details["next_reset_at"] = soonest_reset.isoformat()
            message += f"; the next one resets at {soonest_reset.isoformat()}"
        raise NoAccountAvailable(message, details)
    at_threshold = current.used_in_window >= threshold
    return RotationPlan(
        end_session_id=open_session_id,
        mark_exhausted=at_threshold,
        exhausted_until=current.next_reset if at_threshold else None,
        next=ranked[0],
        next_session_number=next_session_number,
        credits_left_unused=max(0, current.quota.credits - current.used_in_window),
        threshold=threshold,
    )


def project_threshold(quota: Quota, project_percent: int | None) -> int:
    """The project's override (a percentage of the account's quota) wins over the account's own."""
    if project_percent is None:
        return quota.threshold
    return max(1, quota.credits * project_percent // 100)


def order_by_strategy(ranked: Sequence[Ranked], strategy: RotationStrategy, current_name: str) -> list[Ranked]:
    """The eligible accounts (best first) in the order ``strategy`` picks them, the reason added:
    ``best`` keeps the ranking; ``next_available`` takes names in turn after the current account's
    (round robin); ``use_first_to_reset`` takes the account whose window resets soonest, so its
    credits are spent before they would come back unused."""
    if strategy is RotationStrategy.BEST or not ranked:
        return list(ranked)
    if strategy is RotationStrategy.NEXT_AVAILABLE:
        chosen = sorted(ranked, key=lambda item: (item.candidate.name <= current_name, item.candidate.name))
        reason = f"next by name after {current_name} (strategy next_available)"
    else:
        chosen = sorted(ranked, key=lambda item: (item.candidate.seconds_to_reset, -item.score))
        reason = "its window resets soonest (strategy use_first_to_reset)"
    first = chosen[0]
    return [Ranked(candidate=first.candidate, score=first.score, reasons=(reason, *first.reasons),
                   signals=first.signals), *chosen[1:]]
