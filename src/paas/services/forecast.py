"""The forecast at ``now`` (`GET /api/forecast`, `paas forecast`, MCP `forecast`): load the accounts'
figures and recent spends, decide with ``core.forecasting``, answer one frozen view.

What each figure means (the model is in ``core.forecasting`` and ``core.pool_simulation``):
burn rates are per hour in the account's unit, weighted towards the last hour; ``pace`` > 1 is
ahead of the window; ``runs_out_at`` and ``reaches_threshold_at`` are at the current rate and
reset-aware (null: not at this rate); one pool per unit, simulated 24 h ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy.orm import Session

from paas.core import forecasting as model
from paas.core.rotation import project_threshold
from paas.services.accounts import OPENING_NOTE, describe_accounts
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import View
from paas.store import forecast as store
from paas.store.accounts import account_rows


class PoolForecastOut(View):
    unit: str = Field(description="What the pool's figures count: credits, tokens or usd (cents).")
    accounts: int
    credits_left: int = Field(description="Left now on the accounts that can work (not disabled or reported "
                                          "exhausted).")
    burn_rate_per_hour: float = Field(description="The pool's spend per hour, weighted towards the last hour.")
    runs_dry_at: datetime | None = Field(description="When no account can take the work, within 24 h (null: not "
                                                     "within 24 h at this rate).")
    credits_tomorrow: int = Field(description="Left at the start of tomorrow (00:00 UTC), resets and burn counted.")
    tomorrow_starts_at: datetime


class AccountForecastOut(View):
    account_id: int
    account_name: str
    unit: str
    status: str
    used: int = Field(description="Used in the current window.")
    quota: int
    remaining: int
    burn_rate_per_hour: float = Field(description="Since its session started when one holds it.")
    pace: float | None = Field(description="Used share of the quota over the elapsed share of the window (>1: "
                                           "ahead of pace).")
    resets_at: datetime
    runs_out_at: datetime | None = Field(description="When it has used its quota at this rate (resets counted).")
    runs_out_before_reset: bool
    credits_tomorrow: int | None = Field(description="Left at 00:00 UTC tomorrow in the pool's simulation.")


class SessionForecastOut(View):
    session_id: int
    session_number: int
    project_id: int
    project_name: str
    account_id: int
    account_name: str
    session_used: int = Field(description="Credits this session has used.")
    account_used: int = Field(description="Its account's use in the window: what the threshold is compared with.")
    threshold: int = Field(description="Account use at which the project rotates (its override applied).")
    burn_rate_per_hour: float = Field(description="Its account's rate since the session started.")
    reaches_threshold_at: datetime | None


class ForecastOut(View):
    generated_at: datetime
    pools: list[PoolForecastOut]
    accounts: list[AccountForecastOut]
    sessions: list[SessionForecastOut]


@dataclass(frozen=True)
class LoadedForecast:
    """The core's answer and what a view adds to it: each account's status, each session's row (names)."""

    forecast: model.Forecast
    statuses: dict[int, str]
    sessions: dict[int, Any]


def compute_forecast(session: Session, now: datetime, *, with_pools: bool = True) -> LoadedForecast:
    """Load, then let the core decide (no rounding: alerts read these); ``with_pools=False`` skips
    the pool simulation (accounts and sessions only)."""
    rows = account_rows(session)
    views = describe_accounts(session, rows, now)
    # What an account had used before it was added is one opening row dated then: not a burn.
    spends = store.recent_spends(session, rows, now, model.LOOKBACK, skip_note=OPENING_NOTE)
    working = store.sessions_in_progress(session)
    started = {int(work.account_id): work.started_at for work in working}
    inputs = [model.AccountInput(
        account_id=view.account.id, name=view.account.account_name, unit=view.account.quota_unit,
        quota=view.quota.credits, used=view.used, window=view.quota.window, resets_at=view.next_reset,
        status=view.status, recent=tuple(spends.get(view.account.id, ())),
        in_use_since=started.get(view.account.id)) for view in views]
    quotas = {view.account.id: view.quota for view in views}
    sessions = [model.SessionInput(
        session_id=work.id, project_id=work.project_id, account_id=work.account_id,
        session_used=int(work.credits_used),
        threshold=project_threshold(quotas[work.account_id], work.rotate_threshold_percent),
        started_at=work.started_at) for work in working]
    return LoadedForecast(forecast=model.forecast(inputs, sessions, now, with_pools=with_pools),
                          statuses={view.account.id: view.status.value for view in views},
                          sessions={int(work.id): work for work in working})


def _second(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(microsecond=0)


def show_forecast(session: Session, now: datetime, *, scope: Scope = EVERY_PROJECT) -> ForecastOut:
    """The forecast as every door shows it: the pool and its accounts are shared by every project;
    a scoped caller sees only its projects' sessions."""
    loaded = compute_forecast(session, now)
    answer = loaded.forecast
    return ForecastOut(
        generated_at=now.replace(microsecond=0),
        pools=[PoolForecastOut(unit=pool.unit, accounts=pool.accounts, credits_left=pool.credits_left,
                               burn_rate_per_hour=round(pool.burn_rate_per_hour, 2),
                               runs_dry_at=_second(pool.runs_dry_at), credits_tomorrow=pool.credits_tomorrow,
                               tomorrow_starts_at=pool.tomorrow_starts_at) for pool in answer.pools],
        accounts=[AccountForecastOut(
            account_id=item.account_id, account_name=item.name, unit=item.unit, status=loaded.statuses[item.account_id],
            used=item.used, quota=item.quota, remaining=item.remaining,
            burn_rate_per_hour=round(item.burn_rate_per_hour, 2),
            pace=None if item.pace is None else round(item.pace, 3), resets_at=item.resets_at,
            runs_out_at=_second(item.runs_out_at), runs_out_before_reset=item.runs_out_before_reset,
            credits_tomorrow=item.credits_tomorrow) for item in answer.accounts],
        sessions=[_session_out(item, loaded.sessions[item.session_id]) for item in answer.sessions
                  if scope.sees_project(item.project_id)],
    )


def _session_out(item: model.SessionForecast, row: Any) -> SessionForecastOut:
    return SessionForecastOut(
        session_id=item.session_id, session_number=int(row.session_number), project_id=item.project_id,
        project_name=row.project_name, account_id=item.account_id, account_name=row.account_name,
        session_used=item.session_used, account_used=item.account_used, threshold=item.threshold,
        burn_rate_per_hour=round(item.burn_rate_per_hour, 2), reaches_threshold_at=_second(item.reaches_threshold_at))
