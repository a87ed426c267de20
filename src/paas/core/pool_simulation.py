"""The pool, simulated forward: when it runs dry in the next 24 hours, and what it has when tomorrow begins.

The model (one simulation per unit; accounts of another unit are another pool):

- The pool burns ``R`` an hour: the burn rate of all its accounts' spends taken together (one
  stream, so work that rotated from one account to another is not counted twice), or, if more, the
  sum of the rates of its accounts in use, each measured since its session started (work that began
  an hour ago after a quiet morning burns at its own pace, not diluted by the idle hours).
- ``R`` is spread over the accounts that can spend (credits left, not disabled, not reported
  exhausted) in proportion to their own burn rates: the accounts in use keep draining as they do
  now. When an account is empty its share moves to the others with credits (work rotates on);
  when none of those is in use, the demand is split evenly between them.
- An account that resets gets its quota back: a daily window at each reset instant; a rolling
  window gets each spend back N hours after it was made, the ones simulated too.
- The pool **runs dry** at the first moment no account can take the demand (``runs_dry_at``,
  ``None`` if that does not happen within ``HORIZON``). Credits **tomorrow** are every account's
  credits left at the next 00:00 UTC (the pool's day is UTC: accounts reset in their own zones).
- Steps of ``STEP`` (5 min), plus every reset instant and midnight as step edges, so resets are
  exact; the burn is assumed to go on at ``R`` (nights included) until the horizon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from paas.core.forecasting import AccountForecast, AccountInput, PoolForecast, burn_rate
from paas.core.quotas import WindowKind
from paas.core.types import AccountStatus

HORIZON = timedelta(hours=24)
STEP = timedelta(minutes=5)
EPSILON = 1e-9


@dataclass
class _Drain:
    """One account during the simulation."""

    source: AccountInput
    weight: float
    left: float
    next_reset: datetime | None
    returns: list[tuple[datetime, float]] = field(default_factory=list)  # rolling: (when it comes back, credits)


def tomorrow_start(now: datetime) -> datetime:
    """The next 00:00 UTC after ``now``."""
    today = now.astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=1), time(0, 0), tzinfo=UTC)


def simulate_pools(accounts: Sequence[AccountInput], singles: Sequence[AccountForecast], now: datetime
                   ) -> tuple[tuple[PoolForecast, ...], dict[int, int]]:
    """One forecast per unit, and each account's credits at the start of tomorrow (UTC)."""
    rates = {single.account_id: single.burn_rate_per_hour for single in singles}
    pools = []
    tomorrow: dict[int, int] = {}
    for unit in sorted({account.unit for account in accounts}):
        members = [account for account in accounts if account.unit == unit]
        pool, at_midnight = simulate_pool(members, rates, now)
        pools.append(pool)
        tomorrow.update(at_midnight)
    return tuple(pools), tomorrow


def simulate_pool(members: Sequence[AccountInput], rates: dict[int, float], now: datetime
                  ) -> tuple[PoolForecast, dict[int, int]]:
    """The pool of ``members`` (one unit) simulated from ``now``; see the module."""
    midnight = tomorrow_start(now)
    pool_rate = max(burn_rate([spend for account in members for spend in account.recent], now),
                    sum(rates.get(account.account_id, 0.0) for account in members if account.in_use_since))
    drains = [_start(account, rates.get(account.account_id, 0.0), now) for account in members if account.usable]
    edges = _edges(drains, now, midnight)
    runs_dry_at: datetime | None = None
    at_midnight: dict[int, int] = {}
    for start, end in zip(edges, edges[1:], strict=False):
        _refill(drains, start)
        if start == midnight:
            at_midnight = _snapshot(drains)
        need = pool_rate * (end - start).total_seconds() / 3600
        unmet = _spend(drains, need, start + (end - start) / 2)
        if runs_dry_at is None and unmet > EPSILON and need > 0:
            runs_dry_at = start + (end - start) * (1 - unmet / need)
    if edges and edges[-1] == midnight:  # now was itself a midnight: tomorrow begins at the horizon
        _refill(drains, midnight)
        at_midnight = _snapshot(drains)
    unit = members[0].unit if members else "credits"
    forecast = PoolForecast(unit=unit, accounts=len(members),
                            credits_left=sum(account.remaining for account in members),
                            burn_rate_per_hour=pool_rate, runs_dry_at=runs_dry_at,
                            credits_tomorrow=sum(at_midnight.values()), tomorrow_starts_at=midnight)
    return forecast, {account.account_id: at_midnight.get(account.account_id, 0) for account in members}


def _snapshot(drains: list[_Drain]) -> dict[int, int]:
    return {drain.source.account_id: int(round(drain.left)) for drain in drains}


def _start(account: AccountInput, weight: float, now: datetime) -> _Drain:
    if account.window.kind is WindowKind.ROLLING:
        length = timedelta(hours=account.window.hours)
        returns = [(moment + length, float(credits)) for moment, credits in account.window_spends(now)]
        # A platform's "exhausted" report holds until resets_at: its credits come back then, all at once.
        if account.status is AccountStatus.EXHAUSTED:
            returns = [(account.resets_at, float(account.quota))]
        return _Drain(account, weight, float(account.remaining), None, sorted(returns))
    return _Drain(account, weight, float(account.remaining), account.resets_at)


def _edges(drains: list[_Drain], now: datetime, midnight: datetime) -> list[datetime]:
    end = now + HORIZON
    edges = {now + STEP * k for k in range(int(HORIZON / STEP) + 1)} | {midnight}
    for drain in drains:
        reset = drain.next_reset
        while reset is not None and reset < end:
            edges.add(reset)
            reset = drain.source.window.next_reset(reset)
    return sorted(edge for edge in edges if now <= edge <= end)


def _refill(drains: list[_Drain], moment: datetime) -> None:
    for drain in drains:
        if drain.next_reset is not None and drain.next_reset <= moment:
            drain.left = float(drain.source.quota)
            drain.next_reset = drain.source.window.next_reset(moment)
        while drain.returns and drain.returns[0][0] <= moment:
            drain.left = min(float(drain.source.quota), drain.left + drain.returns.pop(0)[1])


def _spend(drains: list[_Drain], need: float, moment: datetime) -> float:
    """Take ``need`` from the accounts with credits, by weight; the part none could give comes back."""
    while need > EPSILON:
        able = [drain for drain in drains if drain.left > EPSILON]
        if not able:
            return need
        weighted = [drain for drain in able if drain.weight > 0]
        takers = weighted or able
        total = sum(drain.weight for drain in weighted) if weighted else float(len(able))
        short = 0.0
        for drain in takers:
            share = need * (drain.weight if weighted else 1.0) / total
            taken = min(share, drain.left)
            drain.left -= taken
            short += share - taken
            if taken > 0 and drain.source.window.kind is WindowKind.ROLLING:
                drain.returns.append((moment + timedelta(hours=drain.source.window.hours), taken))
        need = short
    return 0.0
