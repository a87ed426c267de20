"""services.stats: the dashboard figures are counted from the rows and summed from the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine

from paas.services import accounts
from paas.services import sessions as work_sessions
from paas.services.stats import compute_stats
from paas.store.unit import transaction

Make = Callable[..., Any]


def stats_at(engine: Engine, now: datetime) -> Any:
    with transaction(engine, write=False) as session:
        return compute_stats(session, now)


def test_an_empty_database_has_zero_figures_and_no_average(engine: Engine, clock: Any) -> None:
    stats = stats_at(engine, clock())
    assert (stats.projects_total, stats.accounts_total, stats.sessions_total) == (0, 0, 0)
    assert (stats.credits_used_today, stats.credits_used_total) == (0, 0)
    assert stats.avg_credits_per_completed_session is None


def test_figures_follow_the_rows_and_the_ledger(
    engine: Engine, clock: Any, add_project: Make, add_account: Make, start: Make
) -> None:
    project = add_project("p")
    add_project("old", status="archived")
    a, b = add_account("a"), add_account("b")
    c = add_account("c")
    add_account("d", credits_available=0)  # 100 credits used before it was added: exhausted by the ledger
    e = add_account("e")
    today = clock()
    with transaction(engine) as session:
        accounts.update_account(session, c.id, {"status": "blocked"}, now=today)
        accounts.update_account(session, e.id, {"status": "throttled"}, now=today)
    yesterday = today - timedelta(days=1)
    clock.now = yesterday
    first = start(project.id, a.id)
    with transaction(engine) as session:
        work_sessions.record_usage(session, first.id, credits=40, now=yesterday)
        work_sessions.complete_session(session, first.id, now=yesterday)
    clock.now = today
    second = start(project.id, b.id)
    third = start(project.id, a.id)
    with transaction(engine) as session:
        work_sessions.record_usage(session, second.id, credits=25, now=today)
        work_sessions.complete_session(session, second.id, now=today)
        work_sessions.record_usage(session, third.id, credits=7, now=today)

    stats = stats_at(engine, today)
    assert (stats.active_projects, stats.projects_total) == (1, 2)
    assert stats.accounts_total == 5
    assert stats.accounts_by_status == {"available": 1, "active": 1, "exhausted": 1, "throttled": 1,
                                        "disabled": 1}
    assert stats.usable_accounts == 2
    assert (stats.sessions_total, stats.sessions_active, stats.sessions_completed) == (3, 1, 2)
    # The opening usage of d (100, recorded today) counts like any other ledger entry.
    assert (stats.credits_used_today, stats.credits_used_total) == (132, 172)
    # Two minutes on, the throttle has passed by itself.
    later = stats_at(engine, today + timedelta(minutes=2))
    assert later.accounts_by_status["throttled"] == 0 and later.accounts_by_status["available"] == 2
    assert stats.avg_credits_per_completed_session == 32.5


def test_today_counts_usage_since_midnight_utc(
    engine: Engine, clock: Any, add_project: Make, add_account: Make, start: Make
) -> None:
    work = start(add_project("p").id, add_account("a").id)
    with transaction(engine) as session:
        for at, credits in ((datetime(2026, 11, 24, 23, 59, 59, tzinfo=UTC), 1),
                            (datetime(2026, 11, 25, 0, 0, tzinfo=UTC), 10),
                            (datetime(2026, 11, 25, 11, 0, tzinfo=UTC), 100)):
            work_sessions.record_usage(session, work.id, credits=credits, now=at)
    assert stats_at(engine, datetime(2026, 11, 25, 12, 0, tzinfo=UTC)).credits_used_today == 110


def test_today_is_the_utc_day_even_when_now_carries_another_offset(
    engine: Engine, add_project: Make, add_account: Make, start: Make
) -> None:
    work = start(add_project("p").id, add_account("a").id)
    with transaction(engine) as session:
        work_sessions.record_usage(session, work.id, credits=5, now=datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    # 2026-11-25 01:00 at UTC+5 is 2026-11-24 20:00 UTC: the 10:00 UTC usage was "today".
    now = datetime(2026, 11, 25, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert stats_at(engine, now).credits_used_today == 5
