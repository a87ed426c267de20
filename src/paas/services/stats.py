"""The dashboard's statistics, computed from the rows at the time asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from paas.core.stats import build_stats, day_start
from paas.core.types import Stats
from paas.services.accounts import describe_accounts
from paas.store import accounts as account_store
from paas.store import ledger
from paas.store import stats as store_stats


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
