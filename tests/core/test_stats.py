"""core.stats: the dashboard figures are derived from counts and sums, and 'today' starts at UTC midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from paas.core.stats import build_stats, day_start


def stats_from(**overrides: object):
    arguments: dict[str, object] = {
        "projects_by_status": {},
        "accounts_by_status": {},
        "sessions_by_status": {},
        "credits_used_today": 0,
        "credits_used_total": 0,
        "completed_sessions": 0,
        "completed_session_credits": 0,
    }
    arguments.update(overrides)
    return build_stats(**arguments)  # type: ignore[arg-type]


def test_average_is_rounded_to_one_decimal() -> None:
    assert stats_from(completed_sessions=3, completed_session_credits=100).avg_credits_per_completed_session == 33.3
    assert stats_from(completed_sessions=3, completed_session_credits=200).avg_credits_per_completed_session == 66.7
    assert stats_from(completed_sessions=4, completed_session_credits=100).avg_credits_per_completed_session == 25.0


def test_average_is_none_without_completed_sessions() -> None:
    assert stats_from(completed_sessions=0, completed_session_credits=0).avg_credits_per_completed_session is None


def test_missing_statuses_count_zero() -> None:
    stats = stats_from(accounts_by_status={"available": 2})
    assert stats.accounts_by_status == {"available": 2, "active": 0, "exhausted": 0, "throttled": 0, "disabled": 0}
    assert stats.active_projects == 0
    assert stats.sessions_active == 0
    assert stats.sessions_completed == 0
    assert stats.projects_total == 0
    assert stats.sessions_total == 0


def test_totals_and_usable_accounts_are_sums_of_the_counts() -> None:
    stats = stats_from(
        projects_by_status={"active": 3, "archived": 2},
        accounts_by_status={"available": 4, "active": 1, "exhausted": 2, "throttled": 3, "disabled": 1},
        sessions_by_status={"in_progress": 1, "completed": 5, "failed": 2},
        credits_used_today=17,
        credits_used_total=400,
    )
    assert stats.active_projects == 3
    assert stats.projects_total == 5
    assert stats.accounts_total == 11
    assert stats.usable_accounts == 5
    assert stats.sessions_total == 8
    assert stats.sessions_active == 1
    assert stats.sessions_completed == 5
    assert stats.credits_used_today == 17
    assert stats.credits_used_total == 400


def test_day_start_is_midnight_of_the_same_utc_day() -> None:
    now = datetime(2026, 11, 25, 23, 59, 59, 999999, tzinfo=UTC)
    assert day_start(now) == datetime(2026, 11, 25, tzinfo=UTC)
    assert day_start(datetime(2026, 11, 25, tzinfo=UTC)) == datetime(2026, 11, 25, tzinfo=UTC)


def test_day_start_of_a_non_utc_time_is_utc_midnight_of_its_utc_day() -> None:
    # 01:00 at UTC+5 is 20:00 UTC the day before: "today" began at 2026-11-24 00:00 UTC.
    now = datetime(2026, 11, 25, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert day_start(now) == datetime(2026, 11, 24, tzinfo=UTC)


def test_day_start_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        day_start(datetime(2026, 11, 25, 12, 0))
