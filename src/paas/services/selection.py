"""Best-account selection and platform limit reports, over the accounts as they stand at ``now``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput, NotFound
from paas.core.events import AccountStateChanged
from paas.core.history import suitability
from paas.core.quotas import QuotaWindow, WindowKind, default_threshold
from paas.core.selection import Candidate, Ranked, SelectionRequest, TaskFit, idle_hours
from paas.core.selection_once import rank_once
from paas.core.types import AccountStatus, AdminState, LimitReason, Platform
from paas.services.accounts import AccountView, describe_account, describe_accounts, show_account
from paas.services.field_rules import parse_enum
from paas.services.history import EstimateOut, estimate_task
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import AccountOut, RankedOut
from paas.store import accounts as store
from paas.store.unit import publish

THROTTLE_DEFAULT_SECONDS = 60
# An operator's invalid_credentials report holds the account out of the pool this long (throttled:
# it comes back by itself); only an admin's report disables it, the state only an admin can undo.
OPERATOR_CREDENTIALS_HOLD = timedelta(hours=1)


def candidate_of(view: AccountView, now: datetime, efficiency: float | None = None) -> Candidate:
    """An account as selection sees it at ``now``."""
    account = view.account
    return Candidate(
        id=account.id, name=account.account_name, platform=account.platform,
        specialization=account.specialization or "", tags=account.tags or "", status=view.status,
        remaining=view.remaining, quota=view.quota.credits,
        seconds_to_reset=max(0.0, (view.next_reset - now).total_seconds()),
        idle_hours=idle_hours(account.last_used_at, now), efficiency=efficiency, threshold=view.quota.threshold,
        unit=getattr(account, "quota_unit", None) or "credits",
    )


def candidates(session: Session, now: datetime, *, platform: str | None = None, project_id: int | None = None,
               session_type: str | None = None, exclude: frozenset[int] = frozenset()) -> list[Candidate]:
    """The accounts that pass the hard filters needing no ledger (``store.selectable_rows``, in SQL),
    as selection sees them; ``eligible`` then applies the ledger's (credits left, headroom)."""
    # Plain rows, turned into candidates in one pass (as ``describe_accounts`` would describe them:
    # the rows left are enabled, unleased and not reported out, so available unless their window's
    # spend reached the quota): objects per account were most of the time at 10,000 accounts.
    rows = store.selectable_rows(session, now, platform=platform, exclude=exclude)
    usage = store.usage_in_windows(session, rows, now)
    rates = store.completion_rates(session, session_type=session_type)
    if project_id is not None:
        # History on this very project, where there is some, speaks louder than history elsewhere.
        rates |= store.completion_rates(session, project_id=project_id, session_type=session_type)
    resets: dict[QuotaWindow, datetime] = {}
    found = []
    for row in rows:
        window = store.window_of(row)
        used, oldest = usage.get(row.id, (0, None))
        if window.kind is WindowKind.ROLLING and oldest is not None:
            reset = window.next_reset(now, [(oldest, used)])
        else:  # a calendar window resets at one moment for every account that has it
            reset = resets[window] if window in resets else resets.setdefault(window, window.next_reset(now))
        found.append(Candidate(
            id=row.id, name=row.account_name, platform=row.platform, specialization=row.specialization or "",
            tags=row.tags or "", status=AccountStatus.EXHAUSTED if used >= row.quota else AccountStatus.AVAILABLE,
            remaining=max(0, row.quota - used), quota=row.quota,
            seconds_to_reset=max(0.0, (reset - now).total_seconds()), idle_hours=idle_hours(row.last_used_at, now),
            efficiency=rates.get(row.id), unit=row.quota_unit or "credits",
            threshold=row.rotate_threshold if row.rotate_threshold is not None else default_threshold(row.quota)))
    return found


def select_best_accounts(session: Session, *, now: datetime, specialization: str = "", platform: str | None = None,
                         min_credits: int = 0, project_id: int | None = None, limit: int = 1,
                         exclude: frozenset[int] = frozenset(), session_type: str | None = None,
                         margin_percent: int = 0, task: str | None = None,
                         estimate: EstimateOut | None = None, scope: Scope = EVERY_PROJECT) -> list[Ranked]:
    """``task``: what the job is, in words; history's estimate for it (``estimate``, when the caller
    already has it) ranks accounts short of credits for it lower and those suited to it higher.
    The pool is shared: ``scope`` only checks the project named (and the history the estimate reads)."""
    if platform:
        parse_enum(Platform, platform, "platform")
    if project_id is not None:
        scope.check_project(project_id)
        get_project(session, project_id)
    if task is not None and estimate is None:
        estimate = estimate_task(session, text=task, project_id=project_id, session_type=session_type, now=now,
                                 scope=scope)
    request = SelectionRequest(specialization=specialization, platform=platform, min_credits=min_credits,
                               limit=limit, exclude=exclude, margin_percent=margin_percent,
                               task=task_fit(estimate) if estimate is not None else None)
    # One ranking per call: scored once (core.selection_once), no pool to index and sort first.
    found = candidates(session, now, platform=platform, project_id=project_id, session_type=session_type,
                       exclude=exclude)
    return rank_once(found, request)


def task_fit(estimate: EstimateOut) -> TaskFit | None:
    """History's estimate as selection weighs it (none without history to go on)."""
    if estimate.estimate_credits is None:
        return None
    strengths = suitability(estimate.suited_accounts)
    suited = tuple((item.account_id, strengths[item.account_id],
                    f"suited to similar work: ~{item.credits_per_completed:.0f} {estimate.unit} per completed session "
                    f"({item.credits_per_completed / estimate.estimate_credits:.2f}x the estimate; "
                    f"{item.completed} of {item.sessions} similar sessions done)")
                   for item in estimate.suited_accounts if strengths[item.account_id] > 0)
    return TaskFit(estimate=estimate.estimate_credits, unit=estimate.unit, suited=suited)


NO_MATCH_SUGGESTION = "lower min_credits, drop the platform filter, or wait for a window to reset"


def require_best_accounts(session: Session, **request: Any) -> list[RankedOut]:
    """``select_best_accounts`` as every door shows it, or the one "no account matches" error."""
    ranked = select_best_accounts(session, **request)
    if not ranked:
        raise NotFound(f"no available account matches; {NO_MATCH_SUGGESTION}", {"suggestion": NO_MATCH_SUGGESTION})
    return [RankedOut.of(item) for item in ranked]


def best_for_project(session: Session, project_id: int, *, now: datetime, session_type: str | None = None,
                     min_credits: int = 1, task: str | None = None, estimate: EstimateOut | None = None) -> RankedOut:
    """The account to start a project's session on now: ranked for what the project is (its
    description, else its name), the way a rotation chooses, and for the task when one is given
    (history's estimate); the one "no account matches" error."""
    project = get_project(session, project_id)
    return require_best_accounts(session, now=now, specialization=project.description or project.name,
                                 project_id=project_id, min_credits=min_credits, session_type=session_type,
                                 limit=1, task=task, estimate=estimate)[0]


def soonest_reset(session: Session, now: datetime, *, exclude: frozenset[int] = frozenset()) -> datetime | None:
    """When the first enabled account that is not free now comes back (for 'try again at' answers)."""
    moments = []
    for view in describe_accounts(session, store.account_rows(session, enabled_only=True), now):
        if view.account.id in exclude or view.status is AccountStatus.AVAILABLE:
            continue
        if view.status is AccountStatus.THROTTLED and view.account.throttled_until:
            moments.append(view.account.throttled_until)
        elif view.status is AccountStatus.EXHAUSTED:
            until = view.account.exhausted_until
            moments.append(max(until, view.next_reset) if until and until > now else view.next_reset)
    return min(moments) if moments else None


def report_limit(session: Session, account_id: int, *, reason: str, now: datetime,
                 resets_at: datetime | None = None, cooldown_seconds: int | None = None,
                 may_disable: bool = True) -> AccountOut:
    """What a platform said: exhausted until a time, throttled for a while, or credentials refused.

    Refused credentials disable the account (``may_disable``: an admin, or the local CLI); from a
    caller that may not disable (an operator) they hold it out of the pool, as throttled, for
    ``OPERATOR_CREDENTIALS_HOLD``: no one below admin can put an account in a state only an admin
    can undo."""
    kind = parse_enum(LimitReason, reason, "reason")
    # A figure the report cannot use is refused, not ignored: the caller would believe it was applied.
    if resets_at is not None and kind is not LimitReason.WINDOW_EXHAUSTED:
        raise InvalidInput("resets_at goes with reason window_exhausted (a throttle lasts cooldown_seconds)",
                           {"field": "resets_at"})
    if cooldown_seconds is not None and kind is not LimitReason.THROTTLED:
        raise InvalidInput("cooldown_seconds goes with reason throttled", {"field": "cooldown_seconds"})
    view = describe_account(session, account_id, now, for_update=True)
    account = view.account
    if kind is LimitReason.WINDOW_EXHAUSTED:
        if resets_at is not None and resets_at <= now:
            raise InvalidInput("resets_at must be in the future", {"field": "resets_at"})
        account.exhausted_until = resets_at or view.quota.window.next_reset(now)
    elif kind is LimitReason.THROTTLED:
        seconds = THROTTLE_DEFAULT_SECONDS if cooldown_seconds is None else cooldown_seconds
        account.throttled_until = now + timedelta(seconds=seconds)
    elif may_disable:
        account.admin_state = AdminState.DISABLED.value
        account.disabled_reason = "the platform refused its credentials"
    else:
        held = now + OPERATOR_CREDENTIALS_HOLD
        account.throttled_until = max(held, account.throttled_until) if account.throttled_until else held
    session.flush()
    publish(session, AccountStateChanged(account_id=account_id, change=f"limit reported: {kind.value}"))
    return show_account(session, account_id, now)

