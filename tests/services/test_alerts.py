"""Alerts evaluated after commit from the domain events, reconciled with the alerts table (both backends)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from paas.core.alerts import AlertRules
from paas.core.events import Event
from paas.services import accounts, alerts, sessions, webhooks
from paas.services.credentials import CredentialVault, new_key
from paas.store.db import make_engine
from paas.store.schema import Alert, WebhookDelivery
from paas.store.unit import Database, transaction

RULES = AlertRules(pool_min_credits=50, runout_hours=2, cooldown=timedelta(minutes=30))
# A burst of usage a test makes in one instant is a very high burn rate: run-out is within 2 h. The tests
# of the other rules look one second ahead only, so the run-out rule holds there only for an account out now.
OTHER_RULES = AlertRules(pool_min_credits=50, runout_hours=1 / 3600, cooldown=timedelta(minutes=30))


@pytest.fixture
def heard() -> list[Event]:
    return []


@pytest.fixture
def db(engine: Engine, clock: Any, heard: list[Event]) -> Database:
    """A database whose bus evaluates the alerts after each commit, as every door's does."""
    return watched(engine, clock, heard, OTHER_RULES)


def watched(engine: Engine, clock: Any, heard: list[Event], rules: AlertRules) -> Database:
    database = Database(engine)
    database.bus.subscribe(heard.append)
    alerts.watch(database, rules, clock)
    return database


def stored(engine: Engine) -> list[Alert]:
    with transaction(engine, write=False) as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


def told(heard: list[Event]) -> list[tuple[str, str]]:
    return [(event.kind, event.key) for event in heard if event.kind.startswith("alert_")]  # type: ignore[attr-defined]


def use(db: Database, clock: Any, session_id: int, credits: int) -> None:
    db.run(lambda session: sessions.record_usage(session, session_id, credits=credits, now=clock()))


def test_a_session_past_its_threshold_raises_one_alert_however_many_usages(
        db: Database, engine: Engine, clock: Any, heard: list[Event], add_project: Any, add_account: Any,
        start: Any) -> None:
    # A large quota keeps the pool and the run-out forecast out of it: only the threshold (1000) is met.
    project, account = add_project("Web app"), add_account("Alpha", quota=100_000, rotate_threshold=1000)
    work = start(project.id, account.id)
    use(db, clock, work.id, 999)
    assert stored(engine) == []
    use(db, clock, work.id, 1)  # 1000: the threshold
    for _ in range(100):
        clock.now += timedelta(seconds=1)
        use(db, clock, work.id, 1)
    [alert] = stored(engine)
    assert (alert.rule, alert.key, alert.status, alert.session_id, alert.project_id, alert.account_id) == (
        "threshold", f"threshold:session:{work.id}", "active", work.id, project.id, account.id)
    assert alert.message == (f"session {work.id} of project Web app is past its rotate threshold: "
                             "account Alpha has used 1000 credits (threshold 1000)")
    assert alert.last_seen_at == clock.now and alert.raised_at == clock.now - timedelta(seconds=100)
    assert told(heard) == [("alert_raised", f"threshold:session:{work.id}")]


def test_the_alert_is_cleared_when_the_condition_ends(db: Database, engine: Engine, clock: Any,
                                                      heard: list[Event], add_project: Any, add_account: Any,
                                                      start: Any) -> None:
    project, account = add_project("p"), add_account("a", quota=1000)
    work = start(project.id, account.id)
    use(db, clock, work.id, 950)
    clock.now += timedelta(minutes=5)
    db.run(lambda session: sessions.complete_session(session, work.id, now=clock()))
    [alert] = stored(engine)
    assert (alert.status, alert.cleared_at) == ("cleared", clock.now)
    assert told(heard) == [("alert_raised", f"threshold:session:{work.id}"),
                           ("alert_cleared", f"threshold:session:{work.id}")]


def test_pool_low_holds_under_n_credits(db: Database, engine: Engine, clock: Any, add_project: Any,
                                        add_account: Any, start: Any) -> None:
    project, account = add_project("p"), add_account("a", quota=100)
    work = start(project.id, account.id)
    use(db, clock, work.id, 50)  # 50 left: not under 50
    assert stored(engine) == []
    use(db, clock, work.id, 1)
    [alert] = stored(engine)
    assert (alert.key, alert.severity, alert.details) == ("pool_low", "critical",
                                                         {"credits_left": 49, "minimum": 50, "accounts": 1})
    assert alert.message == "the pool has 49 credits left across 1 enabled account (alert under 50)"


def test_a_disabled_account_raises_and_enabling_it_clears(db: Database, engine: Engine, clock: Any,
                                                           heard: list[Event], add_account: Any) -> None:
    account = add_account("Alpha", quota=100)
    add_account("Beta", quota=100)
    db.run(lambda session: accounts.update_account(session, account.id, {"status": "disabled"}, now=clock()))
    [alert] = stored(engine)
    assert (alert.key, alert.message) == (f"account_disabled:{account.id}",
                                          "account Alpha is disabled: set by a person")
    clock.now += timedelta(minutes=1)
    db.run(lambda session: accounts.update_account(session, account.id, {"status": "available"}, now=clock()))
    assert [(row.key, row.status) for row in stored(engine)] == [(f"account_disabled:{account.id}", "cleared")]


def test_the_cooldown_holds_a_cleared_key_back_then_it_is_raised_again(
        db: Database, engine: Engine, clock: Any, heard: list[Event], add_account: Any) -> None:
    account = add_account("Alpha", quota=100)
    add_account("Beta", quota=100)

    def set_status(status: str) -> None:
        db.run(lambda session: accounts.update_account(session, account.id, {"status": status}, now=clock()))

    set_status("disabled")
    clock.now += timedelta(minutes=1)
    set_status("available")  # cleared
    clock.now += timedelta(minutes=10)
    set_status("disabled")  # holds again within the cooldown: held back
    assert [row.status for row in stored(engine)] == ["cleared"]
    check = alerts.check_alerts(db.read, db.run, rules=OTHER_RULES, now=clock())
    assert (check.raised, check.held_back) == ([], [f"account_disabled:{account.id}"])
    clock.now += timedelta(minutes=20)  # 30 minutes after the clear
    check = alerts.check_alerts(db.read, db.run, rules=OTHER_RULES, now=clock())
    assert [alert.key for alert in check.raised] == [f"account_disabled:{account.id}"] and check.active == 1
    assert [row.status for row in stored(engine)] == ["cleared", "active"]
    assert [kind for kind, _ in told(heard)] == ["alert_raised", "alert_cleared", "alert_raised"]


def test_a_rolled_back_unit_raises_nothing(db: Database, engine: Engine, clock: Any, heard: list[Event],
                                           add_project: Any, add_account: Any, start: Any) -> None:
    project, account = add_project("p"), add_account("a", quota=100)
    work = start(project.id, account.id)
    with pytest.raises(RuntimeError), db.unit() as session:
        sessions.record_usage(session, work.id, credits=99, now=clock())
        raise RuntimeError("the caller failed after the usage")
    assert stored(engine) == [] and heard == []


def test_a_unit_without_a_triggering_event_evaluates_nothing(db: Database, engine: Engine, clock: Any,
                                                             add_account: Any) -> None:
    account = add_account("a", quota=100)
    with transaction(engine) as session:  # no bus: the disable is not told
        accounts.update_account(session, account.id, {"status": "disabled"}, now=clock())
    from paas.services import knowledge

    db.run(lambda session: knowledge.add_knowledge(session, category="tip", title="T"))  # told, not a trigger
    assert stored(engine) == []
    assert [alert.key for alert in alerts.check_alerts(db.read, db.run, rules=OTHER_RULES, now=clock()).raised] == [
        f"account_disabled:{account.id}"]


def test_raising_and_clearing_write_one_outbox_row_per_enabled_webhook_in_the_same_unit(
        db: Database, engine: Engine, clock: Any, add_account: Any) -> None:
    vault = CredentialVault((new_key(),))
    with transaction(engine) as session:
        for url in ("http://127.0.0.1:9/a", "https://example.invalid/b"):
            webhooks.add_webhook(session, url=url, vault=vault, now=clock())
    account = add_account("a", quota=100)
    add_account("b", quota=100)
    db.run(lambda session: accounts.update_account(session, account.id, {"status": "disabled"}, now=clock()))
    clock.now += timedelta(minutes=1)
    db.run(lambda session: accounts.update_account(session, account.id, {"status": "available"}, now=clock()))
    with transaction(engine, write=False) as session:
        rows = list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
    [alert] = stored(engine)
    assert [(row.webhook_id, row.event, row.alert_id, row.status) for row in rows] == [
        (1, "alert.raised", alert.id, "pending"), (2, "alert.raised", alert.id, "pending"),
        (1, "alert.cleared", alert.id, "pending"), (2, "alert.cleared", alert.id, "pending")]
    assert '"event":"alert.cleared"' in rows[2].payload and f'"key":"account_disabled:{account.id}"' in rows[2].payload


def test_listing_filters_by_status_newest_first(db: Database, engine: Engine, clock: Any, add_account: Any) -> None:
    first, second = add_account("a", quota=100), add_account("b", quota=100)
    add_account("c", quota=100)
    for account in (first, second):
        clock.now += timedelta(minutes=1)
        db.run(lambda session, account=account: accounts.update_account(  # type: ignore[misc]
            session, account.id, {"status": "disabled"}, now=clock()))
    clock.now += timedelta(minutes=1)
    db.run(lambda session: accounts.update_account(session, first.id, {"status": "available"}, now=clock()))
    with transaction(engine, write=False) as session:
        active = alerts.list_alerts(session)
        everything = alerts.list_alerts(session, status="all", limit=1)
        cleared = alerts.list_alerts(session, status="cleared")
    assert [alert.key for alert in active.items] == [f"account_disabled:{second.id}"]
    assert (everything.total, [alert.key for alert in everything.items]) == (2, [f"account_disabled:{second.id}"])
    assert [alert.key for alert in cleared.items] == [f"account_disabled:{first.id}"]


def evaluate_in(engine: Engine, clock: Any, between: Callable[[], Any],
                planned: list[alerts.AlertPlan]) -> alerts.AlertCheck:
    with transaction(engine) as session:
        plan = alerts.plan_alerts(session, alerts.holding(session, rules=OTHER_RULES, now=clock()),
                                  rules=OTHER_RULES, now=clock())
        planned.append(plan)
        between()  # PostgreSQL: both evaluators have read before either writes
        return alerts.apply_plan(session, plan, clock())


def test_two_evaluators_racing_raise_once(engine: Engine, database_url: str, clock: Any, add_account: Any) -> None:
    account = add_account("a", quota=100)
    add_account("b", quota=100)
    with transaction(engine) as session:
        accounts.update_account(session, account.id, {"status": "disabled"}, now=clock())
        webhooks.add_webhook(session, url="http://127.0.0.1:9/a", vault=CredentialVault((new_key(),)), now=clock())
    engines = [make_engine(database_url), make_engine(database_url)]
    # PostgreSQL: both read that no alert is active, then both insert; the partial unique index makes
    # the second wait for the first's commit and refuse its row. SQLite serialises write transactions,
    # so the second sees the first's alert; the answer must be the same.
    postgres = engine.dialect.name == "postgresql"
    barrier = threading.Barrier(2, timeout=20)
    results: list[alerts.AlertCheck] = []
    planned: list[alerts.AlertPlan] = []
    failures: list[BaseException] = []

    def evaluator(own: Engine) -> None:
        try:
            results.append(evaluate_in(own, clock, barrier.wait if postgres else lambda: None, planned))
        except BaseException as problem:  # noqa: BLE001 - reported below
            failures.append(problem)

    threads = [threading.Thread(target=evaluator, args=(own,)) for own in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for own in engines:
        own.dispose()
    assert failures == []
    # On PostgreSQL both planned the raise (the race happened); on SQLite the second saw the first's alert.
    assert sorted(len(plan.reconciliation.raise_) for plan in planned) == ([1, 1] if postgres else [0, 1])
    assert sorted(len(result.raised) for result in results) == [0, 1]
    assert [(row.key, row.status) for row in stored(engine)] == [(f"account_disabled:{account.id}", "active")]
    with transaction(engine, write=False) as session:
        assert len(list(session.scalars(select(WebhookDelivery)))) == 1


def test_a_projected_run_out_before_the_reset_within_the_horizon_raises(
        engine: Engine, clock: Any, heard: list[Event], add_project: Any, add_account: Any, start: Any) -> None:
    # A daily window resetting at 00:00 UTC. From 06:00 a steady 40 credits an hour (10 every 15 minutes)
    # leaves 1260 of 1500 at noon, 31 h at that rate: after the reset, no alert. Then 100 every 5 minutes:
    # the weighted rate climbs past 400 an hour and what is left runs out within 2 h, before the reset.
    db = watched(engine, clock, heard, RULES)
    project = add_project("p")
    account = add_account("Alpha", quota=1500, rotate_threshold=1500)
    add_account("Reserve", quota=1000)
    noon = clock.now
    clock.now = noon - timedelta(hours=6)
    work = start(project.id, account.id)
    for _ in range(24):
        clock.now += timedelta(minutes=15)
        use(db, clock, work.id, 10)
    assert clock.now == noon and stored(engine) == []
    for _ in range(6):
        clock.now += timedelta(minutes=5)
        use(db, clock, work.id, 100)
    [alert] = stored(engine)
    assert (alert.rule, alert.key, alert.account_id) == ("runout", f"runout:account:{account.id}", account.id)
    assert alert.details is not None and alert.details["resets_at"] == "2026-11-26T00:00:00+00:00"
    assert alert.message.startswith("account Alpha runs out at 2026-11-25 1")
    assert alert.message.endswith("before its reset at 2026-11-26 00:00 UTC")
    assert told(heard) == [("alert_raised", f"runout:account:{account.id}")]
