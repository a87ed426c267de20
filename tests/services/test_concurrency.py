"""Real concurrency on both backends: threads, each in its own transaction, racing for the same rows.

A barrier lines the threads up so their transactions overlap; no test waits on a timer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select

from paas.core.errors import Conflict
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.store.schema import CreditEvent, WorkSession
from paas.store.unit import transaction
from tests.services import threads

THREADS = 8
Make = Callable[..., Any]


def race(work: Callable[[int], Any]) -> list[tuple[str, Any]]:
    """Run ``work(i)`` in THREADS threads at once (see tests.services.threads.race)."""
    return threads.race(THREADS, work)


def errors_of(outcomes: list[tuple[str, Any]]) -> list[Any]:
    return [value for kind, value in outcomes if kind == "error"]


def test_concurrent_usage_on_one_session_loses_nothing(
    engine: Engine, clock: Any, add_project: Make, add_account: Make, start: Make
) -> None:
    work = start(add_project("p").id, add_account("a", quota=1000).id)

    def use(index: int) -> int:
        with transaction(engine) as session:
            return work_sessions.record_usage(session, work.id, credits=index + 1, now=clock()).credit_event_id

    outcomes = race(use)
    assert errors_of(outcomes) == []
    spent = sum(range(1, THREADS + 1))
    with transaction(engine, write=False) as session:
        events = session.scalar(select(func.count()).where(CreditEvent.session_id == work.id))
        ledger = session.scalar(select(func.sum(CreditEvent.credits)).where(CreditEvent.session_id == work.id))
        assert (events, ledger) == (THREADS, spent)
        assert work_sessions.get_work_session(session, work.id).credits_used == spent
        view = accounts.describe_account(session, work.account_id, clock())
        assert (view.used, view.remaining, view.overdrawn) == (spent, 1000 - spent, 0)
        assert projects.get_project(session, work.project_id).total_credits_used == spent


def test_concurrent_retries_with_one_idempotency_key_record_once(
    engine: Engine, clock: Any, add_project: Make, add_account: Make, start: Make
) -> None:
    work = start(add_project("p").id, add_account("a").id)

    def retry(_: int) -> bool:
        with transaction(engine) as session:
            return work_sessions.record_usage(session, work.id, credits=9, now=clock(),
                                              idempotency_key="same-request").replayed

    outcomes = race(retry)
    assert [repr(problem) for problem in errors_of(outcomes)] == []
    assert sorted(value for _, value in outcomes) == [False] + [True] * (THREADS - 1)
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CreditEvent)) == 1
        assert work_sessions.get_work_session(session, work.id).credits_used == 9


def test_concurrent_starts_on_one_account_lease_it_once(
    engine: Engine, clock: Any, add_project: Make, add_account: Make
) -> None:
    account = add_account("a")
    project_ids = [add_project(f"p{index}").id for index in range(THREADS)]

    def lease(index: int) -> int:
        with transaction(engine) as session:
            return work_sessions.start_session(session, project_id=project_ids[index], account_id=account.id,
                                               now=clock()).id

    outcomes = race(lease)
    started = [value for kind, value in outcomes if kind == "ok"]
    refused = errors_of(outcomes)
    assert len(started) == 1
    assert [type(problem).__name__ for problem in refused] == ["Conflict"] * (THREADS - 1)
    assert all(isinstance(problem, Conflict) and "already leased" in problem.message for problem in refused)
    with transaction(engine, write=False) as session:
        assert session.scalars(select(WorkSession.id)).all() == started
        assert sum(projects.get_project(session, pid).total_sessions for pid in project_ids) == 1


def test_concurrent_starts_on_one_project_take_consecutive_numbers(
    engine: Engine, clock: Any, add_project: Make, add_account: Make
) -> None:
    project = add_project("p")
    account_ids = [add_account(f"a{index}").id for index in range(THREADS)]

    def begin(index: int) -> int:
        with transaction(engine) as session:
            return work_sessions.start_session(session, project_id=project.id, account_id=account_ids[index],
                                               now=clock()).session_number

    outcomes = race(begin)
    assert errors_of(outcomes) == []
    assert sorted(value for _, value in outcomes) == list(range(1, THREADS + 1))
    with transaction(engine, write=False) as session:
        assert projects.get_project(session, project.id).total_sessions == THREADS
        views = [accounts.describe_account(session, aid, clock()) for aid in account_ids]
        assert {view.status.value for view in views} == {"active"}
        assert all(view.leased_session_id is not None for view in views)
