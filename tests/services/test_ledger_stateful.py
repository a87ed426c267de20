"""The ledger and the computed figures stay consistent whatever happens, in whatever order.

A hypothesis state machine drives the real services over a real SQLite file (migrated once,
copied per run): usage (also beyond what is left), rotations, platform limit reports, sessions
started and completed, and a clock jumping across resets and a DST change. After every step,
each account's figures are recomputed from the raw ledger and compared with the services'.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from paas.core.errors import Conflict
from paas.core.quotas import WindowKind
from paas.core.types import AccountStatus, AdminState, SessionStatus
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.services.rotation import auto_rotate
from paas.services.selection import report_limit
from paas.store.accounts import quota_of
from paas.store.db import make_engine, upgrade
from paas.store.schema import Account, CreditEvent, Project, WorkSession
from paas.store.unit import run_in_transaction, transaction

_TEMPLATE: dict[str, Path] = {}

ACCOUNTS = [
    {"account_name": "Daily-UTC", "quota": 100},
    {"account_name": "Berlin-Frontend", "quota": 50, "window_reset_at": "09:00", "window_timezone": "Europe/Berlin",
     "specialization": "React"},
    {"account_name": "Rolling", "quota": 30, "window_kind": "rolling", "window_hours": 5},
    {"account_name": "NewYork", "quota": 80, "window_reset_at": "09:00", "window_timezone": "America/New_York",
     "rotate_threshold": 40},
]
PROJECTS = ["Alpha", "Beta"]


def template() -> Path:
    """A migrated SQLite file, built once per test process with the real migrations."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="paas-ledger-template-"))
        path = folder / "template.db"
        upgrade(f"sqlite:///{path}")
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="paas-ledger-"))
        path = self.folder / "paas.db"
        shutil.copyfile(template(), path)
        self.engine = make_engine(f"sqlite:///{path}")
        # Two days before Europe's DST change (2026-03-29): jumps cross it.
        self.now = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
        with transaction(self.engine) as session:
            self.account_ids = [accounts.create_account(session, now=self.now, **fields).id for fields in ACCOUNTS]
            self.project_ids = [projects.create_project(session, name=name, description="Frontend work").id
                                for name in PROJECTS]

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------------

    def open_sessions(self) -> list[WorkSession]:
        with transaction(self.engine, write=False) as session:
            return list(session.scalars(select(WorkSession).where(
                WorkSession.status == SessionStatus.IN_PROGRESS.value).order_by(WorkSession.id)))

    # --- rules ---------------------------------------------------------------------------------

    @rule(project=st.integers(0, len(PROJECTS) - 1), account=st.integers(0, len(ACCOUNTS) - 1))
    def start_session(self, project: int, account: int) -> None:
        try:
            with transaction(self.engine) as session:
                work_sessions.start_session(session, project_id=self.project_ids[project],
                                            account_id=self.account_ids[account], now=self.now)
        except Conflict:
            pass  # leased, exhausted, throttled or disabled: refused, and that is checked below

    @rule(pick=st.integers(0, 10), credits=st.integers(1, 70))
    def record_usage(self, pick: int, credits: int) -> None:
        open_ones = self.open_sessions()
        if not open_ones:
            return
        work = open_ones[pick % len(open_ones)]
        with transaction(self.engine) as session:
            before = accounts.describe_account(session, work.account_id, self.now)
            recorded = work_sessions.record_usage(session, work.id, credits=credits, now=self.now)
        # Never dropped; beyond what was left is flagged.
        assert recorded.credits == credits
        assert recorded.overdrawn == max(0, credits - before.remaining)

    @rule(project=st.integers(0, len(PROJECTS) - 1), fallback=st.integers(0, len(ACCOUNTS) - 1),
          final=st.one_of(st.none(), st.integers(1, 40)))
    def rotate(self, project: int, fallback: int, final: int | None) -> None:
        project_id = self.project_ids[project]
        mine = [work for work in self.open_sessions() if work.project_id == project_id]
        current = mine[0].account_id if mine else self.account_ids[fallback]
        if not mine:
            final = None
        with contextlib.suppress(Conflict):  # NoAccountAvailable (a Conflict) when nobody is free
            run_in_transaction(self.engine, lambda session: auto_rotate(
                session, project_id=project_id, current_account_id=current, now=self.now, final_credits=final))

    @rule(account=st.integers(0, len(ACCOUNTS) - 1),
          reason=st.sampled_from(["window_exhausted", "throttled", "invalid_credentials"]),
          cooldown=st.integers(1, 4 * 3600))
    def report(self, account: int, reason: str, cooldown: int) -> None:
        with transaction(self.engine) as session:
            view = report_limit(session, self.account_ids[account], reason=reason, now=self.now,
                                cooldown_seconds=cooldown if reason == "throttled" else None)
        if reason == "invalid_credentials":
            assert view.status is AccountStatus.DISABLED

    @rule(account=st.integers(0, len(ACCOUNTS) - 1))
    def enable(self, account: int) -> None:
        with transaction(self.engine) as session:
            accounts.update_account(session, self.account_ids[account], {"status": "available"}, now=self.now)

    # Odd minutes: the exact rolling-window boundary has its own test below.
    @rule(hours=st.integers(0, 30), minutes=st.sampled_from([7, 13]))
    def advance(self, hours: int, minutes: int) -> None:
        self.now += timedelta(hours=hours, minutes=minutes)

    @rule(pick=st.integers(0, 10), ending=st.sampled_from(["completed", "failed", "handed_off"]))
    def complete(self, pick: int, ending: str) -> None:
        open_ones = self.open_sessions()
        if not open_ones:
            return
        with transaction(self.engine) as session:
            work_sessions.complete_session(session, open_ones[pick % len(open_ones)].id, now=self.now,
                                           status=ending)

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def figures_match_the_ledger(self) -> None:
        with transaction(self.engine, write=False) as session:
            events = list(session.scalars(select(CreditEvent)))
            open_ones = [work for work in session.scalars(select(WorkSession))
                         if work.status == SessionStatus.IN_PROGRESS.value]
            leased = [work.account_id for work in open_ones]
            assert len(leased) == len(set(leased)), "an account is leased to two sessions"
            for account in session.scalars(select(Account)):
                quota = quota_of(account)
                start = quota.window.start(self.now)
                inside = [event.credits for event in events if event.account_id == account.id and (
                    (start < event.occurred_at if quota.window.kind is WindowKind.ROLLING
                     else start <= event.occurred_at) and event.occurred_at <= self.now)]
                used = sum(inside)
                view = accounts.describe_account(session, account.id, self.now)
                assert view.used == used, (account.account_name, self.now, view.used, used)
                assert view.remaining == max(0, account.quota - used)
                assert view.overdrawn == max(0, used - account.quota)
                disabled = account.admin_state == AdminState.DISABLED.value
                if account.id in leased and not disabled:
                    assert view.status is AccountStatus.ACTIVE
                if disabled:
                    assert view.status is AccountStatus.DISABLED
                if (not disabled and account.id not in leased
                        and (account.throttled_until is None or account.throttled_until <= self.now)
                        and (account.exhausted_until is None or account.exhausted_until <= self.now)
                        and used < account.quota):
                    assert view.status is AccountStatus.AVAILABLE, (account.account_name, view.status)
            for project in session.scalars(select(Project)):
                ledger = sum(event.credits for event in events if event.project_id == project.id)
                assert project.total_credits_used == ledger
            for work in session.scalars(select(WorkSession)):
                assert work.credits_used == sum(event.credits for event in events if event.session_id == work.id)


LedgerMachine.TestCase.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLedgerMachine = LedgerMachine.TestCase


def test_rolling_window_service_agrees_with_core_at_the_boundary() -> None:
    """A spend exactly ``window_hours`` old has left a rolling window: core.used_in_window excludes
    it and next_reset says the credits come back then; describe_account must agree."""
    folder = Path(tempfile.mkdtemp(prefix="paas-rolling-"))
    path = folder / "paas.db"
    shutil.copyfile(template(), path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        now = datetime(2026, 5, 1, 12, tzinfo=UTC)
        with transaction(engine) as session:
            account = accounts.create_account(session, account_name="r", now=now, quota=30, window_kind="rolling",
                                              window_hours=5)
            project = projects.create_project(session, name="p")
            work = work_sessions.start_session(session, project_id=project.id, account_id=account.id, now=now)
            work_sessions.record_usage(session, work.id, credits=30, now=now)
        with transaction(engine, write=False) as session:
            view = accounts.describe_account(session, account.id, now)
            assert (view.used, view.next_reset) == (30, now + timedelta(hours=5))
            back = accounts.describe_account(session, account.id, view.next_reset)
            assert back.used == 0
            assert back.remaining == 30
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)
