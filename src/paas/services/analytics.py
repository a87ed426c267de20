"""Credit analytics (POST /api/private/analyze-credits, `paas analytics`): the original's answer and more.

The window is the ``days`` before ``now`` (``[now - days, now]``); sessions count when they
*finished* in it (``completed_at``; status completed or handed_off, see ``store.analytics``).
The store sums; ``core.analytics`` judges and words the recommendations; this module maps the
result to the one view every door shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session

from paas.core import analytics as core
from paas.core.analytics import Efficiency
from paas.core.types import QuotaUnit
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import View
from paas.store import analytics as store


class AccountCredits(View):
    account_id: int
    account_name: str
    quota: int
    threshold: int = Field(description="Credits used at which work rotates away (the account's rotate threshold).")
    sessions: int
    credits: int
    average: float = Field(description="Credits per finished session.")
    efficiency: Efficiency = Field(description="The band of the average as a share of this account's quota.")
    times_exhausted: int = Field(description="Sessions that ended at or past the threshold: the point at which a "
                                             "rotation marks the account exhausted until its window resets.")


class DayCredits(View):
    date: date
    credits: int = Field(description="The ledger's credits that UTC day (every event, whatever its session).")


class HistogramBin(View):
    model_config = ConfigDict(from_attributes=True, frozen=True, serialize_by_alias=True, validate_by_name=True)

    from_: int = Field(alias="from", description="Lower bound, percent of the account's quota (credits on a "
                                                 "100-credit quota), included.")
    to: int | None = Field(description="Upper bound, excluded; null: the quota reached or passed.")
    sessions: int


class UnusedAtRotation(View):
    handoffs: int
    credits_left_to_threshold: int = Field(description="Sum over handoffs of the threshold minus the session's "
                                                       "credits (never below 0).")
    credits_left_to_quota: int = Field(description="Sum over handoffs of the quota minus the session's credits.")
    average_left_to_threshold: float | None


class HandoffFigures(View):
    count: int = Field(description="Finished sessions that handed the project over (handed_off, or a handoff row).")
    avg_hours_between: float | None = Field(description="Hours between a project's consecutive handoffs, averaged.")


class CreditAnalysis(View):
    """The original's figures (first seven fields), then what this version adds."""

    total_sessions: int = Field(description="Sessions finished in the window (completed or handed_off).")
    total_credits: int = Field(description="Their credits.")
    avg_credits_per_session: float | None
    min_credits: int | None
    max_credits: int | None
    efficiency_score: Efficiency | None = Field(description="The band (the original's field); null: no sessions.")
    recommendations: list[str]
    efficiency: Efficiency | None = Field(description="The band again: [85, 92] optimal; [75, 85) and (92, 95] "
                                                      "good; else needs_improvement.")
    avg_quota_percent: float | None = Field(description="What the band judges: the average session as a percent "
                                                        "of its account's quota (= credits on 100-credit quotas).")
    project_id: int | None
    unit: QuotaUnit = Field(description="What every figure counts: only accounts counting this unit are summed "
                                        "(credits, tokens and usd cents do not add up).")
    days: int
    since: datetime
    until: datetime
    credits_per_day: list[DayCredits]
    accounts: list[AccountCredits]
    histogram: list[HistogramBin] = Field(description="Sessions per 10 points of the account's quota.")
    unused_at_rotation: UnusedAtRotation
    handoffs: HandoffFigures


def analyze_credits(session: Session, *, now: datetime, project_id: int | None = None, days: int = 30,
                    unit: QuotaUnit | None = None, scope: Scope = EVERY_PROJECT) -> CreditAnalysis:
    """The window's figures in one unit (``unit``; else credits when an account counts credits, else
    the first unit there is); an unknown project is NotFound, days outside 1..3650 InvalidInput.
    A scoped caller names one of its projects (the figures over every project are refused to it)."""
    core.check_days(days)
    if project_id is not None:
        scope.check_project(project_id)
        get_project(session, project_id)
    else:
        scope.refuse_if_limited("credit analytics over every project (name project_id)")
    since = now - timedelta(days=days)
    units = store.account_units(session)
    chosen = QuotaUnit(unit) if unit else (QuotaUnit.CREDITS if QuotaUnit.CREDITS.value in units or not units
                                           else QuotaUnit(min(units)))
    only = None if units <= {chosen.value} else chosen.value  # one unit everywhere: no filter needed
    accounts, bins = store.sessions_by_account_and_bin(session, since=since, until=now, project_id=project_id,
                                                       unit=only)
    summary = core.overall(accounts)
    handed = core.handoffs(store.project_handoffs(session, since=since, until=now, project_id=project_id, unit=only))
    by_day = store.credits_by_day(session, since=since, until=now, project_id=project_id, unit=only)
    return CreditAnalysis(
        total_sessions=summary.sessions, total_credits=summary.credits, avg_credits_per_session=summary.average,
        min_credits=summary.min_credits, max_credits=summary.max_credits, efficiency_score=summary.band,
        recommendations=core.recommendations(summary, accounts, handed, days=days), efficiency=summary.band,
        avg_quota_percent=summary.average_percent, project_id=project_id, unit=chosen, days=days, since=since,
        until=now,
        credits_per_day=[DayCredits(date=day, credits=credits)
                         for day, credits in core.credits_per_day(by_day, now=now, days=days)],
        accounts=[AccountCredits(account_id=account.account_id, account_name=account.account_name,
                                 quota=account.quota, threshold=account.threshold, sessions=account.sessions,
                                 credits=account.credits, average=account.average,
                                 efficiency=core.efficiency(account.average_percent),
                                 times_exhausted=account.reached_threshold) for account in accounts],
        histogram=[HistogramBin.model_validate({"from": low, "to": high, "sessions": count})
                   for low, high, count in core.histogram(bins)],
        unused_at_rotation=UnusedAtRotation(handoffs=handed.count,
                                            credits_left_to_threshold=handed.credits_left_to_threshold,
                                            credits_left_to_quota=handed.credits_left_to_quota,
                                            average_left_to_threshold=handed.average_left_to_threshold),
        handoffs=HandoffFigures(count=handed.count, avg_hours_between=handed.avg_hours_between),
    )
