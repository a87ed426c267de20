"""Usage answers say when rotation is due; a project with auto_rotate rotates on the usage that
makes it due, in the same unit of work; strategies and the hysteresis margin choose the next."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from paas.core.errors import InvalidInput
from paas.core.events import Event, EventBus
from paas.services import usage
from paas.services.rotation import auto_rotate
from paas.store.schema import CreditEvent, HandoffQueueItem, Project, WorkSession
from paas.store.unit import Database, transaction


@pytest.fixture
def database(engine: Engine) -> Database:
    return Database(engine, EventBus())


def set_project(engine: Engine, project_id: int, **fields: Any) -> None:
    with transaction(engine) as session:
        project = session.get(Project, project_id)
        assert project is not None
        for name, value in fields.items():
            setattr(project, name, value)


def report(database: Database, clock: Any, **fields: Any) -> Any:
    return usage.report_usage(database.read, database.run, now=clock(), **fields)


def count(engine: Engine, model: Any) -> int:
    with transaction(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_answer_says_rotate_due_from_the_threshold_on(database: Database, clock: Any, add_project: Any,
                                                         add_account: Any, start: Any) -> None:
    project, account = add_project("p"), add_account("a", quota=100)
    start(project.id, account.id)
    first = report(database, clock, project_id=project.id, credits=89, note="most of it")
    assert (first.rotate_due, first.account_credits_used, first.rotate_threshold, first.account_quota) == (
        False, 89, 90, 100)
    assert first.next_reset_at > clock() and first.rotation is None
    second = report(database, clock, project_id=project.id, credits=2)
    assert (second.rotate_due, second.account_credits_used, second.account_credits_available) == (True, 91, 9)
    assert second.rotation is None  # auto_rotate is off by default: the answer only says so


def test_overdrawn_usage_is_due_and_recorded(database: Database, clock: Any, add_project: Any, add_account: Any,
                                            start: Any, engine: Engine) -> None:
    project, account = add_project("p"), add_account("a", quota=100)
    work = start(project.id, account.id)
    answer = report(database, clock, session_id=work.id, credits=105)
    assert (answer.rotate_due, answer.overdrawn, answer.account_credits_available) == (True, 5, 0)
    assert count(engine, CreditEvent) == 1


def test_a_project_without_a_session_in_progress_is_refused_and_nothing_is_recorded(
        database: Database, clock: Any, add_project: Any, engine: Engine) -> None:
    project = add_project("idle")
    with pytest.raises(InvalidInput, match="no session in progress"):
        report(database, clock, project_id=project.id, credits=3)
    with pytest.raises(InvalidInput, match="one of them"):
        report(database, clock, credits=3)
    assert count(engine, CreditEvent) == 0


def test_auto_rotate_rotates_on_the_usage_that_makes_it_due(database: Database, clock: Any, add_project: Any,
                                                           add_account: Any, start: Any, engine: Engine) -> None:
    heard: list[Event] = []
    database.bus.subscribe(heard.append)
    project, first, second = add_project("p"), add_account("a", quota=100), add_account("b", quota=100)
    set_project(engine, project.id, auto_rotate=True)
    work = start(project.id, first.id)
    below = report(database, clock, project_id=project.id, credits=50)
    assert below.rotation is None and not below.rotate_due
    due = report(database, clock, project_id=project.id, credits=45)
    assert due.rotate_due and due.rotation is not None
    assert due.rotation.next_account.id == second.id
    assert due.rotation.data.ended_session_id == work.id and "AUTO-ROTATION HANDOFF" in due.rotation.briefing
    with transaction(engine, write=False) as session:
        ended = session.get(WorkSession, work.id)
        assert ended is not None and ended.status == "handed_off" and ended.credits_used == 95
        assert session.scalar(select(func.count()).select_from(HandoffQueueItem)) == 1
    assert [event.kind for event in heard][-6:] == ["usage_recorded", "session_ended", "account_state_changed",
                                                    "session_started", "briefing_saved", "project_rotated"]
    after = report(database, clock, project_id=project.id, credits=1)  # the next session's account now
    assert after.account_id == second.id and after.rotation is None


def test_a_due_rotation_with_no_account_free_keeps_the_usage_and_says_why(
        database: Database, clock: Any, add_project: Any, add_account: Any, start: Any, engine: Engine) -> None:
    heard: list[Event] = []
    database.bus.subscribe(heard.append)
    project, only = add_project("p"), add_account("only", quota=100)
    set_project(engine, project.id, auto_rotate=True)
    work = start(project.id, only.id)
    answer = report(database, clock, project_id=project.id, credits=95)
    assert answer.rotate_due and answer.rotation is None
    assert answer.rotation_error is not None and "no account is free" in answer.rotation_error
    assert count(engine, CreditEvent) == 1 and count(engine, HandoffQueueItem) == 0
    with transaction(engine, write=False) as session:
        still = session.get(WorkSession, work.id)
        assert still is not None and (still.status, still.credits_used) == ("in_progress", 95)
    assert [event.kind for event in heard] == ["usage_recorded"]  # the rolled-back rotation told nothing


def test_a_replayed_usage_does_not_rotate_twice(database: Database, clock: Any, add_project: Any, add_account: Any,
                                               start: Any, engine: Engine) -> None:
    project, first = add_project("p"), add_account("a", quota=100)
    add_account("b", quota=100)
    set_project(engine, project.id, auto_rotate=True)
    work = start(project.id, first.id)
    rotated = report(database, clock, session_id=work.id, credits=92, idempotency_key="k")
    again = report(database, clock, session_id=work.id, credits=92, idempotency_key="k")
    assert rotated.rotation is not None and again.replayed and again.rotation is None
    assert count(engine, HandoffQueueItem) == 1 and count(engine, CreditEvent) == 1


def rotate_next(engine: Engine, clock: Any, project_id: int, current: int, **options: Any) -> Any:
    with transaction(engine) as session:
        return auto_rotate(session, project_id=project_id, current_account_id=current, now=clock(), **options)


def test_strategies_choose_the_next_account(engine: Engine, clock: Any, add_project: Any, add_account: Any,
                                            start: Any) -> None:
    project = add_project("p")
    daily = add_account("c-daily", quota=100, credits_available=100)  # resets at midnight UTC
    rolling = add_account("a-rolling", quota=100, window_kind="rolling", window_hours=2)
    current = add_account("b-current", quota=100)
    add_account("d-more", quota=1000)
    start(project.id, current.id)
    set_project(engine, project.id, rotation_strategy="next_available")
    result = rotate_next(engine, clock, project.id, current.id)
    assert result.next_view.account.id == daily.id  # the name after b-current
    assert result.plan.next.reasons[0].startswith("next by name after b-current")
    set_project(engine, project.id, rotation_strategy="use_first_to_reset")
    result = rotate_next(engine, clock, project.id, daily.id)
    assert result.next_view.account.id == rolling.id  # its 2-hour window resets first
    set_project(engine, project.id, rotation_strategy="best")
    result = rotate_next(engine, clock, project.id, rolling.id)
    assert result.next_view.account.account_name == "d-more"  # the ranking (idle longest, never used)


def test_the_margin_keeps_work_off_an_account_just_under_its_threshold(
        engine: Engine, clock: Any, add_project: Any, add_account: Any, start: Any) -> None:
    project = add_project("p")
    current = add_account("current", quota=100)
    nearly = add_account("nearly-due", quota=100, credits_available=12)  # 88 used: 2 below its threshold
    fresh = add_account("fresh", quota=100, credits_available=60)
    start(project.id, current.id)
    chosen = rotate_next(engine, clock, project.id, current.id, specialization="nearly-due", margin_percent=5)
    assert chosen.next_view.account.id == fresh.id
    clock.now += timedelta(minutes=1)
    back = rotate_next(engine, clock, project.id, fresh.id, specialization="nearly-due", margin_percent=0)
    assert back.next_view.account.id == nearly.id  # without the margin the name match wins
