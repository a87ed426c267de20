"""services.sessions: starting leases the account and numbers sessions per project; completing frees it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.store.schema import ContextSnapshot, WorkSession
from paas.store.unit import transaction

Make = Callable[..., Any]


def test_start_leases_the_account_and_counts_the_session(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any
) -> None:
    project, account = add_project("p"), add_account("a")
    work = start(project.id, account.id, session_type="bugfix", objectives="fix login")
    with transaction(engine, write=False) as session:
        stored = work_sessions.get_work_session(session, work.id)
        assert (stored.status, stored.session_number, stored.session_type, stored.objectives) == (
            "in_progress", 1, "bugfix", "fix login")
        assert stored.started_at == clock()
        view = accounts.describe_account(session, account.id, clock())
        assert (view.status.value, view.leased_session_id) == ("active", work.id)
        assert view.account.last_used_at == clock()
        assert projects.get_project(session, project.id).total_sessions == 1


def test_sessions_are_numbered_per_project(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any
) -> None:
    first, second = add_project("first"), add_project("second")
    a, b, c = add_account("a"), add_account("b"), add_account("c")
    assert start(first.id, a.id).session_number == 1
    assert start(first.id, b.id).session_number == 2
    assert start(second.id, c.id).session_number == 1
    with transaction(engine) as session:
        work_sessions.complete_session(session, 1, now=clock())
    assert start(first.id, a.id).session_number == 3


def test_a_leased_account_cannot_start_another_session(
    engine: Engine, add_project: Make, add_account: Make, start: Make, rows: Callable[[type[Any]], int]
) -> None:
    account = add_account("a")
    work = start(add_project("p").id, account.id)
    with pytest.raises(Conflict, match=f"already leased to session {work.id}"):
        start(add_project("q").id, account.id)
    assert rows(WorkSession) == 1


@pytest.mark.parametrize("status", ["disabled", "blocked", "throttled", "exhausted"])
def test_a_disabled_throttled_or_exhausted_account_cannot_start_a_session(
    engine: Engine, add_project: Make, add_account: Make, start: Make, rows: Callable[[type[Any]], int],
    clock: Any, status: str,
) -> None:
    account = add_account("a")
    with transaction(engine) as session:
        accounts.update_account(session, account.id, {"status": status}, now=clock())
    shown = "disabled" if status == "blocked" else status
    with pytest.raises(Conflict, match=f"account {account.id} is {shown}") as refused:
        start(add_project("p").id, account.id)
    assert refused.value.details["status"] == shown
    assert rows(WorkSession) == 0


def test_an_account_that_used_its_quota_cannot_start_until_its_window_resets(
    add_project: Make, add_account: Make, start: Make, clock: Any, rows: Callable[[type[Any]], int]
) -> None:
    account = add_account("a", credits_available=0)
    project = add_project("p")
    with pytest.raises(Conflict, match="exhausted") as refused:
        start(project.id, account.id)
    assert refused.value.details["next_reset_at"] == "2026-11-26T00:00:00+00:00"
    assert rows(WorkSession) == 0
    clock.now = clock.now.replace(day=26, hour=0, minute=0)
    assert start(project.id, account.id).status == "in_progress"


def test_start_with_unknown_project_account_or_type_fails(add_project: Make, add_account: Make, start: Make) -> None:
    project, account = add_project("p"), add_account("a")
    with pytest.raises(NotFound, match="project 99"):
        start(99, account.id)
    with pytest.raises(NotFound, match="account 99"):
        start(project.id, 99)
    with pytest.raises(InvalidInput, match="session_type"):
        start(project.id, account.id, session_type="party")


def test_complete_frees_the_account_and_computes_the_duration(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any
) -> None:
    account = add_account("a")
    work = start(add_project("p").id, account.id)
    finished = clock() + timedelta(minutes=47, seconds=59)
    with transaction(engine) as session:
        work_sessions.complete_session(session, work.id, now=finished, accomplishments="done", blockers="none")
    with transaction(engine, write=False) as session:
        stored = work_sessions.get_work_session(session, work.id)
        assert (stored.status, stored.duration_minutes, stored.completed_at) == ("completed", 47, finished)
        assert (stored.accomplishments, stored.blockers) == ("done", "none")
        view = accounts.describe_account(session, account.id, finished)
        assert (view.status.value, view.leased_session_id) == ("available", None)


def test_a_given_duration_wins_over_the_clock(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any
) -> None:
    work = start(add_project("p").id, add_account("a").id)
    with transaction(engine) as session:
        done = work_sessions.complete_session(session, work.id, now=clock() + timedelta(hours=3),
                                              status="handed_off", duration_minutes=12)
        assert (done.status, done.duration_minutes) == ("handed_off", 12)


def test_complete_refuses_a_non_ending_status_and_a_closed_session(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any
) -> None:
    work = start(add_project("p").id, add_account("a").id)
    with pytest.raises(InvalidInput, match="completed, failed or handed_off"), transaction(engine) as session:
        work_sessions.complete_session(session, work.id, now=clock(), status="in_progress")
    with transaction(engine) as session:
        work_sessions.complete_session(session, work.id, now=clock(), status="failed")
    with pytest.raises(Conflict, match="already failed"), transaction(engine) as session:
        work_sessions.complete_session(session, work.id, now=clock())


def test_list_joins_names_and_filters(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any
) -> None:
    p, a, b = add_project("p"), add_account("a"), add_account("b")
    start(p.id, a.id)
    clock.now += timedelta(minutes=1)
    start(p.id, b.id)
    with transaction(engine) as session:
        work_sessions.complete_session(session, 1, now=clock())
    with transaction(engine, write=False) as session:
        page = work_sessions.list_sessions(session)
        assert [(w.session_number, w.project_name, w.account_name) for w in page.items] == [(2, "p", "b"),
                                                                                              (1, "p", "a")]
        assert [w.id for w in work_sessions.list_sessions(session, status="completed").items] == [1]
        assert [w.id for w in work_sessions.list_sessions(session, account_id=b.id).items] == [2]
        with pytest.raises(InvalidInput):
            work_sessions.list_sessions(session, status="paused")


def test_update_changes_only_editable_fields(
    engine: Engine, add_project: Make, add_account: Make, start: Make
) -> None:
    work = start(add_project("p").id, add_account("a").id)
    with transaction(engine) as session:
        work_sessions.update_session(session, work.id, {"objectives": "new", "credits_used": 500, "status": "failed"})
    with transaction(engine, write=False) as session:
        stored = work_sessions.get_work_session(session, work.id)
        assert (stored.objectives, stored.credits_used, stored.status) == ("new", 0, "in_progress")


def test_delete_of_an_open_session_frees_the_account_and_the_count(
    engine: Engine, add_project: Make, add_account: Make, start: Make, rows: Callable[[type[Any]], int],
    clock: Any,
) -> None:
    project, account = add_project("p"), add_account("a")
    work = start(project.id, account.id)
    with transaction(engine) as session:
        work_sessions.delete_session(session, work.id)
    assert rows(WorkSession) == 0
    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, account.id, clock())
        assert (view.status.value, view.leased_session_id) == ("available", None)
        assert projects.get_project(session, project.id).total_sessions == 0


def test_delete_of_a_session_with_ledger_rows_is_a_conflict(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any,
    rows: Callable[[type[Any]], int],
) -> None:
    work = start(add_project("p").id, add_account("a").id)
    with transaction(engine) as session:
        work_sessions.record_usage(session, work.id, credits=5, now=clock())
    with pytest.raises(Conflict, match="the ledger keeps it"), transaction(engine) as session:
        work_sessions.delete_session(session, work.id)
    assert rows(WorkSession) == 1


def test_delete_of_a_session_a_snapshot_refers_to_is_a_conflict(
    engine: Engine, add_project: Make, add_account: Make, start: Make, clock: Any,
    rows: Callable[[type[Any]], int],
) -> None:
    project = add_project("p")
    work = start(project.id, add_account("a").id)
    with transaction(engine) as session:
        session.add(ContextSnapshot(project_id=project.id, session_id=work.id, compressed_context="x",
                                    created_at=clock()))
    with pytest.raises(Conflict, match="snapshots"), transaction(engine) as session:
        work_sessions.delete_session(session, work.id)
    assert rows(WorkSession) == 1
    with transaction(engine, write=False) as session:
        assert projects.get_project(session, project.id).total_sessions == 1
