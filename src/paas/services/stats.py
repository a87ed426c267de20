"""The dashboard's statistics, computed from the rows at the time asked."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from pydantic import Field
from sqlalchemy.orm import Session

from paas.core.stats import build_stats, day_start
from paas.core.types import Stats
from paas.services.accounts import describe_accounts
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import View
from paas.store import accounts as account_store
from paas.store import ledger
from paas.store import stats as store_stats


class StatsOut(View):
    """The dashboard's figures as every door shows them (GET /api/stats, `paas stats`)."""

    active_projects: int = Field(description="Projects whose status is active.")
    active_accounts: int = Field(description="Accounts that can work now (available or active).")
    total_credits: int = Field(description="Credits used, all time: the ledger's sum.")
    total_sessions: int
    projects_total: int
    accounts_total: int
    accounts_by_status: dict[str, int]
    credits_used_today: int = Field(description="Credits used since 00:00 UTC.")
    credits_used_total: int
    sessions_active: int
    sessions_completed: int
    avg_credits_per_completed_session: float | None


def show_stats(session: Session, now: datetime, *, scope: Scope = EVERY_PROJECT) -> StatsOut:
    """The figures over every project and account: refused to a scoped caller (services.scopes)."""
    scope.refuse_if_limited("the statistics over every project")
    stats = compute_stats(session, now)
    figures = asdict(stats)
    return StatsOut(active_accounts=stats.usable_accounts, total_credits=stats.credits_used_total,
                    total_sessions=stats.sessions_total,
                    **{key: value for key, value in figures.items() if key != "usable_accounts"})


def compute_stats(session: Session, now: datetime) -> Stats:
    completed, completed_credits = store_stats.completed_session_credits(session)
    return build_stats(
        projects_by_status=store_stats.projects_by_status(session),
        accounts_by_status=_accounts_by_status(session, now),
        sessions_by_status=store_stats.sessions_by_status(session),
        credits_used_today=ledger.credits_used(session, since=day_start(now)),
        credits_used_total=ledger.credits_used(session),
        completed_sessions=completed,
        completed_session_credits=completed_credits,
    )


def _accounts_by_status(session: Session, now: datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    for view in describe_accounts(session, account_store.account_rows(session), now):
        counts[view.status.value] = counts.get(view.status.value, 0) + 1
    return counts
