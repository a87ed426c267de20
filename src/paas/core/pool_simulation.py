"""The pool, simulated forward: when it runs dry in the next 24 hours, and what it has when tomorrow begins.

The model (one simulation per unit; accounts of another unit are another pool):

- The pool burns ``R`` an hour: the burn rate of all its accounts' spends taken together (one
  stream, so work that rotated from one account to another is not counted twice), or, if more, the
  sum of the rates of its accounts in use, each measured since its session started (work that began
  an hour ago after a quiet morning burns at its own pace, not diluted by the idle hours).
- ``R`` is spread as usage is now: one stream of work per account with a burn rate, in proportion
  to those rates, each draining its account. When a stream's account is empty the work rotates:
  the stream moves to the free account (no other stream on it) with the most credits left, or,
  with none free, shares the one with the most credits left.
- An account that resets gets its quota back: a daily window at each reset instant; a rolling
  window gets each spend back N hours after it was made, the ones simulated too. Disabled
  accounts hold nothing; one reported exhausted holds nothing until its reset.
- The pool **runs dry** at the first moment a stream finds no account with credits
  (``runs_dry_at``, ``None`` if that does not happen within ``HORIZON``). Credits **tomorrow** are
  every account's credits left at the next 00:00 UTC (the pool's day is UTC: accounts reset in
  their own zones).
- Steps of ``STEP`` (5 min), plus every reset instant and midnight as step edges, so resets are
  exact; the burn is assumed to go on at ``R`` (nights included) until the horizon. Resets and
  returns wait in a heap, so a step costs what its streams and due refills cost, not the pool's size.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from paas.core.forecasting import AccountForecast, AccountInput, PoolForecast, burn_rate
from paas.core.quotas import WindowKind
from paas.core.types import AccountStatus

HORIZON = timedelta(hours=24)
STEP = timedelta(minutes=5)
EPSILON = 1e-9
FULL = -1.0  # a refill that restores the whole quota (a daily reset)


@dataclass
class _Drain:
    """One account during the simulation."""

    source: AccountInput
    index: int
    left: float
    streams: int = 0  # how many streams of work draw on it


@dataclass
class _Stream:
    """One stream of work: its share of the pool's rate and the account it draws on."""

    rate: float
    drain: _Drain | None


class _Refills:
    """Resets and returns, earliest first: (when, order, drain index, credits or FULL)."""

    def __init__(self) -> None:
        self.heap: list[tuple[datetime, int, int, float]] = []
        self.order = 0

    def add(self, when: datetime, index: int, credits: float) -> None:
        self.order += 1
        heapq.heappush(self.heap, (when, self.order, index, credits))

    def apply(self, drains: list[_Drain], moment: datetime) -> None:
        while self.heap and self.heap[0][0] <= moment:
            when, _, index, credits = heapq.heappop(self.heap)
            drain = drains[index]
            quota = float(drain.source.quota)
            if credits == FULL:
                drain.left = quota
                self.add(drain.source.window.next_reset(when), index, FULL)
            else:
                drain.left = min(quota, drain.left + credits)


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
    usable = [account for account in members if account.usable]
    drains = [_Drain(account, index, float(account.remaining)) for index, account in enumerate(usable)]
    refills = _Refills()
    for index, drain in enumerate(drains):
        _schedule(refills, index, drain.source, now)
    streams = _streams(drains, rates, pool_rate)
    runs_dry_at: datetime | None = None
    at_midnight: dict[int, int] = {}
    edges = _edges(refills, now, midnight)
    for start, end in zip(edges, edges[1:], strict=False):
        refills.apply(drains, start)
        if start == midnight:
            at_midnight = _snapshot(drains)
        hours = (end - start).total_seconds() / 3600
        unmet = sum(_draw(stream, stream.rate * hours, drains, refills, start + (end - start) / 2)
                    for stream in streams)
        if runs_dry_at is None and unmet > EPSILON:
            need = pool_rate * hours
            runs_dry_at = start + (end - start) * max(0.0, 1 - unmet / need)
    if edges and edges[-1] == midnight:  # now was itself a midnight: tomorrow begins at the horizon
        refills.apply(drains, midnight)
        at_midnight = _snapshot(drains)
    unit = members[0].unit if members else "credits"
    forecast = PoolForecast(unit=unit, accounts=len(members),
                            credits_left=sum(account.remaining for account in members),
                            burn_rate_per_hour=pool_rate, runs_dry_at=runs_dry_at,
                            credits_tomorrow=sum(at_midnight.values()), tomorrow_starts_at=midnight)
    return forecast, {account.account_id: at_midnight.get(account.account_id, 0) for account in members}


def _schedule(refills: _Refills, index: int, account: AccountInput, now: datetime) -> None:
    if account.window.kind is not WindowKind.ROLLING:
        refills.add(account.resets_at, index, FULL)
    elif account.status is AccountStatus.EXHAUSTED:
        # A platform's "exhausted" report holds until resets_at: its credits come back then, all at once.
        refills.add(account.resets_at, index, float(account.quota))
    else:
        length = timedelta(hours=account.window.hours)
        for moment, credits in account.window_spends(now):
            refills.add(moment + length, index, float(credits))


def _streams(drains: list[_Drain], rates: dict[int, float], pool_rate: float) -> list[_Stream]:
    """One stream per account with a rate, its share of ``pool_rate``; one stream if none has a rate."""
    weighted = [(drain, rates.get(drain.source.account_id, 0.0)) for drain in drains]
    weighted = [(drain, rate) for drain, rate in weighted if rate > 0]
    if pool_rate <= 0:
        return []
    if not weighted:
        return [_Stream(pool_rate, None)]
    total = sum(rate for _, rate in weighted)
    streams = [_Stream(pool_rate * rate / total, drain) for drain, rate in weighted]
    for stream in streams:
        assert stream.drain is not None
        stream.drain.streams += 1
    return streams


def _draw(stream: _Stream, need: float, drains: list[_Drain], refills: _Refills, moment: datetime) -> float:
    """Take ``need`` for one stream, rotating to another account when its own is empty; what no
    account could give comes back."""
    while need > EPSILON:
        drain = stream.drain
        if drain is None or drain.left <= EPSILON:
            drain = _rotate(stream, drains)
            if drain is None:
                return need
        taken = min(need, drain.left)
        drain.left -= taken
        need -= taken
        if drain.source.window.kind is WindowKind.ROLLING:
            refills.add(moment + timedelta(hours=drain.source.window.hours), drain.index, taken)
    return 0.0


def _rotate(stream: _Stream, drains: list[_Drain]) -> _Drain | None:
    if stream.drain is not None:
        stream.drain.streams -= 1
    able = [drain for drain in drains if drain.left > EPSILON]
    free = [drain for drain in able if drain.streams == 0]
    chosen = max(free or able, key=lambda drain: drain.left, default=None)
    stream.drain = chosen
    if chosen is not None:
        chosen.streams += 1
    return chosen


def _edges(refills: _Refills, now: datetime, midnight: datetime) -> list[datetime]:
    end = now + HORIZON
    edges = {now + STEP * k for k in range(int(HORIZON / STEP) + 1)} | {midnight}
    edges |= {when for when, _, _, credits in refills.heap if credits == FULL and when < end}
    return sorted(edge for edge in edges if now <= edge <= end)


def _snapshot(drains: list[_Drain]) -> dict[int, int]:
    return {drain.source.account_id: int(round(drain.left)) for drain in drains}
