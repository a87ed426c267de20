"""`paas statusline`: Claude Code's status line JSON in, the platform's figures stored beside ours,
the facts for one line out.

The account is the one named (``--account``), else the account of the session in progress of
the project linked to the payload's ``cwd``; with neither, the line carries the platform's own
figures and a note, and nothing is stored. The work is a read (which account, our figures, and
whether the readings differ from the last ones); the write happens only when a reading is new,
so the status line, run after every message, takes the write lock about once a minute at most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paas.core.rotation import project_threshold
from paas.core.statusline import LineFacts, StatusInput, read_input
from paas.services import platform_readings, sessions
from paas.services.accounts import describe_account
from paas.services.lookup import account_id as find_account
from paas.services.project_links import project_for_directory
from paas.services.projects import get_project
from paas.store.unit import Transaction


@dataclass(frozen=True)
class _Found:
    facts: LineFacts
    account_id: int | None = None
    write: bool = False  # a reading differs from the last one stored


def _account_of_folder(session: Session, cwd: str | None) -> tuple[int | None, str | None]:
    """The account of the session in progress of the project linked to ``cwd``, or why there is none."""
    if cwd is None:
        return None, "no cwd: paas statusline --account A"
    project_id = project_for_directory(session, cwd)
    if project_id is None:
        return None, "folder not linked (paas projects link)"
    working = sessions.open_sessions(session, project_id)
    if not working:
        return None, "no session in progress"
    return max(working, key=lambda work: (work.started_at, work.id)).account_id, None


def _find(session: Session, given: StatusInput, account: str | None, now: datetime) -> _Found:
    if account is not None and account.strip():
        account_id: int | None = find_account(session, account)
        note = None
    else:
        account_id, note = _account_of_folder(session, given.cwd)
    if account_id is None:
        return _Found(facts=LineFacts(windows=given.windows, note=note))
    view = describe_account(session, account_id, now)
    number = threshold_share = None
    due = False
    if view.leased_session_id is not None:
        work = sessions.get_work_session(session, view.leased_session_id)
        threshold = project_threshold(view.quota, get_project(session, work.project_id).rotate_threshold_percent)
        number, threshold_share, due = work.session_number, threshold * 100 / view.quota.credits, view.used >= threshold
    facts = LineFacts(account_name=view.account.account_name, windows=given.windows,
                      estimated_percentage=platform_readings.used_percentage(view),
                      estimate_window=platform_readings.compared_window(view), session_number=number,
                      threshold_percentage=threshold_share, rotate_due=due)
    write = bool(given.windows) and not platform_readings.unchanged(session, account_id, given.windows, now=now)
    return _Found(facts=facts, account_id=account_id, write=write)


def status_line(read: Transaction, run: Transaction, payload: Mapping[str, Any], *, now: datetime,
                account: str | None = None) -> LineFacts:
    """Read Claude Code's status line ``payload``, store the platform's readings for the account
    (when they are new), and answer what the line says."""
    given = read_input(payload)
    found = read(lambda session: _find(session, given, account, now))
    account_id = found.account_id
    if found.write and account_id is not None:
        run(lambda session: platform_readings.record_readings(session, account_id, given.windows, now=now,
                                                              agent_session=given.session_id))
    return found.facts
