"""The failed-authentication rule on plain values: a fixed window from the first failure, the
failure that reaches the limit blocks, a block never shortens, Retry-After in whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from paas.core.auth_throttle import FailureCount, ThrottlePolicy, after_failure, is_blocked, retry_after_seconds

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(failures_allowed=3, window=timedelta(minutes=5), block=timedelta(minutes=10))


def failures(count: int, *, every: timedelta = timedelta(seconds=1)) -> FailureCount:
    state = None
    for number in range(count):
        state = after_failure(state, NOW + every * number, POLICY)
    assert state is not None
    return state


def test_the_failure_that_reaches_the_limit_blocks() -> None:
    assert failures(2).blocked_until is None
    third = failures(3)
    assert (third.failures, third.blocked_until) == (3, NOW + timedelta(seconds=2) + POLICY.block)


def test_a_window_that_ends_starts_the_count_again() -> None:
    spread = failures(5, every=POLICY.window)
    assert (spread.failures, spread.blocked_until) == (1, None)


def test_a_block_never_shortens_and_ends_when_it_says() -> None:
    blocked = FailureCount(failures=1, window_started_at=NOW, blocked_until=NOW + timedelta(hours=1))
    assert after_failure(blocked, NOW + timedelta(seconds=1), POLICY).blocked_until == NOW + timedelta(hours=1)
    assert is_blocked(blocked.blocked_until, NOW + timedelta(minutes=59))
    assert not is_blocked(blocked.blocked_until, NOW + timedelta(hours=1))


def test_retry_after_is_whole_seconds_and_at_least_one() -> None:
    assert retry_after_seconds(NOW + timedelta(seconds=30, milliseconds=1), NOW) == 31
    assert retry_after_seconds(NOW + timedelta(milliseconds=10), NOW) == 1
