"""The alert rules and the reconciliation, with plain values and a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from paas.core.alerts import (
    AccountFigures,
    AlertRule,
    AlertRules,
    Condition,
    Figures,
    SessionFigures,
    Severity,
    conditions,
    reconcile,
)
from paas.core.forecasting import AccountForecast

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RULES = AlertRules(pool_min_credits=50, runout_hours=2, cooldown=timedelta(minutes=30))


def account(account_id: int = 1, remaining: int = 100, *, disabled: bool = False, reason: str | None = None,
            unit: str = "credits") -> AccountFigures:
    return AccountFigures(account_id=account_id, account_name=f"acct{account_id}", disabled=disabled,
                          disabled_reason=reason, remaining=remaining, unit=unit)


def session(used: int, threshold: int = 90, session_id: int = 8) -> SessionFigures:
    return SessionFigures(session_id=session_id, project_id=3, project_name="Web app", account_id=1,
                          account_name="acct1", used=used, threshold=threshold)


def keys(figures: Figures, rules: AlertRules = RULES) -> list[str]:
    return [condition.key for condition in conditions(figures, rules, NOW)]


def test_nothing_holds_for_a_healthy_pool() -> None:
    assert keys(Figures(sessions=[session(89)], accounts=[account(1, 100)])) == []


def test_a_session_at_or_past_its_threshold_holds_with_words() -> None:
    [found] = conditions(Figures(sessions=[session(90)], accounts=[account(1, 100)]), RULES, NOW)
    assert (found.rule, found.key, found.severity) == (AlertRule.THRESHOLD, "threshold:session:8", Severity.WARNING)
    assert (found.session_id, found.project_id, found.account_id) == (8, 3, 1)
    assert found.message == ("session 8 of project Web app is past its rotate threshold: "
                             "account acct1 has used 90 credits (threshold 90)")
    assert keys(Figures(sessions=[session(95), session(10, session_id=9)])) == ["threshold:session:8"]


def test_pool_low_counts_enabled_credit_accounts_only() -> None:
    low = Figures(accounts=[account(1, 30), account(2, 19), account(3, 500, disabled=True),
                            account(4, 10**9, unit="tokens")])
    [disabled, pool] = conditions(low, RULES, NOW)  # in key order
    assert pool.key == "pool_low" and pool.severity is Severity.CRITICAL
    assert pool.message == "the pool has 49 credits left across 2 enabled accounts (alert under 50)"
    assert dict(pool.details) == {"credits_left": 49, "minimum": 50, "accounts": 2}
    assert disabled.key == "account_disabled:3"
    assert keys(Figures(accounts=[account(1, 30), account(2, 20)])) == []  # 50 is not under 50
    assert keys(Figures(accounts=[account(1, 0, unit="tokens")])) == []  # no pool counted in credits: no alert
    assert keys(Figures()) == []


def test_a_disabled_account_says_why() -> None:
    [found] = conditions(Figures(accounts=[account(1, 100), account(2, 100, disabled=True,
                                                                  reason="the platform refused its credentials")]),
                         RULES, NOW)
    assert found.key == "account_disabled:2" and found.account_id == 2
    assert found.message == "account acct2 is disabled: the platform refused its credentials"


def runout(runs_out_at: datetime | None, resets_at: datetime, account_id: int = 1,
           spends: int = 3) -> AccountForecast:
    return AccountForecast(account_id=account_id, name=f"acct{account_id}", unit="credits", used=60, quota=100,
                           remaining=40, burn_rate_per_hour=30.0, pace=1.5, resets_at=resets_at,
                           runs_out_at=runs_out_at, runs_out_before_reset=runs_out_at is not None
                           and runs_out_at < resets_at, spends_in_rate=spends)


def test_one_usage_report_is_not_a_trend_but_an_account_already_out_needs_none() -> None:
    soon, reset = NOW + timedelta(minutes=80), NOW + timedelta(hours=12)
    assert keys(Figures(forecasts=[runout(soon, reset, spends=1)])) == []
    assert keys(Figures(forecasts=[runout(soon, reset, spends=2)])) == ["runout:account:1"]
    out = replace(runout(NOW, reset, spends=0), used=100, remaining=0)
    assert keys(Figures(forecasts=[out])) == ["runout:account:1"]


def test_run_out_before_the_reset_within_the_horizon_holds() -> None:
    reset = NOW + timedelta(hours=12)
    [found] = conditions(Figures(accounts=[account()], forecasts=[runout(NOW + timedelta(minutes=80), reset)]),
                         RULES, NOW)
    assert found.key == "runout:account:1"
    assert found.message == ("account acct1 runs out at 2026-11-25 13:20 UTC, 1 h 20 min from now at "
                             "30.0 credits an hour, before its reset at 2026-11-26 00:00 UTC")
    [out] = conditions(Figures(forecasts=[runout(NOW, reset)]), RULES, NOW)
    assert out.message == "account acct1 has run out (60 of 100 credits used) before its reset at 2026-11-26 00:00 UTC"
    assert keys(Figures(forecasts=[runout(NOW + timedelta(hours=2), reset)])) == ["runout:account:1"]  # the edge


def test_run_out_after_the_reset_beyond_the_horizon_or_never_does_not_hold() -> None:
    assert keys(Figures(forecasts=[runout(NOW + timedelta(hours=1), NOW + timedelta(minutes=30))])) == []
    assert keys(Figures(forecasts=[runout(NOW + timedelta(hours=3), NOW + timedelta(hours=12))])) == []
    assert keys(Figures(forecasts=[runout(None, NOW + timedelta(hours=12))])) == []
    wider = AlertRules(runout_hours=4)
    assert keys(Figures(forecasts=[runout(NOW + timedelta(hours=3), NOW + timedelta(hours=12))]), wider) == [
        "runout:account:1"]


def test_a_disabled_account_does_not_also_run_out() -> None:
    figures = Figures(accounts=[account(1, 100, disabled=True)],
                      forecasts=[runout(NOW + timedelta(minutes=10), NOW + timedelta(hours=5))])
    assert keys(figures) == ["account_disabled:1"]


def condition(key: str) -> Condition:
    return Condition(AlertRule.POOL_LOW, key, Severity.WARNING, key)


def test_reconcile_raises_new_touches_held_and_clears_ended() -> None:
    plan = reconcile([condition("a"), condition("b")], {"b": 7, "c": 9}, {}, NOW, timedelta(minutes=30))
    assert [item.key for item in plan.raise_] == ["a"]
    assert (plan.touch, plan.clear, plan.held_back) == ((7,), (9,), ())
    assert plan.changes


def test_reconcile_holds_back_a_key_cleared_within_the_cooldown() -> None:
    cooldown = timedelta(minutes=30)
    recently = {"a": NOW - timedelta(minutes=29)}
    plan = reconcile([condition("a")], {}, recently, NOW, cooldown)
    assert (plan.raise_, plan.held_back, plan.changes) == ((), ("a",), False)
    later = reconcile([condition("a")], {}, {"a": NOW - timedelta(minutes=30)}, NOW, cooldown)
    assert [item.key for item in later.raise_] == ["a"]


def test_reconcile_of_an_unchanged_world_changes_nothing() -> None:
    plan = reconcile([condition("a")], {"a": 3}, {}, NOW, timedelta(minutes=30))
    assert (plan.raise_, plan.touch, plan.clear, plan.changes) == ((), (3,), (), False)


def test_a_usd_account_is_worded_in_dollars_not_cents_called_usd() -> None:
    past = SessionFigures(session_id=8, project_id=3, project_name="Web app", account_id=1, account_name="acct1",
                          used=1912, threshold=1800, unit="usd")
    [found] = conditions(Figures(sessions=[past]), RULES, NOW)
    assert found.message.endswith("account acct1 has used $19.12 (threshold $18.00)")
    assert dict(found.details) == {"used": 1912, "threshold": 1800, "unit": "usd"}  # the figures stay cents
    reset = NOW + timedelta(hours=12)
    spending = AccountForecast(account_id=1, name="acct1", unit="usd", used=1600, quota=2000, remaining=400,
                               burn_rate_per_hour=300.0, pace=1.5, resets_at=reset,
                               runs_out_at=NOW + timedelta(minutes=80), runs_out_before_reset=True,
                               spends_in_rate=4)
    [soon] = conditions(Figures(forecasts=[spending]), RULES, NOW)
    assert "1 h 20 min from now at $3.00 an hour, before its reset" in soon.message
    [out] = conditions(Figures(forecasts=[replace(spending, used=2000, remaining=0, runs_out_at=NOW)]), RULES, NOW)
    assert out.message == "account acct1 has run out ($20.00 of $20.00 used) before its reset at 2026-11-26 00:00 UTC"
