"""Credit analytics: how well sessions use their accounts, judged from aggregates the store summed.

Contract:
- Input is what SQL already aggregated (one ``AccountFigures`` per account, histogram bin counts,
  credits per UTC day, one ``ProjectHandoffs`` per project); nothing here sees a single event.
- A session's figure is its credits as a share of its account's quota, in percent: on the
  original's 100-credit quotas that is the credits themselves, and accounts counting tokens or
  cents are judged on the same scale.
- Bands, without gaps (the original left 92–95 out): [85, 92] optimal; [75, 85) and (92, 95]
  good; anything else needs improvement. The band is taken on the average as shown (two decimals).
- Recommendations are sentences computed from the figures: what to change and what it costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from paas.core.errors import InvalidInput

MIN_DAYS, MAX_DAYS = 1, 3650
OPTIMAL_LOW, OPTIMAL_HIGH = 85.0, 92.0
GOOD_LOW, GOOD_HIGH = 75.0, 95.0
HISTOGRAM_WIDTH = 10  # points of the quota per bin
HISTOGRAM_BINS = 11  # 0–10 ... 90–100, then 100 and over (the quota used up)
OFTEN_EXHAUSTED_SESSIONS = 2  # ...and at least half of the account's sessions
LONG_GAP_HOURS = 24.0  # a daily window turns between two handoffs
UNUSED_WORTH_SAYING = 5.0  # credits a handoff left below its threshold, on average


class Efficiency(StrEnum):
    OPTIMAL = "optimal"
    GOOD = "good"
    NEEDS_IMPROVEMENT = "needs_improvement"


def efficiency(average_percent: float) -> Efficiency:
    """The band of an average session (percent of the quota; credits on a 100-credit quota)."""
    if OPTIMAL_LOW <= average_percent <= OPTIMAL_HIGH:
        return Efficiency.OPTIMAL
    if GOOD_LOW <= average_percent < OPTIMAL_LOW or OPTIMAL_HIGH < average_percent <= GOOD_HIGH:
        return Efficiency.GOOD
    return Efficiency.NEEDS_IMPROVEMENT


def check_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be a whole number from {MIN_DAYS} to {MAX_DAYS}", {"field": "days"})
    return days


@dataclass(frozen=True)
class AccountFigures:
    """One account's finished sessions in the window, summed by the store."""

    account_id: int
    account_name: str
    quota: int
    threshold: int  # credits used at which work should rotate away
    sessions: int
    credits: int
    min_credits: int
    max_credits: int
    reached_threshold: int  # sessions that ended at or past the threshold: a rotation marks it exhausted
    past_hard_limit: int  # sessions past 95% of the quota
    below_good: int  # sessions under 75% of the quota

    @property
    def average(self) -> float:
        return round(self.credits / self.sessions, 2)

    @property
    def average_percent(self) -> float:
        return round(100 * self.credits / (self.sessions * self.quota), 2)


@dataclass(frozen=True)
class ProjectHandoffs:
    """One project's sessions in the window that handed it over (rotation or a handoff row)."""

    count: int
    first_at: datetime
    last_at: datetime
    left_to_threshold: int
    left_to_quota: int


@dataclass(frozen=True)
class Handoffs:
    count: int
    avg_hours_between: float | None
    credits_left_to_threshold: int
    credits_left_to_quota: int

    @property
    def average_left_to_threshold(self) -> float | None:
        return round(self.credits_left_to_threshold / self.count, 2) if self.count else None


@dataclass(frozen=True)
class Overall:
    sessions: int
    credits: int
    average: float | None
    average_percent: float | None
    min_credits: int | None
    max_credits: int | None
    average_threshold: float | None
    band: Efficiency | None


def overall(accounts: Sequence[AccountFigures]) -> Overall:
    sessions = sum(account.sessions for account in accounts)
    credits = sum(account.credits for account in accounts)
    if not sessions:
        return Overall(0, 0, None, None, None, None, None, None)
    percent = round(sum(100 * account.credits / account.quota for account in accounts) / sessions, 2)
    return Overall(sessions=sessions, credits=credits, average=round(credits / sessions, 2), average_percent=percent,
                   min_credits=min(account.min_credits for account in accounts),
                   max_credits=max(account.max_credits for account in accounts),
                   average_threshold=sum(account.threshold * account.sessions for account in accounts) / sessions,
                   band=efficiency(percent))


def handoffs(projects: Sequence[ProjectHandoffs]) -> Handoffs:
    """Hours between handoffs: each project's span from its first to its last, over its gaps."""
    gaps = sum(project.count - 1 for project in projects)
    span = sum((project.last_at - project.first_at).total_seconds() for project in projects if project.count > 1)
    return Handoffs(count=sum(project.count for project in projects),
                    avg_hours_between=round(span / 3600 / gaps, 2) if gaps else None,
                    credits_left_to_threshold=sum(project.left_to_threshold for project in projects),
                    credits_left_to_quota=sum(project.left_to_quota for project in projects))


def histogram(counts: dict[int, int]) -> list[tuple[int, int | None, int]]:
    """(from, to, sessions) per fixed bin of ``HISTOGRAM_WIDTH`` points of the quota; ``to`` None is open."""
    bins = []
    for index in range(HISTOGRAM_BINS):
        upper = None if index == HISTOGRAM_BINS - 1 else (index + 1) * HISTOGRAM_WIDTH
        bins.append((index * HISTOGRAM_WIDTH, upper, counts.get(index, 0)))
    return bins


def credits_per_day(by_day: dict[date, int], *, now: datetime, days: int) -> list[tuple[date, int]]:
    """Every UTC day of the window, oldest first, 0 where nothing was spent."""
    last = now.date()
    first = (now - timedelta(days=days)).date()
    return [(first + timedelta(days=offset), by_day.get(first + timedelta(days=offset), 0))
            for offset in range((last - first).days + 1)]


def recommendations(summary: Overall, accounts: Sequence[AccountFigures], handed: Handoffs,
                    *, days: int) -> list[str]:
    """What to change and what it costs, from the figures."""
    if summary.band is None or summary.average is None or summary.average_percent is None:
        return [f"No finished sessions in the last {days} days: finish one (or look further back) to see a pattern."]
    said: list[str] = []
    if summary.band is Efficiency.OPTIMAL:
        said += ["Excellent! Keep this pattern.", "Target range: 85-92 credits per session"]
    elif summary.average_percent < OPTIMAL_LOW:
        said.append(_ending_early(summary))
    else:
        said.append(f"Sessions end at {_number(summary.average)} credits on average, past the 85-92 target: "
                    "hand off earlier, at about 90% of the quota.")
    said += _low_sessions(summary, accounts)
    said += _past_hard_limit(summary, accounts)
    said += _often_exhausted(accounts)
    said += _handoff_pattern(handed)
    return said


def _ending_early(summary: Overall) -> str:
    assert summary.average is not None and summary.average_threshold is not None
    left = summary.average_threshold - summary.average
    text = f"Sessions end at {_number(summary.average)} credits on average"
    if left >= 1:
        return (f"{text}: about {round(left)} credits a session are left unused before the rotate threshold "
                f"({_number(summary.average_threshold)}); work on to 85-92 before handing off.")
    return (f"{text}, under the 85-92 target, because the rotate threshold ({_number(summary.average_threshold)}) "
            "stops them there: raise it to about 90% of the quota.")


def _low_sessions(summary: Overall, accounts: Sequence[AccountFigures]) -> list[str]:
    low = sum(account.below_good for account in accounts)
    if not low:
        return []
    lowest = min((account for account in accounts if account.below_good), key=lambda account: account.min_credits)
    short = lowest.threshold - lowest.min_credits
    return [f"{_count(low, 'session')} of {summary.sessions} ended under 75% of the quota: the lowest, at "
            f"{lowest.min_credits} credits on {lowest.account_name}, left {short} credits unused before its "
            f"rotate threshold of {lowest.threshold}."]


def _past_hard_limit(summary: Overall, accounts: Sequence[AccountFigures]) -> list[str]:
    past = sum(account.past_hard_limit for account in accounts)
    if not past:
        return []
    return [f"{_count(past, 'session')} of {summary.sessions} ran past 95% of the quota (the highest at "
            f"{summary.max_credits} credits): risk of losing context at the hard limit; hand off at the "
            "rotate threshold."]


def _often_exhausted(accounts: Sequence[AccountFigures]) -> list[str]:
    often = [account for account in accounts if account.reached_threshold >= OFTEN_EXHAUSTED_SESSIONS
             and 2 * account.reached_threshold >= account.sessions]
    if not often:
        return []
    worst = max(often, key=lambda account: (account.reached_threshold / account.sessions, account.reached_threshold))
    others = f" ({_count(len(often) - 1, 'other account')} too)" if len(often) > 1 else ""
    return [f"{worst.account_name} reached its rotate threshold in {worst.reached_threshold} of its "
            f"{worst.sessions} sessions{others}: it is exhausted often; start long work on accounts with more "
            "credits left, or split the work into shorter sessions."]


def _handoff_pattern(handed: Handoffs) -> list[str]:
    said = []
    if handed.count >= 2 and handed.avg_hours_between is not None and handed.avg_hours_between > LONG_GAP_HOURS:
        said.append(f"Only {handed.count} handoffs, {_number(handed.avg_hours_between)} hours apart on average: "
                    "accounts' daily credits reset unused in between; rotating through the pool more often "
                    "spends them before they reset.")
    average = handed.average_left_to_threshold
    if average is not None and average >= UNUSED_WORTH_SAYING:
        each = f" ({_number(average)} a handoff)" if handed.count > 1 else ""
        said.append(f"{_count(handed.count, 'handoff')} left {handed.credits_left_to_threshold} credits unused "
                    f"below the rotate threshold{each}: hand off at the threshold, not before.")
    return said


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
