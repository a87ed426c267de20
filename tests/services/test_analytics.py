"""services.analytics.analyze_credits on a real database: the demo's numbers by hand, the window
on a fixed clock, the per-account table, the histogram, credits left at rotation, handoffs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import InvalidInput, NotFound
from paas.services import demo
from paas.services import sessions as work_sessions
from paas.services.analytics import CreditAnalysis, analyze_credits
from paas.store.unit import transaction
from tests.conftest import FrozenClock

Make = Callable[..., Any]


def analyze(engine: Engine, now: Any, **options: Any) -> CreditAnalysis:
    with transaction(engine, write=False) as session:
        return analyze_credits(session, now=now, **options)


@pytest.fixture
def demo_data(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        demo.load_demo(session, clock())


def test_demo_project_one_matches_the_hand_computation(engine: Engine, clock: Any, demo_data: None) -> None:
    result = analyze(engine, clock(), project_id=1)
    # Sessions 88, 92, 85, 72: 337 credits, 337 / 4 = 84.25, in [75, 85): good.
    assert (result.total_sessions, result.total_credits, result.avg_credits_per_session) == (4, 337, 84.25)
    assert (result.min_credits, result.max_credits) == (72, 92)
    assert result.efficiency_score == result.efficiency == "good"
    assert any("at 72 credits on GenSpark-DevOps, left 18 credits unused" in line for line in result.recommendations)
    assert result.recommendations[0].startswith("Sessions end at 84.25 credits on average: about 6 credits a session")
    spent = {day.date.isoformat(): day.credits for day in result.credits_per_day if day.credits}
    assert spent == {"2026-11-19": 88, "2026-11-20": 92, "2026-11-21": 85, "2026-11-22": 72}
    assert len(result.credits_per_day) == 31 and result.credits_per_day[-1].date.isoformat() == "2026-11-25"


def test_the_original_shape_is_kept(engine: Engine, clock: Any, demo_data: None) -> None:
    data = analyze(engine, clock()).model_dump(mode="json")
    assert list(data)[:7] == ["total_sessions", "total_credits", "avg_credits_per_session", "min_credits",
                              "max_credits", "efficiency_score", "recommendations"]
    assert isinstance(data["efficiency_score"], str) and isinstance(data["recommendations"], list)
    assert data["histogram"][0] == {"from": 0, "to": 10, "sessions": 0}


def test_all_projects_and_the_per_account_table(engine: Engine, clock: Any, demo_data: None) -> None:
    result = analyze(engine, clock())
    # 88 + 92 + 85 + 72 + 95 + 88 + 82 = 602 over 7 sessions = 86: optimal.
    assert (result.total_sessions, result.total_credits, result.avg_credits_per_session) == (7, 602, 86.0)
    assert (result.min_credits, result.max_credits, result.efficiency) == (72, 95, "optimal")
    table = {row.account_name: (row.sessions, row.credits, row.average, row.efficiency, row.times_exhausted)
             for row in result.accounts}
    assert table == {
        "GenSpark-Main": (2, 183, 91.5, "optimal", 1),  # 88 and 95; 95 reached the threshold of 90
        "GenSpark-Frontend": (2, 174, 87.0, "optimal", 1),  # 92 and 82
        "GenSpark-Backend": (1, 85, 85.0, "optimal", 0),
        "GenSpark-Database": (1, 88, 88.0, "optimal", 0),
        "GenSpark-DevOps": (1, 72, 72.0, "needs_improvement", 0),
    }
    assert [row.account_name for row in result.accounts] == sorted(table)


def test_histogram_counts_sessions_per_ten_points_of_the_quota(engine: Engine, clock: Any, demo_data: None) -> None:
    bins = {(row.from_, row.to): row.sessions for row in analyze(engine, clock()).histogram}
    assert bins[(70, 80)] == 1 and bins[(80, 90)] == 4 and bins[(90, 100)] == 2  # 72 | 82 85 88 88 | 92 95
    assert sum(bins.values()) == 7 and bins[(100, None)] == 0


def test_project_filter(engine: Engine, clock: Any, demo_data: None) -> None:
    result = analyze(engine, clock(), project_id=2)
    assert (result.total_sessions, result.total_credits, result.min_credits, result.max_credits) == (2, 183, 88, 95)
    assert result.project_id == 2
    assert analyze(engine, clock(), project_id=4).total_sessions == 0


def test_the_window_follows_the_clock(engine: Engine, clock: Any, demo_data: None) -> None:
    now = clock()
    # Project 1's sessions finished 6, 5, 4 and 3 days before now; the window's start is included.
    assert analyze(engine, now, project_id=1, days=4).total_sessions == 2
    assert analyze(engine, now, project_id=1, days=3).total_credits == 72
    # Four days earlier, the last one had not happened yet; ten days later, none is in a 5-day window.
    earlier = analyze(engine, now - timedelta(days=4), project_id=1)
    assert (earlier.total_sessions, earlier.total_credits) == (3, 265)
    later = analyze(engine, now + timedelta(days=10), project_id=1, days=5)
    assert (later.total_sessions, later.avg_credits_per_session, later.efficiency_score) == (0, None, None)
    assert later.recommendations == [
        "No finished sessions in the last 5 days: finish one (or look further back) to see a pattern."]


def test_unused_at_rotation_and_handoffs(engine: Engine, clock: FrozenClock, add_project: Make,
                                         add_account: Make) -> None:
    project = add_project("Shop")
    first = add_account("first", quota=200, rotate_threshold=150)
    second = add_account("second")  # quota 100, threshold 90
    start_at = clock()
    plan = [(first.id, 120, "handed_off", 0), (second.id, 70, "handed_off", 30), (first.id, 160, "completed", 40),
            (second.id, 20, "failed", 41)]
    for account_id, credits, status, hours in plan:
        clock.now = start_at + timedelta(hours=hours)
        with transaction(engine) as session:
            work = work_sessions.start_session(session, project_id=project.id, account_id=account_id, now=clock())
            work_sessions.record_usage(session, work.id, credits=credits, now=clock())
            work_sessions.complete_session(session, work.id, now=clock() + timedelta(hours=1), status=status)
    result = analyze(engine, clock() + timedelta(hours=2), project_id=project.id)
    # The failed session is not counted; two handoffs, 30 hours apart.
    assert (result.total_sessions, result.total_credits) == (3, 350)
    assert result.handoffs.model_dump() == {"count": 2, "avg_hours_between": 30.0}
    # Left below the threshold: 150 - 120 = 30 and 90 - 70 = 20; below the quota: 80 and 30.
    assert result.unused_at_rotation.model_dump() == {"handoffs": 2, "credits_left_to_threshold": 50,
                                                      "credits_left_to_quota": 110, "average_left_to_threshold": 25.0}
    # Shares of the quota: 60%, 70%, 80%: the average is 70%, whatever the raw credits (116.67).
    assert (result.avg_credits_per_session, result.avg_quota_percent, result.efficiency) == (
        116.67, 70.0, "needs_improvement")
    table = {row.account_name: (row.quota, row.threshold, row.sessions, row.average, row.times_exhausted)
             for row in result.accounts}
    assert table == {"first": (200, 150, 2, 140.0, 1), "second": (100, 90, 1, 70.0, 0)}
    assert ("2 handoffs left 50 credits unused below the rotate threshold (25 a handoff): hand off at the "
            "threshold, not before.") in result.recommendations


def test_units_are_never_added_together(engine: Engine, clock: FrozenClock, add_project: Make,
                                        add_account: Make) -> None:
    project = add_project("Shop")
    credits = add_account("credits")  # quota 100
    dollars = add_account("dollars", quota=2000, quota_unit="usd")  # $20.00 in cents
    start_at = clock()
    for hours, (account_id, spent) in enumerate([(credits.id, 80), (dollars.id, 1300), (credits.id, 90)]):
        clock.now = start_at + timedelta(hours=hours)
        with transaction(engine) as session:
            work = work_sessions.start_session(session, project_id=project.id, account_id=account_id, now=clock())
            work_sessions.record_usage(session, work.id, credits=spent, now=clock())
            work_sessions.complete_session(session, work.id, now=clock() + timedelta(minutes=30))
    later = clock() + timedelta(hours=1)
    default = analyze(engine, later)
    assert (default.unit, default.total_sessions, default.total_credits, default.max_credits) == ("credits", 2, 170, 90)
    assert sum(day.credits for day in default.credits_per_day) == 170  # the ledger, in credits only
    assert [row.account_name for row in default.accounts] == ["credits"]
    cents = analyze(engine, later, unit="usd")
    assert (cents.unit, cents.total_sessions, cents.total_credits, cents.avg_quota_percent) == ("usd", 1, 1300, 65.0)
    assert sum(day.credits for day in cents.credits_per_day) == 1300


def test_unknown_project_and_days_out_of_range(engine: Engine, clock: Any, demo_data: None) -> None:
    with pytest.raises(NotFound, match="project 99 does not exist"):
        analyze(engine, clock(), project_id=99)
    for days in (0, 3651):
        with pytest.raises(InvalidInput, match="days must be a whole number from 1 to 3650"):
            analyze(engine, clock(), days=days)
    assert analyze(engine, clock(), days=3650).total_sessions == 7
