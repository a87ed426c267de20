"""Quota windows and account status (core.quotas): pure, clock injected."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paas.core.errors import InvalidInput
from paas.core.quotas import (
    AccountFacts,
    Quota,
    QuotaWindow,
    WindowKind,
    account_status,
    default_threshold,
    used_in_window,
)
from paas.core.types import AccountStatus


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


NINE = time(9, 0)


# --- daily windows -------------------------------------------------------------------------


def test_daily_utc_window_after_and_before_the_reset_time() -> None:
    window = QuotaWindow(reset_at=NINE)
    assert window.start(utc(2026, 11, 25, 12)) == utc(2026, 11, 25, 9)
    assert window.next_reset(utc(2026, 11, 25, 12)) == utc(2026, 11, 26, 9)
    assert window.start(utc(2026, 11, 25, 8, 59)) == utc(2026, 11, 24, 9)
    assert window.next_reset(utc(2026, 11, 25, 8, 59)) == utc(2026, 11, 25, 9)


def test_daily_window_at_the_exact_reset_moment_starts_a_new_window() -> None:
    window = QuotaWindow(reset_at=NINE)
    assert window.start(utc(2026, 11, 25, 9)) == utc(2026, 11, 25, 9)
    assert window.next_reset(utc(2026, 11, 25, 9)) == utc(2026, 11, 26, 9)


def test_default_window_is_daily_at_midnight_utc() -> None:
    window = QuotaWindow()
    assert window.kind is WindowKind.DAILY
    assert window.start(utc(2026, 11, 25, 12)) == utc(2026, 11, 25)
    assert window.next_reset(utc(2026, 11, 25, 12)) == utc(2026, 11, 26)


def test_daily_window_in_a_local_zone_resets_at_local_time() -> None:
    berlin = QuotaWindow(reset_at=NINE, timezone="Europe/Berlin")  # CET = UTC+1 in winter
    assert berlin.start(utc(2026, 11, 25, 12)) == utc(2026, 11, 25, 8)
    assert berlin.next_reset(utc(2026, 11, 25, 12)) == utc(2026, 11, 26, 8)
    assert berlin.start(utc(2026, 11, 25, 7, 59)) == utc(2026, 11, 24, 8)
    new_york = QuotaWindow(reset_at=NINE, timezone="America/New_York")  # EST = UTC-5
    assert new_york.start(utc(2026, 11, 25, 12)) == utc(2026, 11, 24, 14)
    assert new_york.next_reset(utc(2026, 11, 25, 12)) == utc(2026, 11, 25, 14)


def test_results_are_returned_in_the_zone_of_now() -> None:
    window = QuotaWindow(reset_at=NINE, timezone="Europe/Berlin")
    tokyo = ZoneInfo("Asia/Tokyo")
    now = utc(2026, 11, 25, 12).astimezone(tokyo)
    assert window.start(now) == utc(2026, 11, 25, 8)
    assert window.next_reset(now).utcoffset() == timedelta(hours=9)


def test_berlin_spring_forward_window_is_23_hours() -> None:
    # 2026-03-29: Europe moves from CET (+1) to CEST (+2) at 02:00 local.
    window = QuotaWindow(reset_at=NINE, timezone="Europe/Berlin")
    before = utc(2026, 3, 29, 6)  # 08:00 CEST, before today's reset
    assert window.start(before) == utc(2026, 3, 28, 8)  # 09:00 CET
    assert window.next_reset(before) == utc(2026, 3, 29, 7)  # 09:00 CEST
    after = utc(2026, 3, 29, 12)
    assert window.start(after) == utc(2026, 3, 29, 7)
    assert window.next_reset(after) == utc(2026, 3, 30, 7)
    assert window.next_reset(before) - window.start(before) == timedelta(hours=23)


def test_berlin_fall_back_window_is_25_hours() -> None:
    # 2026-10-25: back from CEST (+2) to CET (+1).
    window = QuotaWindow(reset_at=NINE, timezone="Europe/Berlin")
    now = utc(2026, 10, 25, 5)
    assert window.start(now) == utc(2026, 10, 24, 7)
    assert window.next_reset(now) == utc(2026, 10, 25, 8)
    assert window.next_reset(now) - window.start(now) == timedelta(hours=25)


def test_new_york_spring_forward() -> None:
    # 2026-03-08: US moves from EST (-5) to EDT (-4) at 02:00 local.
    window = QuotaWindow(reset_at=NINE, timezone="America/New_York")
    before = utc(2026, 3, 8, 12)  # 08:00 EDT
    assert window.start(before) == utc(2026, 3, 7, 14)  # 09:00 EST
    assert window.next_reset(before) == utc(2026, 3, 8, 13)  # 09:00 EDT
    after = utc(2026, 3, 8, 13, 30)
    assert window.start(after) == utc(2026, 3, 8, 13)
    assert window.next_reset(after) == utc(2026, 3, 9, 13)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        QuotaWindow().start(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        QuotaWindow().next_reset(datetime(2026, 1, 1))


ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    # Reset times inside a DST gap or fold (01:00-03:59) have their own tests below.
    hour=st.integers(0, 23).filter(lambda value: value not in (1, 2, 3)),
    minute=st.sampled_from([0, 15, 30, 45]),
    moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
)
def test_daily_window_always_holds_now(zone_name: str, hour: int, minute: int, moment: datetime) -> None:
    """For every zone and reset time, on DST days too: start <= now < next_reset."""
    window = QuotaWindow(reset_at=time(hour, minute), timezone=zone_name)
    now = moment.replace(tzinfo=UTC)
    start, following = window.start(now), window.next_reset(now)
    assert start <= now < following
    assert timedelta(hours=22) <= following - start <= timedelta(hours=26)


def test_dst_fold_reset_time_next_reset_is_in_the_future() -> None:
    """Reset at 02:30 Berlin; on 2026-10-25 02:30 happens twice (00:30 and 01:30 UTC).

    At 01:15 UTC (the second 02:15, CET) the 02:30 CEST reset (00:30 UTC) has passed, so the
    window started at 00:30 UTC and the next reset is in the future."""
    window = QuotaWindow(reset_at=time(2, 30), timezone="Europe/Berlin")
    now = utc(2026, 10, 25, 1, 15)
    assert window.next_reset(now) > now
    assert window.start(now) <= now


def test_dst_gap_reset_time_window_start_is_not_after_now() -> None:
    """Reset at 02:30 Berlin, which does not exist on 2026-03-29; at 01:10 UTC (03:10 CEST) the
    window that holds now must not start in the future."""
    window = QuotaWindow(reset_at=time(2, 30), timezone="Europe/Berlin")
    now = utc(2026, 3, 29, 1, 10)
    assert window.start(now) <= now < window.next_reset(now)


# --- rolling windows -----------------------------------------------------------------------


def rolling(hours: int) -> QuotaWindow:
    return QuotaWindow(kind=WindowKind.ROLLING, hours=hours)


def test_rolling_window_start_is_now_minus_hours() -> None:
    now = utc(2026, 5, 1, 12)
    assert rolling(5).start(now) == utc(2026, 5, 1, 7)


def test_rolling_next_reset_is_oldest_in_window_spend_plus_hours() -> None:
    now = utc(2026, 5, 1, 12)
    spends = [(utc(2026, 5, 1, 6), 10), (utc(2026, 5, 1, 8), 3), (utc(2026, 5, 1, 11), 2)]
    # 06:00 is outside the 5-hour window: the oldest inside is 08:00.
    assert rolling(5).next_reset(now, spends) == utc(2026, 5, 1, 13)
    assert rolling(5).next_reset(now, []) == now


def test_rolling_window_hours_validated() -> None:
    with pytest.raises(InvalidInput):
        rolling(0)
    with pytest.raises(InvalidInput):
        rolling(745)
    assert rolling(744).hours == 744


def test_used_in_window_rolling_boundaries() -> None:
    now = utc(2026, 5, 1, 12)
    window = rolling(5)
    events = [
        (utc(2026, 5, 1, 7), 100),  # exactly at start: has left the window
        (utc(2026, 5, 1, 7, 0, 1), 1),
        (now, 10),  # exactly now: counts
        (now + timedelta(seconds=1), 1000),  # future: not counted
    ]
    assert used_in_window(window, now, events) == 11


def test_used_in_window_daily_boundaries() -> None:
    window = QuotaWindow(reset_at=NINE)
    now = utc(2026, 5, 1, 12)
    events = [
        (utc(2026, 5, 1, 8, 59, 59), 100),  # previous window
        (utc(2026, 5, 1, 9), 5),  # at the reset: this window
        (utc(2026, 5, 1, 11), 7),
        (now, 1),
        (utc(2026, 5, 1, 12, 0, 1), 1000),
    ]
    assert used_in_window(window, now, events) == 13
    assert used_in_window(window, utc(2026, 5, 2, 9), events) == 0


# --- Quota -----------------------------------------------------------------------------------


def test_quota_validation() -> None:
    with pytest.raises(InvalidInput) as error:
        Quota(credits=0)
    assert error.value.details["field"] == "quota"
    with pytest.raises(InvalidInput):
        Quota(credits=-5)
    for bad in (0, 101, -1):
        with pytest.raises(InvalidInput) as error:
            Quota(credits=100, rotate_threshold=bad)
        assert error.value.details["field"] == "rotate_threshold"
    assert Quota(credits=100, rotate_threshold=1).threshold == 1
    assert Quota(credits=100, rotate_threshold=100).threshold == 100
    assert Quota(credits=1).credits == 1


def test_unknown_timezone_is_invalid_input() -> None:
    with pytest.raises(InvalidInput) as error:
        QuotaWindow(timezone="Mars/Olympus_Mons")
    assert error.value.details["field"] == "timezone"
    with pytest.raises(InvalidInput):
        QuotaWindow(timezone="../etc/passwd")


def test_default_threshold_is_ninety_percent() -> None:
    assert Quota().credits == 100
    assert Quota().threshold == 90
    assert Quota(credits=1000).threshold == 900
    assert Quota(credits=15).threshold == 13  # rounded down
    assert default_threshold(100) == 90


# --- status ----------------------------------------------------------------------------------

NOW = utc(2026, 5, 1, 12)
LATER = NOW + timedelta(hours=1)
EARLIER = NOW - timedelta(hours=1)


@pytest.mark.parametrize(
    ("facts", "used", "expected"),
    [
        (AccountFacts(), 0, AccountStatus.AVAILABLE),
        (AccountFacts(), 99, AccountStatus.AVAILABLE),
        (AccountFacts(), 100, AccountStatus.EXHAUSTED),
        (AccountFacts(), 150, AccountStatus.EXHAUSTED),
        (AccountFacts(disabled=True, leased=True, throttled_until=LATER, exhausted_until=LATER), 500,
         AccountStatus.DISABLED),
        (AccountFacts(leased=True, throttled_until=LATER, exhausted_until=LATER), 500, AccountStatus.ACTIVE),
        (AccountFacts(throttled_until=LATER, exhausted_until=LATER), 500, AccountStatus.THROTTLED),
        (AccountFacts(exhausted_until=LATER), 0, AccountStatus.EXHAUSTED),
        (AccountFacts(throttled_until=EARLIER), 0, AccountStatus.AVAILABLE),
        (AccountFacts(throttled_until=NOW), 0, AccountStatus.AVAILABLE),
        (AccountFacts(exhausted_until=EARLIER), 10, AccountStatus.AVAILABLE),
        (AccountFacts(exhausted_until=NOW), 10, AccountStatus.AVAILABLE),
        (AccountFacts(throttled_until=EARLIER), 100, AccountStatus.EXHAUSTED),
    ],
)
def test_account_status_precedence(facts: AccountFacts, used: int, expected: AccountStatus) -> None:
    assert account_status(facts, Quota(credits=100), used, NOW) is expected


def test_exhausted_by_usage_becomes_available_after_reset_with_no_write() -> None:
    quota = Quota(credits=100, window=QuotaWindow(reset_at=NINE, timezone="Europe/Berlin"))
    spent = [(utc(2026, 5, 1, 8), 60), (utc(2026, 5, 1, 10), 45)]  # 10:00 and 12:00 CEST
    facts = AccountFacts()
    at_noon = utc(2026, 5, 1, 11)
    used = used_in_window(quota.window, at_noon, spent)
    assert used == 105
    assert account_status(facts, quota, used, at_noon) is AccountStatus.EXHAUSTED
    reset = quota.window.next_reset(at_noon)
    assert reset == utc(2026, 5, 2, 7)
    just_before = reset - timedelta(seconds=1)
    assert account_status(facts, quota, used_in_window(quota.window, just_before, spent), just_before) \
        is AccountStatus.EXHAUSTED
    used_after = used_in_window(quota.window, reset, spent)
    assert used_after == 0
    assert account_status(facts, quota, used_after, reset) is AccountStatus.AVAILABLE


def test_rolling_exhaustion_ends_when_oldest_spend_leaves() -> None:
    quota = Quota(credits=10, window=rolling(3))
    spent = [(utc(2026, 5, 1, 10), 6), (utc(2026, 5, 1, 11), 5)]
    now = utc(2026, 5, 1, 12)
    used = used_in_window(quota.window, now, spent)
    assert account_status(AccountFacts(), quota, used, now) is AccountStatus.EXHAUSTED
    back = quota.window.next_reset(now, spent)
    assert back == utc(2026, 5, 1, 13)
    assert used_in_window(quota.window, back, spent) == 5
    assert account_status(AccountFacts(), quota, used_in_window(quota.window, back, spent), back) \
        is AccountStatus.AVAILABLE
