"""Reset-aware forecasts: burn rates, pace, when an account runs out, when a session reaches its
rotate threshold, and when the pool runs dry (``pool_simulation``). Pure: plain values and ``now`` in.

The model, in the order a reader needs it:

- **Burn rate** (credits, or the account's unit, per hour): an exponentially weighted rate of recent
  spends. A spend ``a`` hours old weighs ``2^(-a / HALF_LIFE)`` (half-life 1 h), spends older than
  ``LOOKBACK`` (6 h) not at all, and the weighted sum is divided by the integral of the same weight
  over the span observed, so a steady stream of ``r`` an hour gives ``r`` whatever the half-life.
  ``since`` shortens the span to when the work started (an account's session in progress: the
  idle hours before it would dilute its rate), never below ``MIN_SPAN`` (10 min) so a session a
  minute old does not claim a wild rate. No spends: 0.
- **Pace**: the used share of the quota over the share of the window elapsed (> 1: ahead of pace,
  it will run out before the window turns). A daily window runs from its last reset to the next;
  a rolling window of N hours is read like a 5-hour block: it began N hours before ``resets_at``
  (when its oldest spend leaves). Nothing used: 0.
- **Reaching a level** (``reaches_level_at``): at a constant rate from ``now``, reset-aware. A daily
  window empties at each reset and is refilled by the rate alone; a rolling window loses each spend
  inside it N hours after it was made (``window_spends``: the spends inside the window, needed for
  this), so the level is reached where the window's sum first meets it, or never (``None``): zero
  rate, or a window that at this rate never holds that much. Already at or past it: ``now``.
- **Run-out** (``runs_out_at``): reaching the quota. ``runs_out_before_reset`` is ``runs_out_at <
  resets_at``; the alert rule "projected run-out before the next reset within H hours" is
  ``runs_out_before_reset_within(account, now, H)``, and it wants a trend, not one report: at
  least ``MIN_TREND_SPENDS`` (2) spends inside the span the rate was measured over (a session's
  first usage report alone, ten credits a minute in, is not a run-out coming), unless the
  account is already out. An account the platform reported exhausted is out now; a disabled one
  is not forecast (``None``).
- **Session**: its account's used against its threshold (the project's override applied), at the
  account's rate measured since the session started.
- **Pool**: see ``core.pool_simulation``; one pool per unit (credits, tokens and cents do not add).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from paas.core.quotas import QuotaWindow, WindowKind
from paas.core.types import AccountStatus

HALF_LIFE = timedelta(hours=1)
LOOKBACK = timedelta(hours=6)
MIN_SPAN = timedelta(minutes=10)
MIN_TREND_SPENDS = 2  # spends the rate rests on before a run-out is worth an alert
DAILY_SEARCH_DAYS = 3  # a daily window that does not reach a level within a full day never will

Spend = tuple[datetime, int]


@dataclass(frozen=True)
class AccountInput:
    """An account as the forecast needs it.

    ``recent`` are (occurred_at, credits) spends of at least the last ``LOOKBACK``; for a rolling
    window also every spend inside the window (its credits come back one by one). ``in_use_since``
    is when the session holding the account started (None when no session holds it).
    """

    account_id: int
    name: str
    unit: str
    quota: int
    used: int
    window: QuotaWindow
    resets_at: datetime
    status: AccountStatus
    recent: tuple[Spend, ...] = ()
    in_use_since: datetime | None = None

    @property
    def usable(self) -> bool:
        return self.status is not AccountStatus.DISABLED

    @property
    def remaining(self) -> int:
        """Credits it can spend now: none when disabled or reported exhausted by its platform."""
        if self.status in (AccountStatus.DISABLED, AccountStatus.EXHAUSTED):
            return 0
        return max(0, self.quota - self.used)

    def window_spends(self, now: datetime) -> list[Spend]:
        """The spends inside a rolling window at ``now`` (empty for a daily window)."""
        if self.window.kind is not WindowKind.ROLLING:
            return []
        start = now - timedelta(hours=self.window.hours)
        return sorted((moment, credits) for moment, credits in self.recent if start < moment <= now)


@dataclass(frozen=True)
class SessionInput:
    """A session in progress: ``threshold`` is the account-used level at which its project rotates."""

    session_id: int
    project_id: int
    account_id: int
    session_used: int
    threshold: int
    started_at: datetime


@dataclass(frozen=True)
class AccountForecast:
    account_id: int
    name: str
    unit: str
    used: int
    quota: int
    remaining: int
    burn_rate_per_hour: float
    pace: float | None
    resets_at: datetime
    runs_out_at: datetime | None
    runs_out_before_reset: bool
    credits_tomorrow: int | None = None  # filled in by the pool simulation
    spends_in_rate: int = 0  # how many spends the burn rate rests on


@dataclass(frozen=True)
class SessionForecast:
    session_id: int
    project_id: int
    account_id: int
    session_used: int
    account_used: int
    threshold: int
    burn_rate_per_hour: float
    reaches_threshold_at: datetime | None


@dataclass(frozen=True)
class PoolForecast:
    unit: str
    accounts: int
    credits_left: int
    burn_rate_per_hour: float
    runs_dry_at: datetime | None
    credits_tomorrow: int
    tomorrow_starts_at: datetime


@dataclass(frozen=True)
class Forecast:
    generated_at: datetime
    pools: tuple[PoolForecast, ...]
    accounts: tuple[AccountForecast, ...]
    sessions: tuple[SessionForecast, ...] = field(default=())


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _span(now: datetime, since: datetime | None, lookback: timedelta) -> timedelta:
    """How far back a rate looks: ``lookback``, or since ``since`` (never under ``MIN_SPAN``)."""
    return lookback if since is None else min(lookback, max(now - since, MIN_SPAN))


def burn_rate(spends: Iterable[Spend], now: datetime, *, since: datetime | None = None,
              half_life: timedelta = HALF_LIFE, lookback: timedelta = LOOKBACK) -> float:
    """Weighted credits per hour over the last ``lookback`` (or since ``since``); see the module."""
    span = _span(now, since, lookback)
    start = now - span
    half = _hours(half_life)
    weighted = sum(credits * 2 ** (-_hours(now - moment) / half)
                   for moment, credits in spends if start <= moment <= now)
    if weighted <= 0:
        return 0.0
    observed = half / math.log(2) * (1 - 2 ** (-_hours(span) / half))  # the weight's integral, in hours
    return weighted / observed


def pace(used: int, quota: int, window: QuotaWindow, resets_at: datetime, now: datetime) -> float | None:
    """Used share of the quota over the elapsed share of the window (None: the window just began)."""
    if used <= 0:
        return 0.0
    if window.kind is WindowKind.ROLLING:
        length = timedelta(hours=window.hours)
        begun = resets_at - length
    else:
        begun = window.start(now)
        length = resets_at - begun
    elapsed = (now - begun) / length if length > timedelta(0) else 0.0
    if elapsed <= 0:
        return None
    return (used / quota) / elapsed


def reaches_level_at(level: int, used: int, rate: float, now: datetime, window: QuotaWindow,
                     resets_at: datetime, window_spends: Sequence[Spend] = ()) -> datetime | None:
    """When the window's spend first reaches ``level`` at ``rate`` an hour from ``now`` (see the module)."""
    if used >= level:
        return now
    if rate <= 0:
        return None
    if window.kind is WindowKind.ROLLING:
        return _rolling_reach(level, used, rate, now, window, window_spends)
    start, held = now, float(used)
    reset = resets_at
    for _ in range(DAILY_SEARCH_DAYS):
        reached = _after(start, (level - held) / rate, reset)
        if reached is not None and reached < reset:
            return reached
        start, held = reset, 0.0
        reset = window.next_reset(reset)
    return None


def _rolling_reach(level: int, used: int, rate: float, now: datetime, window: QuotaWindow,
                   window_spends: Sequence[Spend]) -> datetime | None:
    """Between two departures the window's sum grows at ``rate``; each known spend leaves N hours
    after it was made. New spends leave only after ``now`` + N, by when the sum is ``rate`` × N."""
    length = timedelta(hours=window.hours)
    held, start = float(used), now
    departures = sorted((moment + length, credits) for moment, credits in window_spends if moment + length > now)
    for leaves, credits in [*departures, (now + length, 0)]:
        reached = _after(start, (level - held) / rate, leaves)
        if reached is not None and reached <= leaves:
            return reached
        held += rate * _hours(leaves - start) - credits
        start = leaves
    return None


def _after(start: datetime, hours: float, limit: datetime) -> datetime | None:
    """``start`` + ``hours``; None past ``limit`` (compared first: 10^12 credits would overflow datetime)."""
    return None if hours * 3600 > (limit - start).total_seconds() else start + timedelta(hours=hours)


def runs_out_at(account: AccountInput, rate: float, now: datetime) -> datetime | None:
    """When the account has spent its quota at ``rate`` (now if it is out; None when disabled)."""
    if not account.usable:
        return None
    if account.remaining <= 0:
        return now
    return reaches_level_at(account.quota, account.used, rate, now, account.window, account.resets_at,
                            account.window_spends(now))


def account_rate(account: AccountInput, now: datetime) -> float:
    """The account's burn rate, measured since its session started when one holds it."""
    return burn_rate(account.recent, now, since=account.in_use_since)


def spends_in_rate(spends: Iterable[Spend], now: datetime, *, since: datetime | None = None,
                   lookback: timedelta = LOOKBACK) -> int:
    """How many spends ``burn_rate`` (with the same arguments) rests on."""
    span = _span(now, since, lookback)
    return sum(1 for moment, credits in spends if now - span <= moment <= now and credits > 0)


def forecast_account(account: AccountInput, now: datetime) -> AccountForecast:
    rate = account_rate(account, now)
    out = runs_out_at(account, rate, now)
    return AccountForecast(
        account_id=account.account_id, name=account.name, unit=account.unit, used=account.used,
        quota=account.quota, remaining=account.remaining, burn_rate_per_hour=rate,
        pace=pace(account.used, account.quota, account.window, account.resets_at, now),
        resets_at=account.resets_at, runs_out_at=out,
        runs_out_before_reset=out is not None and out < account.resets_at,
        spends_in_rate=spends_in_rate(account.recent, now, since=account.in_use_since))


def runs_out_before_reset_within(account: AccountForecast, now: datetime, horizon: timedelta) -> bool:
    """The alert rule: the projected run-out comes before the next reset, and within ``horizon``,
    on a trend of ``MIN_TREND_SPENDS`` spends at least (an account already out needs none)."""
    out = account.runs_out_at
    if out is None or out >= account.resets_at or out - now > horizon:
        return False
    return account.remaining <= 0 or account.spends_in_rate >= MIN_TREND_SPENDS


def forecast_session(work: SessionInput, account: AccountInput, now: datetime) -> SessionForecast:
    rate = burn_rate(account.recent, now, since=work.started_at)
    reached = reaches_level_at(work.threshold, account.used, rate, now, account.window, account.resets_at,
                               account.window_spends(now)) if account.usable else None
    return SessionForecast(session_id=work.session_id, project_id=work.project_id, account_id=work.account_id,
                           session_used=work.session_used, account_used=account.used, threshold=work.threshold,
                           burn_rate_per_hour=rate, reaches_threshold_at=reached)


def forecast(accounts: Sequence[AccountInput], sessions: Sequence[SessionInput], now: datetime, *,
             with_pools: bool = True) -> Forecast:
    """Every account, every session in progress and one pool per unit, at ``now``. Without
    ``with_pools`` the pool simulation is skipped (no pools, ``credits_tomorrow`` None): what an
    alert rule on accounts needs, at a fraction of the cost."""
    from paas.core.pool_simulation import simulate_pools

    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    singles = [forecast_account(account, now) for account in accounts]
    pools, tomorrow = simulate_pools(accounts, singles, now) if with_pools else ((), {})
    by_id = {account.account_id: account for account in accounts}
    filled = tuple(AccountForecast(**{**single.__dict__, "credits_tomorrow": tomorrow.get(single.account_id)})
                   for single in singles)
    progress = tuple(forecast_session(work, by_id[work.account_id], now) for work in sessions
                     if work.account_id in by_id)
    return Forecast(generated_at=now, pools=pools, accounts=filled, sessions=progress)
