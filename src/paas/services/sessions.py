"""Working sessions: start one on an account, record the credits it spends, complete it.

Rules kept here, for every door:
- starting a session leases the account (it shows ``active``); an account already leased,
  disabled, throttled or exhausted cannot start one; the number is the project's next;
- usage appends to the ledger and moves the session's and the project's figures in the
  same transaction (the account's credits left are computed from the ledger); usage beyond
  what the account had left is recorded and flagged (``overdrawn``), never dropped; an
  idempotency key makes a retry a replay;
- completing ends the lease.
Rows we decide on are locked first (``FOR UPDATE`` on PostgreSQL; SQLite write transactions
hold the database lock from their start).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.core import events
from paas.core.errors import Conflict, InvalidInput
from paas.core.git_state import Head
from paas.core.rotation import project_threshold
from paas.core.types import AccountStatus, Page, SessionStatus, SessionType
from paas.services.accounts import describe_account
from paas.services.field_rules import parse_enum, refuse_nulls
from paas.services.projects import get_project
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import SessionOut, UsageOut
from paas.store import ledger
from paas.store import sessions as store
from paas.store.records import apply_changes, delete_unless_referenced, get_or_raise
from paas.store.schema import CreditEvent, WorkSession
from paas.store.unit import publish

EDITABLE = ("session_type", "objectives", "accomplishments", "blockers", "handoff_notes", "checkpoint_data",
            "duration_minutes")
NO_SESSION_HINT = "start one (`paas session start`, POST /api/sessions)"
ENDING_STATUSES = (SessionStatus.COMPLETED, SessionStatus.FAILED, SessionStatus.HANDED_OFF)


@dataclass(frozen=True)
class UsageRecorded:
    """What recording usage answers (the event of the same name is ``core.events.UsageRecorded``)."""

    event: CreditEvent
    work_session: WorkSession
    credits_available: int
    replayed: bool
    account_used: int  # credits used in the account's window, this usage included
    quota: int
    threshold: int  # credits used at which the project should rotate (its override applied)
    next_reset: datetime

    @property
    def rotate_due(self) -> bool:
        return self.account_used >= self.threshold


def get_work_session(session: Session, session_id: int, *, for_update: bool = False,
                     scope: Scope = EVERY_PROJECT) -> WorkSession:
    """The row; a session of a project outside ``scope`` is NotFound, as a missing one."""
    work = get_or_raise(session, WorkSession, session_id, "session", for_update=for_update)
    scope.check_row(work.project_id, "session", session_id)
    return work


def check_session(session: Session, session_id: int, scope: Scope) -> None:
    """NotFound unless the session exists and ``scope`` sees its project (no-op when unscoped)."""
    if scope.limited:
        get_work_session(session, session_id, scope=scope)


def show_session(session: Session, session_id: int, *, scope: Scope = EVERY_PROJECT) -> SessionOut:
    """A session as a door shows it, with its project's and account's names (404 when there is none)."""
    get_work_session(session, session_id, scope=scope)
    return SessionOut.of(store.with_names(session, session_id))


def list_sessions(session: Session, *, project_id: int | None = None, account_id: int | None = None,
                  status: str | None = None, limit: int = 50, offset: int = 0,
                  scope: Scope = EVERY_PROJECT) -> Page[SessionOut]:
    """Sessions newest first; with a scope, only its projects' (another project's filter finds none,
    as a missing project's does)."""
    if status:
        parse_enum(SessionStatus, status, "status")
    where = store.SessionFilter(project_id=project_id, account_id=account_id, status=status,
                                project_ids=scope.project_ids)
    return store.list_newest_first(session, where, limit=limit, offset=offset).map(SessionOut.of)


def start_session(session: Session, *, project_id: int, account_id: int, now: datetime,
                  session_type: str = SessionType.DEVELOPMENT.value,
                  objectives: str | None = None, git_head: Head | None = None,
                  scope: Scope = EVERY_PROJECT) -> SessionOut:
    """Start a session; ``git_head``: the project's HEAD, read by the caller before this write
    (``services.git_state.start_session_at_head``: git never runs in the write lock)."""
    kind = parse_enum(SessionType, session_type, "session_type")
    scope.check_project(project_id)
    # Lock the project first: concurrent starts on one project then take numbers in turn.
    project = get_project(session, project_id, for_update=True)
    view = describe_account(session, account_id, now, for_update=True)
    account = view.account
    if view.leased_session_id is not None:
        raise Conflict(
            f"account {account_id} is already leased to session {view.leased_session_id}",
            {"account_id": account_id, "session_id": view.leased_session_id},
        )
    if view.status is not AccountStatus.AVAILABLE:
        raise Conflict(f"account {account_id} is {view.status.value}",
                       {"account_id": account_id, "status": view.status.value,
                        "next_reset_at": view.next_reset.isoformat()})
    work = WorkSession(
        project_id=project.id,
        account_id=account.id,
        session_number=store.next_session_number(session, project.id),
        session_type=kind.value,
        objectives=objectives,
        status=SessionStatus.IN_PROGRESS.value,
        started_at=now,
        git_head=git_head.sha if git_head else None,
        git_branch=git_head.branch if git_head else None,
    )
    session.add(work)
    account.last_used_at = now
    project.total_sessions += 1
    session.flush()
    publish(session, events.SessionStarted(session_id=work.id, project_id=project.id, account_id=account.id,
                                           session_number=work.session_number))
    return show_session(session, work.id)


def lock_session_and_project(session: Session, session_id: int) -> WorkSession:
    """Lock a session's project, then the session (reloaded): the lock order every writer keeps."""
    project_id = get_work_session(session, session_id).project_id
    get_project(session, project_id, for_update=True)
    return get_work_session(session, session_id, for_update=True)


def update_session(session: Session, session_id: int, changes: dict[str, Any], *,
                   scope: Scope = EVERY_PROJECT) -> SessionOut:
    work = get_work_session(session, session_id, for_update=True, scope=scope)
    changes = {key: value for key, value in changes.items() if key in EDITABLE}
    refuse_nulls(changes, ("session_type",))
    if "session_type" in changes:
        changes["session_type"] = parse_enum(SessionType, changes["session_type"], "session_type").value
    apply_changes(work, changes)
    session.flush()
    return show_session(session, session_id)


def record_usage(session: Session, session_id: int, *, credits: int, now: datetime,
                 note: str | None = None, idempotency_key: str | None = None) -> UsageOut:
    if credits <= 0:
        raise InvalidInput("credits must be a positive whole number", {"field": "credits"})
    # Lock first: concurrent retries of one key then queue here and the later ones replay. Every
    # writer locks in one order (project, session, account) so usage and rotation never deadlock.
    work = lock_session_and_project(session, session_id)
    if idempotency_key:
        earlier = ledger.find_by_key(session, idempotency_key)
        if earlier is not None:
            return UsageOut.of(_replay(session, earlier, session_id, credits, note))
    if work.status != SessionStatus.IN_PROGRESS.value:
        raise Conflict(
            f"session {session_id} is {work.status}; usage goes to a session in progress",
            {"status": work.status},
        )
    return UsageOut.of(spend(session, work, credits=credits, now=now, note=note, idempotency_key=idempotency_key))


def spend(session: Session, work: WorkSession, *, credits: int, now: datetime, note: str | None = None,
          idempotency_key: str | None = None) -> UsageRecorded:
    """Append credits to the ledger for a locked, open session (also used by rotation's final usage)."""
    project = get_project(session, work.project_id, for_update=True)
    view = describe_account(session, work.account_id, now, for_update=True)
    overdrawn = max(0, credits - view.remaining)
    event = ledger.append(session, CreditEvent(
        account_id=view.account.id, session_id=work.id, project_id=project.id, credits=credits, note=note,
        occurred_at=now, idempotency_key=idempotency_key or None, overdrawn=overdrawn,
    ))
    view.account.last_used_at = now
    work.credits_used += credits
    project.total_credits_used += credits
    session.flush()
    publish(session, events.UsageRecorded(
        credit_event_id=event.id, account_id=view.account.id, session_id=work.id, project_id=project.id,
        credits=credits, overdrawn=overdrawn, occurred_at=now))
    return UsageRecorded(event=event, work_session=work, credits_available=max(0, view.remaining - credits),
                         replayed=False, account_used=view.used + credits, quota=view.quota.credits,
                         threshold=project_threshold(view.quota, project.rotate_threshold_percent),
                         next_reset=view.next_reset)


def _replay(session: Session, earlier: CreditEvent, session_id: int, credits: int,
            note: str | None) -> UsageRecorded:
    if (earlier.session_id, earlier.credits, earlier.note) != (session_id, credits, note):
        raise Conflict(
            "this Idempotency-Key was already used for a different usage record",
            {"credit_event_id": earlier.id},
        )
    work = get_work_session(session, session_id)
    view = describe_account(session, work.account_id, earlier.occurred_at)
    project = get_project(session, work.project_id)
    return UsageRecorded(event=earlier, work_session=work, credits_available=view.remaining, replayed=True,
                         account_used=view.used, quota=view.quota.credits,
                         threshold=project_threshold(view.quota, project.rotate_threshold_percent),
                         next_reset=view.next_reset)


def complete_session(session: Session, session_id: int, *, now: datetime,
                     status: str = SessionStatus.COMPLETED.value, accomplishments: str | None = None,
                     blockers: str | None = None, handoff_notes: str | None = None,
                     duration_minutes: int | None = None, scope: Scope = EVERY_PROJECT) -> SessionOut:
    check_session(session, session_id, scope)
    ending = parse_enum(SessionStatus, status, "status")
    if ending not in ENDING_STATUSES:
        raise InvalidInput("status must be completed, failed or handed_off", {"field": "status"})
    work = get_work_session(session, session_id, for_update=True)
    if work.status != SessionStatus.IN_PROGRESS.value:
        raise Conflict(f"session {session_id} is already {work.status}", {"status": work.status})
    end_session(work, ending, now=now, duration_minutes=duration_minutes)
    for field, value in (("accomplishments", accomplishments), ("blockers", blockers),
                         ("handoff_notes", handoff_notes)):
        if value is not None:
            setattr(work, field, value)
    session.flush()
    publish(session, events.SessionEnded(session_id=work.id, project_id=work.project_id, account_id=work.account_id,
                                         status=work.status))
    return show_session(session, session_id)


def end_session(work: WorkSession, ending: SessionStatus, *, now: datetime,
                duration_minutes: int | None = None) -> None:
    """Close an open session; its account's lease ends with it (status is computed from open sessions)."""
    work.status = ending.value
    work.completed_at = now
    work.duration_minutes = (
        duration_minutes if duration_minutes is not None
        else max(0, int((now - work.started_at).total_seconds() // 60))
    )


def delete_session(session: Session, session_id: int, *, scope: Scope = EVERY_PROJECT) -> None:
    check_session(session, session_id, scope)
    work = lock_session_and_project(session, session_id)
    if store.has_ledger_rows(session, session_id):
        raise Conflict(
            f"session {session_id} has recorded credits; the ledger keeps it",
            {"id": session_id},
        )
    project = get_project(session, work.project_id)
    delete_unless_referenced(session, work, Conflict(
        f"session {session_id} has snapshots, conversation or handoffs referring to it", {"id": session_id}))
    project.total_sessions = max(0, project.total_sessions - 1)
    session.flush()


def open_sessions(session: Session, project_id: int) -> list[WorkSession]:
    """The project's sessions in progress (normally at most one)."""
    return store.open_sessions_of_project(session, project_id)


def session_in_progress(session: Session, project_id: int, *, hint: str = NO_SESSION_HINT) -> WorkSession:
    """The project's session in progress (the newest, when people work in parallel). A project with
    none gives a clear error ending in ``hint``, and a project that does not exist a 404."""
    get_project(session, project_id)
    working = store.open_sessions_of_project(session, project_id)
    if not working:
        raise InvalidInput(f"project {project_id} has no session in progress; {hint}", {"project_id": project_id})
    return max(working, key=lambda work: (work.started_at, work.id))


def in_progress_id(session: Session, project_id: int) -> int:
    """The id of the project's session in progress (for doors: ``session_in_progress`` gives the row)."""
    return session_in_progress(session, project_id).id


def current_account(session: Session, project_id: int) -> int:
    """The account the project works on now: its session in progress's."""
    return session_in_progress(session, project_id,
                               hint="name the current account (--account, current_account_id)").account_id
