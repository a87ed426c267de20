"""services.forecast on a real database (SQLite and PostgreSQL), a fixed clock: figures from the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.services import sessions as work_sessions
from paas.services.forecast import ForecastOut, compute_forecast, show_forecast
from paas.store import ledger
from paas.store.schema import Account, CreditEvent, Project
from paas.store.unit import transaction

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
Make = Callable[..., Any]


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def spend(engine: Engine, account_id: int, credits: int, when: datetime) -> None:
    """A spend with no session (as an import without a session would record it)."""
    with transaction(engine) as session:
        ledger.append(session, CreditEvent(account_id=account_id, credits=credits, occurred_at=when))


def use(engine: Engine, session_id: int, credits: int, when: datetime) -> None:
    with transaction(engine) as session:
        work_sessions.record_usage(session, session_id, credits=credits, now=when)


def show(engine: Engine, now: datetime = NOW) -> ForecastOut:
    with transaction(engine, write=False) as session:
        return show_forecast(session, now)


@pytest.fixture
def working_day(engine: Engine, add_project: Make, add_account: Make) -> dict[str, int]:
    """Alpha: 30 used at 05:00 (before the lookback), a session since 11:00 spending 5 every 10 minutes
    (30 an hour) with an 80% threshold; Beta: idle, 50 used at 11:30, resets at 13:00; Gamma disabled."""
    project = add_project("Shop")
    with transaction(engine) as session:
        session.get(Project, project.id).rotate_threshold_percent = 80
    alpha = add_account("Alpha", now=at(5), credits_available=70)
    beta = add_account("Beta", now=at(5), window_reset_at="13:00")
    gamma = add_account("Gamma", now=at(5))
    with transaction(engine) as session:
        session.get(Account, gamma.id).admin_state = "disabled"
    with transaction(engine) as session:
        work = work_sessions.start_session(session, project_id=project.id, account_id=alpha.id, now=at(11))
    for minutes in range(5, 60, 10):
        use(engine, work.id, 5, at(11, minutes))
    spend(engine, beta.id, 50, at(11, 30))
    return {"project": project.id, "alpha": alpha.id, "beta": beta.id, "gamma": gamma.id, "session": work.id}


def test_accounts_sessions_and_the_pool_from_the_ledger(engine: Engine, working_day: dict[str, int]) -> None:
    answer = show(engine)
    by_name = {item.account_name: item for item in answer.accounts}
    alpha, beta, gamma = by_name["Alpha"], by_name["Beta"], by_name["Gamma"]
    assert (alpha.used, alpha.remaining, alpha.status) == (60, 40, "active")
    assert alpha.burn_rate_per_hour == pytest.approx(30, rel=0.1)  # since its session started, not diluted
    assert alpha.pace == pytest.approx(0.6 / 0.5)
    assert alpha.runs_out_at is not None and at(13, 10) <= alpha.runs_out_at <= at(13, 35)
    assert alpha.runs_out_before_reset is True and alpha.resets_at == at(0, day=26)
    assert (beta.used, beta.resets_at, beta.runs_out_before_reset) == (50, at(13), False)
    assert (gamma.status, gamma.remaining, gamma.runs_out_at) == ("disabled", 0, None)

    [work] = answer.sessions
    assert (work.session_id, work.project_name, work.account_name) == (working_day["session"], "Shop", "Alpha")
    assert (work.session_used, work.account_used, work.threshold) == (30, 60, 80)
    assert work.reaches_threshold_at is not None and at(12, 30) <= work.reaches_threshold_at <= at(12, 50)

    [pool] = answer.pools
    assert (pool.unit, pool.accounts, pool.credits_left) == ("credits", 3, 40 + 50)
    assert pool.burn_rate_per_hour > alpha.burn_rate_per_hour * 0.5
    # The pool burns about 40 an hour (Alpha's 30 and Beta's burst of 50), spread 30 : 25 until 13:00:
    # Alpha gives about 22, Beta 18 of the 50 it loses at its reset anyway. From 13:00 Alpha's 18 and
    # Beta's fresh 100 last 118 / 40 ≈ 2.95 h: dry near 15:57, long before Alpha's midnight reset.
    rate = pool.burn_rate_per_hour
    share = 30 / (30 + 50 * 2 ** -0.5 / (1.4427 * (1 - 2 ** -6)))
    dry = at(13) + timedelta(hours=(40 - rate * share + 100) / rate)
    assert pool.runs_dry_at is not None and abs(pool.runs_dry_at - dry) <= timedelta(minutes=10)
    assert pool.tomorrow_starts_at == at(0, day=26)
    assert {item.account_name: item.credits_tomorrow for item in answer.accounts} == {
        "Alpha": 100, "Beta": 0, "Gamma": 0}
    assert pool.credits_tomorrow == 100
    assert answer.generated_at == NOW


def test_the_view_is_the_core_answer_rounded(engine: Engine, working_day: dict[str, int]) -> None:
    with transaction(engine, write=False) as session:
        loaded = compute_forecast(session, NOW)
    shown = show(engine)
    assert [item.burn_rate_per_hour for item in shown.accounts] == [
        round(item.burn_rate_per_hour, 2) for item in loaded.forecast.accounts]
    assert shown.pools[0].runs_dry_at == loaded.forecast.pools[0].runs_dry_at.replace(microsecond=0)  # type: ignore[union-attr]


def test_an_empty_database_and_a_quiet_pool(engine: Engine, add_account: Make) -> None:
    empty = show(engine)
    assert (empty.pools, empty.accounts, empty.sessions) == ([], [], [])
    add_account("Idle", now=at(5))
    [pool] = show(engine).pools
    assert (pool.burn_rate_per_hour, pool.runs_dry_at, pool.credits_left, pool.credits_tomorrow) == (0, None, 100, 100)


def test_spends_before_the_lookback_or_after_now_are_not_read(engine: Engine, add_account: Make) -> None:
    account = add_account("Alpha", now=at(1))
    spend(engine, account.id, 40, at(5, 59))  # more than 6 h before noon
    spend(engine, account.id, 10, at(12, 30))  # after now
    [item] = show(engine).accounts
    assert (item.used, item.burn_rate_per_hour, item.runs_out_at) == (40, 0, None)


def test_a_rolling_window_reads_its_whole_window_and_gets_spends_back(engine: Engine, add_account: Make) -> None:
    account = add_account("Claude", now=at(0), window_kind="rolling", window_hours=10)
    spend(engine, account.id, 60, at(3))  # inside the 10-hour window, before the 6-hour lookback
    spend(engine, account.id, 30, at(11))
    with transaction(engine, write=False) as session:
        loaded = compute_forecast(session, NOW)
    [item] = loaded.forecast.accounts
    assert (item.used, item.resets_at) == (90, at(13))  # the 03:00 spend leaves at 13:00
    assert item.credits_tomorrow is not None and item.credits_tomorrow > 10  # 60 came back at 13:00
    assert item.runs_out_before_reset is (item.runs_out_at is not None and item.runs_out_at < at(13))


def test_accounts_of_another_unit_are_another_pool(engine: Engine, add_account: Make) -> None:
    add_account("Credits", now=at(5))
    tokens = add_account("Tokens", now=at(5), quota=1_000_000)
    with transaction(engine) as session:
        session.get(Account, tokens.id).quota_unit = "tokens"
    spend(engine, tokens.id, 250_000, NOW - timedelta(minutes=30))
    pools = {pool.unit: pool for pool in show(engine).pools}
    assert set(pools) == {"credits", "tokens"}
    assert (pools["tokens"].credits_left, pools["credits"].credits_left) == (750_000, 100)
    assert pools["credits"].burn_rate_per_hour == 0 and pools["tokens"].burn_rate_per_hour > 100_000


def test_what_an_account_had_used_before_it_was_added_is_not_a_burn(engine: Engine, add_account: Make) -> None:
    add_account("Opened", now=NOW - timedelta(minutes=30), credits_available=40)  # 60 used "before"
    [item] = show(engine).accounts
    assert (item.used, item.burn_rate_per_hour, item.runs_out_at) == (60, 0, None)
