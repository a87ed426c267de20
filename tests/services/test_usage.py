"""services.sessions.record_usage: every spend is a ledger row, and every figure agrees with the ledger."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from paas.core.errors import Conflict, InvalidInput, NotFound
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.store.schema import CreditEvent
from paas.store.unit import transaction

Make = Callable[..., Any]
fresh_names = itertools.count(1)


def ledger_sum(engine: Engine, **where: int) -> int:
    statement = select(func.coalesce(func.sum(CreditEvent.credits), 0))
    for column, value in where.items():
        statement = statement.where(getattr(CreditEvent, column) == value)
    with transaction(engine, write=False) as session:
        return int(session.scalar(statement) or 0)


@pytest.fixture
def open_session(add_project: Make, add_account: Make, start: Make) -> Callable[..., Any]:
    def make(credits_available: int = 100, quota: int = 100) -> Any:
        number = next(fresh_names)
        account = add_account(f"account {number}", credits_available=credits_available, quota=quota)
        return start(add_project(f"project {number}").id, account.id)

    return make


def record(engine: Engine, clock: Any, session_id: int, credits: int, **extra: Any) -> Any:
    with transaction(engine) as session:
        return work_sessions.record_usage(session, session_id, credits=credits, now=clock(), **extra)


def test_usage_moves_session_account_and_project_together(
    engine: Engine, clock: Any, open_session: Callable[..., Any]
) -> None:
    work = open_session(credits_available=100)
    result = record(engine, clock, work.id, 30, note="first")
    assert (result.replayed, result.account_credits_available, result.session_credits_used) == (False, 70, 30)
    assert (result.credits, result.overdrawn, result.note) == (30, 0, "first")
    assert result.occurred_at == clock()
    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, work.account_id, clock())
        assert (view.used, view.remaining, view.overdrawn) == (30, 70, 0)
        assert view.account.last_used_at == clock()
        assert projects.get_project(session, work.project_id).total_credits_used == 30
        # Credits come back when the daily window turns (midnight UTC by default): nothing is stored to reset.
        tomorrow = accounts.describe_account(session, work.account_id, clock() + timedelta(hours=12))
        assert (tomorrow.used, tomorrow.remaining) == (0, 100)


def test_usage_beyond_what_is_left_is_recorded_and_flagged_overdrawn(
    engine: Engine, clock: Any, open_session: Callable[..., Any]
) -> None:
    work = open_session(credits_available=10)
    first = record(engine, clock, work.id, 25)
    second = record(engine, clock, work.id, 5)
    assert (first.credits, first.overdrawn, first.account_credits_available) == (25, 15, 0)
    assert (second.credits, second.overdrawn, second.account_credits_available) == (5, 5, 0)
    assert ledger_sum(engine, session_id=work.id) == 30
    assert second.session_credits_used == 30
    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, work.account_id, clock())
    # 90 used before it was added + 30 now, against a quota of 100.
    assert (view.used, view.remaining, view.overdrawn, view.status.value) == (120, 0, 20, "active")


@pytest.mark.parametrize("credits", [0, -3])
def test_non_positive_credits_are_invalid_and_nothing_is_written(
    engine: Engine, clock: Any, open_session: Callable[..., Any], rows: Callable[[type[Any]], int], credits: int
) -> None:
    work = open_session()
    with pytest.raises(InvalidInput, match="positive"):
        record(engine, clock, work.id, credits)
    assert rows(CreditEvent) == 0


def test_usage_on_a_closed_or_missing_session_is_refused(
    engine: Engine, clock: Any, open_session: Callable[..., Any], rows: Callable[[type[Any]], int]
) -> None:
    work = open_session()
    with transaction(engine) as session:
        work_sessions.complete_session(session, work.id, now=clock())
    with pytest.raises(Conflict, match="is completed"):
        record(engine, clock, work.id, 5)
    with pytest.raises(NotFound):
        record(engine, clock, 999, 5)
    assert rows(CreditEvent) == 0


def test_same_idempotency_key_replays_the_first_record(
    engine: Engine, clock: Any, open_session: Callable[..., Any], rows: Callable[[type[Any]], int]
) -> None:
    work = open_session(credits_available=100)
    first = record(engine, clock, work.id, 12, note="n", idempotency_key="retry-1")
    again = record(engine, clock, work.id, 12, note="n", idempotency_key="retry-1")
    assert (again.replayed, again.credit_event_id, again.account_credits_available) == (True, first.credit_event_id, 88)
    assert again.session_credits_used == 12
    assert rows(CreditEvent) == 1


@pytest.mark.parametrize("change", [{"credits": 13}, {"note": "other"}, {"session": "other"}])
def test_same_idempotency_key_for_a_different_usage_is_a_conflict(
    engine: Engine, clock: Any, open_session: Callable[..., Any], rows: Callable[[type[Any]], int],
    change: dict[str, Any],
) -> None:
    work, other = open_session(), open_session()
    record(engine, clock, work.id, 12, note="n", idempotency_key="k")
    target = other.id if change.get("session") else work.id
    with pytest.raises(Conflict, match="already used for a different usage"):
        record(engine, clock, target, change.get("credits", 12), note=change.get("note", "n"), idempotency_key="k")
    assert rows(CreditEvent) == 1


def test_an_empty_idempotency_key_is_no_key(
    engine: Engine, clock: Any, open_session: Callable[..., Any], rows: Callable[[type[Any]], int]
) -> None:
    work = open_session()
    record(engine, clock, work.id, 1, idempotency_key="")
    record(engine, clock, work.id, 1, idempotency_key="")
    assert rows(CreditEvent) == 2


usages = st.lists(
    st.tuples(st.integers(min_value=1, max_value=60), st.sampled_from([None, None, "a", "b", "c"])),
    min_size=1, max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quota_and_initial=st.integers(min_value=1, max_value=200).flatmap(
    lambda quota: st.tuples(st.just(quota), st.integers(min_value=1, max_value=quota))), steps=usages)
def test_ledger_invariant_holds_over_any_sequence_of_usages(
    engine: Engine, clock: Any, open_session: Callable[..., Any], quota_and_initial: tuple[int, int],
    steps: list[tuple[int, str | None]],
) -> None:
    # Each example makes its own project, account and session, so examples never share state.
    # (An account with nothing left cannot start a session, so it starts with at least 1 credit.)
    quota, initial = quota_and_initial
    work = open_session(credits_available=initial, quota=quota)
    prefix = f"s{work.id}-"
    by_key: dict[str, int] = {}
    expected_left, expected_events = initial, []
    for credits, key in steps:
        if key is not None and key in by_key and by_key[key] != credits:
            with pytest.raises(Conflict):
                record(engine, clock, work.id, credits, idempotency_key=prefix + key)
            continue
        result = record(engine, clock, work.id, credits, idempotency_key=prefix + key if key else None)
        if key is not None and key in by_key:
            assert result.replayed
            continue
        if key is not None:
            by_key[key] = credits
        assert result.overdrawn == max(0, credits - expected_left)
        expected_left = max(0, expected_left - credits)
        expected_events.append(credits)
        assert result.account_credits_available == expected_left

    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, work.account_id, clock())
        account = view.account
        window_start = view.quota.window.start(clock())
        in_window = int(session.scalar(select(func.coalesce(func.sum(CreditEvent.credits), 0)).where(
            CreditEvent.account_id == account.id, CreditEvent.occurred_at >= window_start,
            CreditEvent.occurred_at <= clock())) or 0)
        project = projects.get_project(session, work.project_id)
        stored = work_sessions.get_work_session(session, work.id)
        overdrawn = session.scalar(select(func.sum(CreditEvent.overdrawn)).where(
            CreditEvent.account_id == account.id)) or 0
        events = session.scalar(select(func.count()).where(CreditEvent.session_id == work.id))
    spent = ledger_sum(engine, session_id=work.id)
    assert events == len(expected_events)
    assert spent == sum(expected_events)
    # The account's figures are the ledger's: used is the window's sum (opening usage included),
    # left is what the quota leaves of it, and what was overdrawn is exactly what went beyond the quota.
    assert in_window == ledger_sum(engine, account_id=account.id) == (quota - initial) + spent
    assert view.used == in_window
    assert view.remaining == max(0, quota - in_window) == expected_left
    assert view.overdrawn == overdrawn == max(0, in_window - quota)
    assert project.total_credits_used == ledger_sum(engine, project_id=project.id) == spent
    assert stored.credits_used == spent
