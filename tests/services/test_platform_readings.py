"""services.platform_readings: each window the platform reports is stored with our estimate beside the
window closest in length to the account's own; an identical reading under a minute old is not stored
again; the latest per window is what `accounts show` and GET /api/accounts/{id} carry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from paas.core.statusline import WindowReport
from paas.services import accounts, platform_readings, projects, sessions
from paas.store.schema import PlatformReading
from paas.store.unit import transaction


def readings(engine: Engine) -> list[tuple[Any, ...]]:
    with transaction(engine, write=False) as session:
        return [(row.window, row.used_percentage, row.estimated_percentage, row.agent_session) for row in
                session.scalars(select(PlatformReading).order_by(PlatformReading.id))]


def five_hour_account(engine: Engine, now: Any, **fields: Any) -> int:
    """A 5-hour rolling account counting tokens, with 1.9M of its 5M used."""
    with transaction(engine) as session:
        account = accounts.create_account(session, account_name="Claude-Main", platform="claude", quota_unit="tokens",
                                          quota=5_000_000, window_kind="rolling", window_hours=5, now=now, **fields)
        project = projects.create_project(session, name="Shop")
        work = sessions.start_session(session, project_id=project.id, account_id=account.id, now=now)
        sessions.record_usage(session, work.id, credits=1_900_000, now=now)
        return account.id


def test_each_window_is_stored_with_our_estimate_beside_the_closest_one(engine: Engine, clock: Any) -> None:
    account_id = five_hour_account(engine, clock())
    reset = clock() + timedelta(hours=2)
    reported = (WindowReport("five_hour", 42.0, reset), WindowReport("seven_day", 61.0, None))
    with transaction(engine) as session:
        latest = platform_readings.record_readings(session, account_id, reported, now=clock(), agent_session="s-1")
    assert readings(engine) == [("five_hour", 42.0, 38.0, "s-1"), ("seven_day", 61.0, None, "s-1")]
    assert latest["five_hour"].model_dump() == {"used_percentage": 42.0, "resets_at": reset,
                                                "estimated_percentage": 38.0, "read_at": clock()}
    with transaction(engine, write=False) as session:
        assert platform_readings.latest_readings(session, account_id) == latest
        shown = accounts.show_account(session, account_id, clock())
    assert shown.platform_readings == latest and shown.quota_unit == "tokens"


def test_a_weekly_account_is_compared_with_the_seven_day_window(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        weekly = accounts.create_account(session, account_name="Max", quota=1000, window_kind="rolling",
                                         window_hours=168, credits_available=750, now=clock())
        platform_readings.record_readings(session, weekly.id, (WindowReport("five_hour", 10.0, None),
                                                               WindowReport("seven_day", 30.0, None)), now=clock())
    assert [(window, estimate) for window, _, estimate, _ in readings(engine)] == [
        ("five_hour", None), ("seven_day", 25.0)]


def test_an_identical_reading_under_a_minute_old_is_not_stored_again(engine: Engine, clock: Any) -> None:
    account_id = five_hour_account(engine, clock())
    same = (WindowReport("five_hour", 42.0, None),)

    def record(after: timedelta, reports: tuple[WindowReport, ...] = same) -> bool:
        with transaction(engine) as session:
            quiet = platform_readings.unchanged(session, account_id, reports, now=clock() + after)
            platform_readings.record_readings(session, account_id, reports, now=clock() + after)
            return quiet

    assert record(timedelta(0)) is False
    assert record(timedelta(seconds=30)) is True  # the status line after the next message: nothing new
    assert record(timedelta(seconds=59)) is True
    assert record(timedelta(seconds=61)) is False  # a minute on: stored again (the reading still holds)
    assert record(timedelta(seconds=70), (WindowReport("five_hour", 43.0, None),)) is False  # it moved
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(PlatformReading)) == 3
        latest = platform_readings.latest_readings(session, account_id)["five_hour"]
    assert (latest.used_percentage, latest.read_at) == (43.0, clock() + timedelta(seconds=70))


def test_our_estimate_moving_is_a_new_reading(engine: Engine, clock: Any) -> None:
    account_id = five_hour_account(engine, clock())
    same = (WindowReport("five_hour", 42.0, None),)
    with transaction(engine) as session:
        platform_readings.record_readings(session, account_id, same, now=clock())
        work = sessions.list_sessions(session, status="in_progress").items[0]
        sessions.record_usage(session, work.id, credits=100_000, now=clock())
        assert not platform_readings.unchanged(session, account_id, same, now=clock())
        platform_readings.record_readings(session, account_id, same, now=clock())
    assert [estimate for _, _, estimate, _ in readings(engine)] == [38.0, 40.0]


def test_an_account_never_read_has_no_readings(engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        account = accounts.create_account(session, account_name="Quiet", now=clock())
        assert platform_readings.latest_readings(session, account.id) == {}
        assert accounts.show_account(session, account.id, clock()).platform_readings == {}
