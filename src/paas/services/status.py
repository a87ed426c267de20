"""The pool at a glance: every account's credits, status, reset and lease, and every session in
progress with how far it is towards its rotation threshold (`paas status`, MCP `pool_status`).

Each account's figures are in its own unit (``quota_unit``); pool totals are kept per unit
(``by_unit``), since credits, tokens and cents do not add up. ``credits_available`` and
``quota`` stay the totals of the accounts counting credits, as before units existed.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sqlalchemy.orm import Session

from paas.core.rotation import project_threshold
from paas.core.types import QuotaUnit
from paas.services.accounts import describe_accounts
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.sessions import list_sessions
from paas.services.views import View
from paas.store import accounts as account_store

MAX_IN_PROGRESS = 500


class PoolAccount(View):
    id: int
    account_name: str
    platform: str
    status: str
    quota_unit: QuotaUnit
    credits_available: int
    quota: int
    credits_used: int = Field(description="Used in the current window.")
    rotate_threshold: int
    resets_at: datetime
    resets_in_seconds: int
    leased_session_id: int | None
    leased_project_id: int | None
    leased_project_name: str | None


class SessionProgress(View):
    session_id: int
    session_number: int
    project_id: int
    project_name: str
    account_id: int
    account_name: str
    quota_unit: QuotaUnit = Field(description="The unit of the figures: the account's.")
    session_credits_used: int
    account_credits_used: int
    rotate_threshold: int = Field(description="Credits used at which the project rotates (its override applied).")
    progress_percent: int = Field(description="Account credits used as a share of the threshold.")
    rotate_due: bool
    auto_rotate: bool
    started_at: datetime


class UnitTotal(View):
    """The pool's accounts counting one unit, summed."""

    quota_unit: QuotaUnit
    accounts: int
    available: int = Field(description="Left now, summed over these accounts.")
    quota: int


class PoolStatus(View):
    at: datetime
    accounts: list[PoolAccount]
    sessions: list[SessionProgress]
    credits_available: int = Field(description="Credits left in the pool now (the accounts counting credits).")
    quota: int = Field(description="The quotas of the accounts counting credits, summed.")
    by_unit: list[UnitTotal] = Field(description="Left and quota per unit (credits, tokens, usd), units in use only.")
    available_accounts: int


def pool_status(session: Session, now: datetime, *, scope: Scope = EVERY_PROJECT) -> PoolStatus:
    """Every account of the shared pool; the sessions (and the projects leasing accounts) a scoped
    caller sees are its projects' only."""
    views = describe_accounts(session, account_store.all_accounts(session), now)
    working = list_sessions(session, status="in_progress", limit=MAX_IN_PROGRESS, scope=scope).items
    by_session = {work.id: work for work in working}
    by_account = {view.account.id: view for view in views}
    accounts = []
    for view in views:
        lease = by_session.get(view.leased_session_id) if view.leased_session_id else None
        accounts.append(PoolAccount(
            id=view.account.id, account_name=view.account.account_name, platform=view.account.platform,
            status=view.status.value, quota_unit=QuotaUnit(view.account.quota_unit), credits_available=view.remaining,
            quota=view.quota.credits,
            credits_used=view.used, rotate_threshold=view.quota.threshold, resets_at=view.next_reset,
            resets_in_seconds=max(0, int((view.next_reset - now).total_seconds())),
            leased_session_id=view.leased_session_id, leased_project_id=lease.project_id if lease else None,
            leased_project_name=lease.project_name if lease else None))
    progress = []
    for work in sorted(working, key=lambda item: (item.project_name, item.started_at)):
        account = by_account[work.account_id]
        project = get_project(session, work.project_id)
        threshold = project_threshold(account.quota, project.rotate_threshold_percent)
        progress.append(SessionProgress(
            session_id=work.id, session_number=work.session_number, project_id=work.project_id,
            project_name=work.project_name, account_id=work.account_id, account_name=work.account_name,
            quota_unit=QuotaUnit(account.account.quota_unit), session_credits_used=work.credits_used,
            account_credits_used=account.used, rotate_threshold=threshold,
            progress_percent=min(999, account.used * 100 // max(1, threshold)), rotate_due=account.used >= threshold,
            auto_rotate=project.auto_rotate, started_at=work.started_at))
    totals = [UnitTotal(quota_unit=unit, accounts=len(members), quota=sum(item.quota for item in members),
                        available=sum(item.credits_available for item in members))
              for unit in QuotaUnit if (members := [item for item in accounts if item.quota_unit is unit])]
    credits = [item for item in accounts if item.quota_unit is QuotaUnit.CREDITS]
    return PoolStatus(at=now, accounts=accounts, sessions=progress,
                      credits_available=sum(item.credits_available for item in credits),
                      quota=sum(item.quota for item in credits), by_unit=totals,
                      available_accounts=sum(1 for item in accounts if item.status == "available"))
