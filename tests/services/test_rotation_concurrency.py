"""Rotations and usage racing in real threads, each in its own transaction, on every backend.

A barrier lines the threads up so their transactions overlap; nothing waits on a timer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from paas.core.errors import Conflict, NoAccountAvailable
from paas.core.types import SessionStatus
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.services.rotation import auto_rotate
from paas.store.schema import CreditEvent, HandoffQueueItem, Project, WorkSession
from paas.store.unit import run_in_transaction, transaction
from tests.services.threads import race


def new_account(engine: Engine, clock: Any, name: str, **fields: Any) -> int:
    with transaction(engine) as session:
        return accounts.create_account(session, account_name=name, now=clock(), **fields).id


def new_project(engine: Engine, name: str) -> int:
    with transaction(engine) as session:
        return projects.create_project(session, name=name).id


def begin(engine: Engine, clock: Any, project_id: int, account_id: int) -> int:
    with transaction(engine) as session:
        return work_sessions.start_session(session, project_id=project_id, account_id=account_id, now=clock()).id


def open_leases_per_account(engine: Engine) -> dict[int, int]:
    with transaction(engine, write=False) as session:
        rows = session.execute(
            select(WorkSession.account_id, func.count())
            .where(WorkSession.status == SessionStatus.IN_PROGRESS.value)
            .group_by(WorkSession.account_id))
        return {int(account_id): int(n) for account_id, n in rows}


def test_simultaneous_rotations_of_one_project_make_one_rotation(engine: Engine, clock: Any) -> None:
    threads = 8
    project_id = new_project(engine, "p")
    current = new_account(engine, clock, "Current")
    for index in range(3):
        new_account(engine, clock, f"Free-{index}")
    first_session = begin(engine, clock, project_id, current)

    def rotate(_: int) -> Any:
        return run_in_transaction(engine, lambda session: auto_rotate(
            session, project_id=project_id, current_account_id=current, now=clock()))

    outcomes = race(threads, rotate)

    wins = [value for kind, value in outcomes if kind == "ok"]
    losses = [value for kind, value in outcomes if kind == "error"]
    assert len(wins) == 1, outcomes
    assert len(losses) == threads - 1
    for problem in losses:
        assert type(problem) is Conflict, repr(problem)
        assert problem.details["current_account_id"] == wins[0].next_view.account.id
    with transaction(engine, write=False) as session:
        all_sessions = list(session.scalars(select(WorkSession).where(WorkSession.project_id == project_id)))
        assert len(all_sessions) == 2
        open_ones = [work for work in all_sessions if work.status == SessionStatus.IN_PROGRESS.value]
        assert [work.id for work in open_ones] == [wins[0].new_session.id]
        assert session.get(WorkSession, first_session).status == SessionStatus.HANDED_OFF.value  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(HandoffQueueItem)) == 1
        assert session.get(Project, project_id).total_sessions == 2  # type: ignore[union-attr]
    assert max(open_leases_per_account(engine).values()) == 1


def test_projects_rotating_at_once_never_share_an_account(engine: Engine, clock: Any) -> None:
    """Six projects, each on an account it has used up, rotate at once over four free accounts:
    four rotations succeed onto four different accounts, two find no account."""
    project_count, free_count = 6, 4
    project_ids, current_ids = [], []
    for index in range(project_count):
        project_id = new_project(engine, f"project-{index}")
        account_id = new_account(engine, clock, f"Current-{index}")
        session_id = begin(engine, clock, project_id, account_id)
        with transaction(engine) as session:
            work_sessions.record_usage(session, session_id, credits=95, now=clock())
        project_ids.append(project_id)
        current_ids.append(account_id)
    free_ids = {new_account(engine, clock, f"Free-{index}") for index in range(free_count)}

    def rotate(index: int) -> Any:
        return run_in_transaction(engine, lambda session: auto_rotate(
            session, project_id=project_ids[index], current_account_id=current_ids[index], now=clock()))

    outcomes = race(project_count, rotate)

    unexpected = [value for kind, value in outcomes if kind == "error" and not isinstance(value, NoAccountAvailable)]
    assert unexpected == [], [repr(problem) for problem in unexpected]
    wins = [value for kind, value in outcomes if kind == "ok"]
    chosen = [result.next_view.account.id for result in wins]
    assert len(chosen) == len(set(chosen))
    assert set(chosen) <= free_ids
    assert len(wins) == free_count
    leases = open_leases_per_account(engine)
    assert max(leases.values()) == 1
    with transaction(engine, write=False) as session:
        open_sessions = session.scalar(select(func.count()).select_from(WorkSession)
                                       .where(WorkSession.status == SessionStatus.IN_PROGRESS.value))
        # Each project still has exactly one open session: the new one, or the old one kept.
        assert open_sessions == project_count
        for project_id in project_ids:
            assert len(work_sessions.open_sessions(session, project_id)) == 1


def test_concurrent_usage_on_one_session_is_never_lost(engine: Engine, clock: Any) -> None:
    threads = 8
    project_id = new_project(engine, "p")
    account_id = new_account(engine, clock, "a", quota=20)
    session_id = begin(engine, clock, project_id, account_id)

    def use(index: int) -> int:
        return run_in_transaction(engine, lambda session: work_sessions.record_usage(
            session, session_id, credits=index + 1, now=clock()).credit_event_id)

    outcomes = race(threads, use)

    assert [kind for kind, _ in outcomes] == ["ok"] * threads, outcomes
    spent = sum(range(1, threads + 1))  # 36, beyond the quota of 20: recorded, not dropped
    with transaction(engine, write=False) as session:
        events = list(session.scalars(select(CreditEvent).where(CreditEvent.session_id == session_id)))
        assert len(events) == threads
        assert sum(event.credits for event in events) == spent
        assert sum(event.overdrawn for event in events) == spent - 20
        assert work_sessions.get_work_session(session, session_id).credits_used == spent
        assert session.get(Project, project_id).total_credits_used == spent  # type: ignore[union-attr]
        view = accounts.describe_account(session, account_id, clock())
        assert (view.used, view.remaining, view.overdrawn) == (spent, 0, spent - 20)
