"""Alerts: which conditions that need a person hold now, and how the stored alerts follow them.

Two pure functions over plain values (the service loads the figures and applies the answer):

- ``conditions(figures, rules, now)``: every condition that holds, each with a stable ``key`` naming
  its rule and subject, a severity and a message in words. The rules:

  ========================  =====================================================================
  key                       holds when
  ========================  =====================================================================
  ``threshold:session:<id>``  a session in progress has used its project's rotate threshold
                              (its account's credits in the window ≥ the threshold)
  ``pool_low``                the enabled accounts counted in credits have fewer than
                              ``pool_min_credits`` left between them (and there is one at least)
  ``runout:account:<id>``     an enabled account's projected run-out (``core.forecasting``) comes
                              before its next reset and within ``runout_hours`` of now
                              (``runs_out_before_reset_within``; an account already out holds too)
  ``account_disabled:<id>``   an account is disabled (by a person, or after the platform refused
                              its credentials: the reason says which)
  ========================  =====================================================================

- ``reconcile(holding, active, cleared_at, now, cooldown)``: raise what holds and has no active
  alert (unless the same key was cleared less than ``cooldown`` ago: no flapping), touch what holds
  and is active, clear what is active and no longer holds. One condition is one alert however
  often it is evaluated: 100 usages past a threshold touch one alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from paas.core.forecasting import AccountForecast, runs_out_before_reset_within
from paas.core.types import QuotaUnit
from paas.core.units import dollars

DEFAULT_POOL_MIN_CREDITS = 50
DEFAULT_RUNOUT_HOURS = 2.0
DEFAULT_COOLDOWN = timedelta(minutes=30)


class AlertRule(StrEnum):
    THRESHOLD = "threshold"
    POOL_LOW = "pool_low"
    RUNOUT = "runout"
    ACCOUNT_DISABLED = "account_disabled"


class Severity(StrEnum):
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class AlertRules:
    pool_min_credits: int = DEFAULT_POOL_MIN_CREDITS
    runout_hours: float = DEFAULT_RUNOUT_HOURS
    cooldown: timedelta = DEFAULT_COOLDOWN


@dataclass(frozen=True)
class SessionFigures:
    """A session in progress and its account's use of the window."""

    session_id: int
    project_id: int
    project_name: str
    account_id: int
    account_name: str
    used: int  # the account's use in its current window
    threshold: int  # the project's rotate threshold (its override applied)
    unit: str = "credits"


@dataclass(frozen=True)
class AccountFigures:
    account_id: int
    account_name: str
    disabled: bool
    disabled_reason: str | None
    remaining: int
    unit: str = "credits"


@dataclass(frozen=True)
class Figures:
    sessions: Sequence[SessionFigures] = ()
    accounts: Sequence[AccountFigures] = ()
    forecasts: Sequence[AccountForecast] = ()  # core.forecasting's, per account


@dataclass(frozen=True)
class Condition:
    rule: AlertRule
    key: str
    severity: Severity
    message: str
    account_id: int | None = None
    project_id: int | None = None
    session_id: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def conditions(figures: Figures, rules: AlertRules, now: datetime) -> list[Condition]:
    """Every condition that holds at ``now``, in key order (one per key)."""
    found = [*_past_threshold(figures.sessions), *_pool_low(figures.accounts, rules.pool_min_credits),
             *_running_out(figures, rules.runout_hours, now), *_disabled(figures.accounts)]
    return sorted({condition.key: condition for condition in found}.values(), key=lambda condition: condition.key)


def _past_threshold(sessions: Iterable[SessionFigures]) -> Iterable[Condition]:
    for work in sessions:
        if work.used >= work.threshold:
            yield Condition(
                AlertRule.THRESHOLD, f"threshold:session:{work.session_id}", Severity.WARNING,
                f"session {work.session_id} of project {work.project_name} is past its rotate threshold: "
                f"account {work.account_name} has used {_in_unit(work.used, work.unit)} "
                f"(threshold {_figure(work.threshold, work.unit)})",
                account_id=work.account_id, project_id=work.project_id, session_id=work.session_id,
                details={"used": work.used, "threshold": work.threshold, "unit": work.unit})


def _pool_low(accounts: Sequence[AccountFigures], minimum: int) -> Iterable[Condition]:
    counted = [account for account in accounts if not account.disabled and account.unit == "credits"]
    left = sum(max(0, account.remaining) for account in counted)
    if counted and left < minimum:
        yield Condition(
            AlertRule.POOL_LOW, "pool_low", Severity.CRITICAL,
            f"the pool has {left} credits left across {_count(len(counted), 'enabled account')} "
            f"(alert under {minimum})",
            details={"credits_left": left, "minimum": minimum, "accounts": len(counted)})


def _running_out(figures: Figures, hours: float, now: datetime) -> Iterable[Condition]:
    disabled = {account.account_id for account in figures.accounts if account.disabled}
    for forecast in figures.forecasts:
        runs_out = forecast.runs_out_at
        if forecast.account_id in disabled or runs_out is None:
            continue
        if runs_out_before_reset_within(forecast, now, timedelta(hours=hours)):
            when = (f"has run out ({_figure(forecast.used, forecast.unit)} of "
                    f"{_in_unit(forecast.quota, forecast.unit)} used)" if runs_out <= now
                    else f"runs out at {_moment(runs_out)}, {_duration(runs_out - now)} from now at "
                         f"{_rate(forecast.burn_rate_per_hour, forecast.unit)} an hour,")
            yield Condition(
                AlertRule.RUNOUT, f"runout:account:{forecast.account_id}", Severity.WARNING,
                f"account {forecast.name} {when} before its reset at {_moment(forecast.resets_at)}",
                account_id=forecast.account_id,
                details={"runs_out_at": runs_out.isoformat(), "resets_at": forecast.resets_at.isoformat(),
                         "burn_rate_per_hour": round(forecast.burn_rate_per_hour, 3), "within_hours": hours})


def _disabled(accounts: Iterable[AccountFigures]) -> Iterable[Condition]:
    for account in accounts:
        if account.disabled:
            reason = account.disabled_reason or "no reason given"
            yield Condition(
                AlertRule.ACCOUNT_DISABLED, f"account_disabled:{account.account_id}", Severity.WARNING,
                f"account {account.account_name} is disabled: {reason}", account_id=account.account_id,
                details={"reason": account.disabled_reason})


@dataclass(frozen=True)
class Reconciliation:
    """What to do with the stored alerts: raise these, touch those (by id), clear those (by id)."""

    raise_: tuple[Condition, ...] = ()
    touch: tuple[int, ...] = ()
    clear: tuple[int, ...] = ()
    held_back: tuple[str, ...] = ()  # keys that hold but were cleared within the cooldown

    @property
    def changes(self) -> bool:
        return bool(self.raise_ or self.clear)


def reconcile(holding: Iterable[Condition], active: Mapping[str, int], cleared_at: Mapping[str, datetime],
              now: datetime, cooldown: timedelta) -> Reconciliation:
    """``active``: key -> id of its active alert; ``cleared_at``: key -> when it was last cleared."""
    raise_: list[Condition] = []
    touch: list[int] = []
    held_back: list[str] = []
    seen: set[str] = set()
    for condition in holding:
        seen.add(condition.key)
        if condition.key in active:
            touch.append(active[condition.key])
        elif (last := cleared_at.get(condition.key)) is not None and now - last < cooldown:
            held_back.append(condition.key)
        else:
            raise_.append(condition)
    clear = [alert_id for key, alert_id in sorted(active.items()) if key not in seen]
    return Reconciliation(tuple(raise_), tuple(sorted(touch)), tuple(clear), tuple(held_back))


def _figure(value: int, unit: str) -> str:
    """``90`` credits or tokens; ``$19.12`` for usd, which counts cents."""
    return dollars(value) if unit == QuotaUnit.USD.value else str(value)


def _in_unit(value: int, unit: str) -> str:
    """``90 credits``, ``1500 tokens``, ``$19.12``: never cents called usd."""
    return dollars(value) if unit == QuotaUnit.USD.value else f"{value} {unit}"


def _rate(per_hour: float, unit: str) -> str:
    return dollars(round(per_hour)) if unit == QuotaUnit.USD.value else f"{per_hour:.1f} {unit}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"
