"""Forecasts (core.forecasting, core.pool_simulation): plain values, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from paas.core.forecasting import (
    AccountInput,
    SessionInput,
    burn_rate,
    forecast,
    forecast_account,
    forecast_session,
    pace,
    reaches_level_at,
    runs_out_before_reset_within,
    spends_in_rate,
)
from paas.core.pool_simulation import simulate_pool, tomorrow_start
from paas.core.quotas import QuotaWindow, WindowKind
from paas.core.types import AccountStatus

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
DAILY = QuotaWindow()
FIVE_HOURS = QuotaWindow(kind=WindowKind.ROLLING, hours=5)


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def stream(per_hour: float, hours: float, *, end: datetime = NOW, credits: int = 1) -> tuple[tuple[datetime, int], ...]:
    """``credits`` at a time, ``per_hour`` an hour on average, for ``hours`` up to ``end`` (mid-interval)."""
    count = int(per_hour * hours / credits)
    gap = timedelta(hours=hours) / count
    return tuple((end - gap * (index + 0.5), credits) for index in range(count))


def account(account_id: int = 1, *, used: int = 0, quota: int = 100, window: QuotaWindow = DAILY,
            resets_at: datetime = MIDNIGHT, recent: tuple[tuple[datetime, int], ...] = (),
            status: AccountStatus = AccountStatus.AVAILABLE, unit: str = "credits",
            in_use_since: datetime | None = None) -> AccountInput:
    return AccountInput(account_id=account_id, name=f"acct-{account_id}", unit=unit, quota=quota, used=used,
                        window=window, resets_at=resets_at, status=status, recent=recent,
                        in_use_since=in_use_since)


def close(moment: datetime | None, expected: datetime, minutes: float = 3) -> bool:
    return moment is not None and abs((moment - expected).total_seconds()) <= minutes * 60


# --- burn rate ---------------------------------------------------------------------------------


def test_no_usage_burns_nothing() -> None:
    assert burn_rate([], NOW) == 0.0
    assert burn_rate([], NOW, since=NOW) == 0.0  # a session started this instant: no division by zero


def test_a_steady_stream_gives_its_own_rate() -> None:
    assert burn_rate(stream(60, 6), NOW) == pytest.approx(60, rel=0.01)
    assert burn_rate(stream(12, 6, credits=3), NOW) == pytest.approx(12, rel=0.02)


def test_recent_spends_weigh_more_than_old_ones_and_old_ones_not_at_all() -> None:
    recent = burn_rate([(NOW - timedelta(minutes=5), 30)], NOW)
    old = burn_rate([(NOW - timedelta(hours=4), 30)], NOW)
    assert recent / old == pytest.approx(2 ** ((240 - 5) / 60))  # a one-hour half-life
    assert burn_rate([(NOW - timedelta(hours=6, minutes=1), 500)], NOW) == 0.0
    assert burn_rate([(NOW + timedelta(minutes=1), 500)], NOW) == 0.0  # after now: not yet spent


def test_a_session_rate_is_measured_since_it_started() -> None:
    spends = stream(60, 0.5)  # 30 credits in the last half hour after hours of nothing
    assert burn_rate(spends, NOW, since=NOW - timedelta(minutes=30)) == pytest.approx(60, rel=0.02)
    assert burn_rate(spends, NOW) < 25  # diluted by the idle hours
    # A session a minute old is read over at least ten minutes.
    assert burn_rate([(NOW - timedelta(seconds=30), 5)], NOW, since=NOW - timedelta(minutes=1)) < 35


# --- pace --------------------------------------------------------------------------------------


def test_pace_is_the_used_share_over_the_elapsed_share() -> None:
    assert pace(60, 100, DAILY, MIDNIGHT, NOW) == pytest.approx(1.2)  # half the day, 60% used: ahead
    assert pace(25, 100, DAILY, MIDNIGHT, NOW) == pytest.approx(0.5)
    assert pace(0, 100, DAILY, MIDNIGHT, NOW) == 0.0
    assert pace(5, 100, DAILY, MIDNIGHT + timedelta(days=1), MIDNIGHT) is None  # the window began this instant


def test_pace_of_a_rolling_window_reads_it_from_its_oldest_spend() -> None:
    # Oldest spend at 10:00: the window "began" then and turns at 15:00; 2 of 5 hours gone, 20% used.
    assert pace(20, 100, FIVE_HOURS, at(15), NOW) == pytest.approx(0.5)


def test_pace_in_a_local_window_across_a_dst_day_uses_its_real_length() -> None:
    window = QuotaWindow(reset_at=time(0, 0), timezone="Europe/Berlin")
    now = datetime(2026, 10, 25, 11, 0, tzinfo=UTC)  # the 25-hour day: 00:00 CEST = 22:00 UTC on the 24th
    resets = window.next_reset(now)
    assert resets - window.start(now) == timedelta(hours=25)
    assert pace(50, 100, window, resets, now) == pytest.approx(0.5 / (13 / 25))


# --- run-out and the next reset ----------------------------------------------------------------


def test_run_out_before_the_reset_and_the_alert_rule() -> None:
    burning = account(used=50, recent=stream(10, 6))
    found = forecast_account(burning, NOW)
    assert found.burn_rate_per_hour == pytest.approx(10, rel=0.02)
    assert close(found.runs_out_at, at(17))
    assert found.runs_out_before_reset is True
    assert runs_out_before_reset_within(found, NOW, timedelta(hours=6)) is True
    assert runs_out_before_reset_within(found, NOW, timedelta(hours=4)) is False


def test_run_out_after_the_reset_counts_the_window_that_comes_back() -> None:
    # 70 left at 5 an hour would take 14 h; the reset at midnight comes first, then 100 at 5 = 20 h.
    assert reaches_level_at(100, 30, 5.0, NOW, DAILY, MIDNIGHT) == at(20, day=26)
    slow = forecast_account(account(used=30, recent=stream(5, 6)), NOW)
    assert slow.runs_out_at is not None and slow.runs_out_at > MIDNIGHT
    assert slow.runs_out_before_reset is False
    assert runs_out_before_reset_within(slow, NOW, timedelta(hours=48)) is False
    # 4 an hour never spends 100 in one day: no run-out at all.
    assert reaches_level_at(100, 50, 4.0, NOW, DAILY, MIDNIGHT) is None


def test_rolling_windows_give_spends_back_one_by_one_unlike_daily_ones() -> None:
    spends = [(at(8), 40), (at(11), 30)]  # a 5-hour window at noon: both inside, the first leaves at 13:00
    # 25 an hour: 70 -> 95 by 13:00, 40 leaves (55), then 100 at 14:48.
    assert reaches_level_at(100, 70, 25.0, NOW, FIVE_HOURS, at(13), spends) == at(14, 48)
    # A daily window with the same figures runs out at 13:12, nothing coming back before midnight.
    assert reaches_level_at(100, 70, 25.0, NOW, DAILY, MIDNIGHT) == at(13, 12)
    # 10 an hour: a 5-hour window never holds more than 50 of new spends, so never 100.
    assert reaches_level_at(100, 70, 10.0, NOW, FIVE_HOURS, at(13), spends) is None


def test_exhausted_disabled_and_idle_accounts() -> None:
    reported = forecast_account(account(used=40, status=AccountStatus.EXHAUSTED), NOW)
    assert (reported.remaining, reported.runs_out_at) == (0, NOW)
    disabled = forecast_account(account(used=10, status=AccountStatus.DISABLED, recent=stream(10, 2)), NOW)
    assert (disabled.remaining, disabled.runs_out_at, disabled.runs_out_before_reset) == (0, None, False)
    idle = forecast_account(account(used=20), NOW)
    assert (idle.burn_rate_per_hour, idle.runs_out_at, idle.runs_out_before_reset) == (0.0, None, False)


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_reaches_its_threshold_at_its_account_rate_since_it_started() -> None:
    started = at(11)
    held = account(used=60, recent=stream(30, 1), in_use_since=started)
    work = SessionInput(session_id=7, project_id=3, account_id=1, session_used=30, threshold=90, started_at=started)
    found = forecast_session(work, held, NOW)
    assert found.burn_rate_per_hour == pytest.approx(30, rel=0.03)
    assert close(found.reaches_threshold_at, at(13))
    assert (found.account_used, found.session_used, found.threshold) == (60, 30, 90)
    due = forecast_session(SessionInput(8, 3, 1, 30, 50, started), held, NOW)
    assert due.reaches_threshold_at == NOW  # already past it


# --- the pool ----------------------------------------------------------------------------------


def rates_of(*members: AccountInput) -> dict[int, float]:
    return {member.account_id: forecast_account(member, NOW).burn_rate_per_hour for member in members}


def test_the_pool_runs_dry_today_when_no_reset_comes_in_time() -> None:
    busy = account(1, used=80, recent=stream(10, 6))  # 20 left at 10 an hour: empty at 14:00
    spent = account(2, used=100, window=QuotaWindow(reset_at=time(18, 0)), resets_at=at(18))
    pool, _ = simulate_pool([busy, spent], rates_of(busy, spent), NOW)
    assert pool.burn_rate_per_hour == pytest.approx(10, rel=0.02)
    assert close(pool.runs_dry_at, at(14))
    assert pool.credits_left == 20


def test_the_work_rotates_to_the_free_account_with_the_most_credits_left() -> None:
    busy = account(1, used=80, recent=stream(10, 6))  # 20 left at 10 an hour: empty at 14:00
    small = account(2, used=70, window=QuotaWindow(reset_at=time(6, 0)), resets_at=at(6, day=26))
    large = account(3, used=50, window=QuotaWindow(reset_at=time(6, 0)), resets_at=at(6, day=26))
    pool, tomorrow = simulate_pool([busy, small, large], rates_of(busy, small, large), NOW)
    # 14:00 -> the 50 of account 3 (19:00) -> the 30 of account 2 (22:00): dry, nothing resets before 06:00.
    assert close(pool.runs_dry_at, at(22), minutes=15)
    assert tomorrow == {1: 100, 2: 0, 3: 0}  # account 1 is full again at midnight; 2 and 3 were spent


def test_a_reset_mid_simulation_returns_the_quota_and_the_work_moves_there() -> None:
    busy = account(1, used=80, recent=stream(10, 6))
    spent = account(2, used=100, window=QuotaWindow(reset_at=time(13, 0)), resets_at=at(13))
    pool, tomorrow = simulate_pool([busy, spent], rates_of(busy, spent), NOW)
    # busy is empty at 14:00; spent has its 100 back since 13:00 and lasts 10 h: 00:00, when busy resets.
    assert pool.runs_dry_at is None or pool.runs_dry_at >= at(23, 50)
    assert tomorrow[1] == 100  # busy reset at midnight (UTC), nothing spent from it yet
    assert tomorrow[2] <= 1


def test_credits_tomorrow_count_each_accounts_own_reset() -> None:
    utc_midnight = account(1, used=70)
    later = account(2, used=70, window=QuotaWindow(reset_at=time(6, 0)), resets_at=at(6, day=26))
    new_york = QuotaWindow(reset_at=time(0, 0), timezone="America/New_York")  # 05:00 UTC
    east = account(3, used=10, window=new_york, resets_at=new_york.next_reset(NOW))
    pool, tomorrow = simulate_pool([utc_midnight, later, east], rates_of(utc_midnight, later, east), NOW)
    assert tomorrow == {1: 100, 2: 30, 3: 90}
    assert pool.credits_tomorrow == 220 and pool.runs_dry_at is None and pool.burn_rate_per_hour == 0.0
    assert pool.tomorrow_starts_at == MIDNIGHT == tomorrow_start(NOW)


def test_burn_before_midnight_comes_off_tomorrows_credits() -> None:
    # 50 left, resets at 06:00 UTC, 2 an hour: 12 h to midnight leaves about 26.
    slow = account(1, used=50, window=QuotaWindow(reset_at=time(6, 0)), resets_at=at(6, day=26),
                   recent=stream(2, 6, credits=1))
    _, tomorrow = simulate_pool([slow], rates_of(slow), NOW)
    assert tomorrow[1] == pytest.approx(26, abs=1)


def test_sessions_in_progress_set_the_pool_rate_when_the_ledger_stream_would_dilute_it() -> None:
    started = NOW - timedelta(hours=1)
    working = account(1, used=60, recent=stream(60, 1), in_use_since=started)  # 60 an hour, since 11:00
    pool, _ = simulate_pool([working], rates_of(working), NOW)
    assert burn_rate(working.recent, NOW) < 45  # the ledger's six hours, five of them quiet
    assert pool.burn_rate_per_hour == pytest.approx(60, rel=0.03)
    assert close(pool.runs_dry_at, NOW + timedelta(minutes=40))


def test_a_rolling_account_in_the_pool_gets_its_spends_back() -> None:
    spends = ((at(8), 40), (at(11), 30))
    rolling = account(1, used=70, window=FIVE_HOURS, resets_at=at(13), recent=spends)
    pool, tomorrow = simulate_pool([rolling], rates_of(rolling), NOW)
    rate = pool.burn_rate_per_hour
    assert rate == pytest.approx((40 * 2 ** -4 + 30 * 2 ** -1) / (1.4427 * (1 - 2 ** -6)), rel=0.01)
    # Only 30 were left, but 40 come back at 13:00, 30 at 16:00 and every simulated spend 5 h after it
    # was made: the window settles at 5 h of spend, so the pool never runs dry and has 100 - 5 × rate.
    assert pool.runs_dry_at is None
    assert tomorrow[1] == pytest.approx(100 - 5 * rate, abs=1.5)


def test_disabled_accounts_hold_nothing_and_units_are_separate_pools() -> None:
    members = [account(1, used=10), account(2, used=0, status=AccountStatus.DISABLED),
               account(3, used=500, quota=1000, unit="tokens")]
    answer = forecast(members, [], NOW)
    by_unit = {pool.unit: pool for pool in answer.pools}
    assert set(by_unit) == {"credits", "tokens"}
    assert (by_unit["credits"].credits_left, by_unit["credits"].accounts) == (90, 2)
    assert by_unit["tokens"].credits_left == 500
    assert [single.credits_tomorrow for single in answer.accounts] == [100, 0, 1000]
    assert answer.generated_at == NOW and answer.sessions == ()


def test_accounts_alone_skip_the_pool_simulation() -> None:
    members = [account(1, used=50, recent=stream(10, 6))]
    full, alone = forecast(members, [], NOW), forecast(members, [], NOW, with_pools=False)
    assert alone.pools == () and alone.accounts[0].credits_tomorrow is None
    assert alone.accounts[0].runs_out_at == full.accounts[0].runs_out_at
    assert full.accounts[0].credits_tomorrow == 100


def test_an_empty_pool_with_no_usage_forecasts_nothing_and_never_divides_by_zero() -> None:
    answer = forecast([], [], NOW)
    assert answer.pools == () and answer.accounts == ()
    spent = account(1, used=100)
    pool, _ = simulate_pool([spent], rates_of(spent), NOW)
    assert (pool.burn_rate_per_hour, pool.runs_dry_at, pool.credits_left) == (0.0, None, 0)


def test_a_pool_already_dry_and_burning_is_dry_now() -> None:
    spent = account(1, used=100, recent=stream(10, 2))
    pool, _ = simulate_pool([spent], rates_of(spent), NOW)
    assert pool.runs_dry_at == NOW


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        forecast([], [], datetime(2026, 11, 25, 12, 0))


def test_the_spends_a_rate_rests_on_are_those_inside_the_span_it_was_measured_over() -> None:
    spends = [(NOW - timedelta(hours=3), 40), (NOW - timedelta(minutes=20), 10), (NOW - timedelta(minutes=5), 10),
              (NOW + timedelta(minutes=1), 9)]
    assert spends_in_rate(spends, NOW) == 3  # the six-hour lookback; not what is after now
    assert spends_in_rate(spends, NOW, since=NOW - timedelta(minutes=30)) == 2  # since the session started
    assert spends_in_rate(spends, NOW, since=NOW - timedelta(minutes=1)) == 1  # the ten-minute floor


def test_a_quota_too_large_to_reach_before_the_calendar_ends_is_never_reached() -> None:
    # 10^12 credits (the largest quota allowed) at 1 an hour lies past datetime's last year: the
    # forecast says "not in any window" instead of overflowing (which failed every alert evaluation).
    assert reaches_level_at(10**12, 1, 1.0, NOW, DAILY, MIDNIGHT) is None
    assert reaches_level_at(10**12, 1, 1.0, NOW, FIVE_HOURS, at(13), [(at(11), 1)]) is None
    assert reaches_level_at(10**12, 1, 1e-9, NOW, DAILY, MIDNIGHT) is None
