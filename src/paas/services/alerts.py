"""Alerts: evaluated after commit from the domain events, reconciled with the ``alerts`` table.

- ``watch(db, rules, clock)`` subscribes to the database's bus (``EventBus.subscribe_batch``): once
  per committed unit that carried a usage, a session started or ended, a rotation or an account's
  change (or an import), one evaluation runs (``check_alerts``). A rolled-back unit publishes
  nothing, so it raises nothing. ``services.database.open_database`` wires it for every door.
- ``check_alerts(read, run, rules, now)``: the figures and forecasts are computed in a read
  transaction (the slow part, no write lock held); ``core.alerts`` says what holds; then a short
  write reads the stored alerts as they are by then, reconciles and applies: raise the new (in a
  savepoint: another process raising the same key first makes the partial unique index refuse
  ours, and that is "already raised"), touch what holds, clear what ended (a conditional update:
  only the evaluator that cleared it tells of it). Each raise and clear publishes ``AlertRaised``
  / ``AlertCleared`` and writes one outbox row per enabled webhook in the same unit
  (``services.webhooks.enqueue``).
- ``paas alerts check`` runs ``check_alerts`` by hand: the fallback when nothing happened for a
  while (a window turning is not an event).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paas.config import Settings
from paas.core import alerts as rules_of
from paas.core.alerts import AccountFigures, AlertRules, Condition, Figures, Reconciliation, SessionFigures
from paas.core.errors import InvalidInput, NotFound
from paas.core.events import AlertAcknowledged, AlertCleared, AlertRaised, Event
from paas.core.types import AccountStatus, AlertStatus, Page
from paas.services import forecast, webhooks
from paas.services.scopes import EVERY_PROJECT, Scope
from paas.services.views import View
from paas.store import alerts as store
from paas.store.schema import Alert
from paas.store.unit import Database, Transaction, publish, savepoint

TRIGGERS = frozenset({"usage_recorded", "session_started", "session_ended", "project_rotated",
                      "account_state_changed", "accounts_imported", "usage_imported"})
StatusFilter = Literal["active", "cleared", "all"]
log = logging.getLogger(__name__)


class AlertOut(View):
    id: int
    rule: str = Field(description="threshold, pool_low, runout or account_disabled.")
    key: str = Field(description="The rule and its subject (threshold:session:8): one active alert per key.")
    severity: str
    message: str
    details: dict[str, Any] | None
    account_id: int | None
    project_id: int | None
    session_id: int | None
    status: AlertStatus
    raised_at: datetime
    last_seen_at: datetime = Field(description="The last evaluation that found the condition holding.")
    cleared_at: datetime | None
    acknowledged_at: datetime | None = Field(None, description="When a person said they had seen it (the first "
                                                               "time; it stays active until it clears).")
    acknowledged_by: str | None = Field(None, description="The name of the token that acknowledged it.")


class AlertCheck(View):
    """What one evaluation did."""

    evaluated_at: datetime
    raised: list[AlertOut]
    cleared: list[AlertOut]
    active: int = Field(description="Alerts active after the evaluation.")
    held_back: list[str] = Field(description="Keys that hold but were cleared within the cooldown.")


def rules_from(settings: Settings) -> AlertRules:
    return AlertRules(pool_min_credits=settings.alert_pool_min_credits, runout_hours=settings.alert_runout_hours,
                      cooldown=timedelta(minutes=settings.alert_cooldown_minutes))


def list_alerts(session: Session, *, status: StatusFilter = "active", limit: int = 50,
                offset: int = 0, scope: Scope = EVERY_PROJECT) -> Page[AlertOut]:
    """Alerts newest first: the active ones, the cleared ones, or all (a scoped caller's: those of
    its projects and the pool's own, of no project)."""
    if status not in ("active", "cleared", "all"):
        raise InvalidInput(f"status must be active, cleared or all, not {status!r}",
                           {"field": "status", "allowed": ["active", "cleared", "all"]})
    wanted = None if status == "all" else status
    return store.newest_first(session, status=wanted, limit=limit, offset=offset,
                              projects=scope.project_ids).map(AlertOut.model_validate)


def acknowledge_alert(session: Session, alert_id: int, by: str, now: datetime, *,
                      scope: Scope = EVERY_PROJECT) -> AlertOut:
    """Say a person (``by``: the token's name) has seen the alert; acknowledging it again keeps the
    first acknowledgement. An unknown alert (or one of a project outside ``scope``) is NotFound."""
    found = store.get(session, alert_id)
    if found is None or not scope.allows(found.project_id):
        raise NotFound(f"alert {alert_id} does not exist", {"id": alert_id, "kind": "alert"})
    if store.acknowledge(session, alert_id, by[:200], now):
        publish(session, AlertAcknowledged(alert_id=alert_id, by=by[:200]))
    return AlertOut.model_validate(store.get(session, alert_id))


def figures(session: Session, now: datetime) -> Figures:
    """What the rules look at, from one forecast (``services.forecast``, without the pool simulation):
    every account at ``now`` with its run-out, each session in progress against its threshold."""
    loaded = forecast.compute_forecast(session, now, with_pools=False)
    predicted = loaded.forecast
    units = {item.account_id: item.unit for item in predicted.accounts}
    reasons = store.disabled_reasons(session)
    sessions = []
    for item in predicted.sessions:
        row = loaded.sessions[item.session_id]
        sessions.append(SessionFigures(
            session_id=item.session_id, project_id=item.project_id, project_name=row.project_name,
            account_id=item.account_id, account_name=row.account_name, used=item.account_used,
            threshold=item.threshold, unit=units.get(item.account_id, "credits")))
    accounts = [AccountFigures(account_id=item.account_id, account_name=item.name,
                               disabled=loaded.statuses.get(item.account_id) == AccountStatus.DISABLED.value,
                               disabled_reason=reasons.get(item.account_id), remaining=item.remaining, unit=item.unit)
                for item in predicted.accounts]
    return Figures(sessions=sessions, accounts=accounts, forecasts=predicted.accounts)


@dataclass(frozen=True)
class AlertPlan:
    """What an evaluation read and decided, before it writes (``apply_plan``)."""

    reconciliation: Reconciliation
    active: int


def holding(session: Session, *, rules: AlertRules, now: datetime) -> list[Condition]:
    """The conditions that hold at ``now`` (reads only: run it outside the write lock)."""
    return rules_of.conditions(figures(session, now), rules, now)


def plan_alerts(session: Session, conditions: Sequence[Condition], *, rules: AlertRules,
                now: datetime) -> AlertPlan:
    """Read the stored alerts; decide what to raise, touch and clear for ``conditions``."""
    active = store.active_keys(session)
    recent = store.cleared_since(session, [item.key for item in conditions if item.key not in active],
                                 now - rules.cooldown)
    return AlertPlan(rules_of.reconcile(conditions, active, recent, now, rules.cooldown), len(active))


def apply_plan(session: Session, plan: AlertPlan, now: datetime) -> AlertCheck:
    """Write the plan: a raise another evaluator made first, or a clear it made first, is skipped."""
    decided = plan.reconciliation
    raised = [alert for condition in decided.raise_ if (alert := _raise(session, condition, now)) is not None]
    store.touch(session, decided.touch, now)
    cleared = [alert for alert_id in decided.clear if (alert := _clear(session, alert_id, now)) is not None]
    return AlertCheck(evaluated_at=now, raised=raised, cleared=cleared,
                      active=plan.active - len(cleared) + len(raised), held_back=list(decided.held_back))


def check_alerts(read: Transaction, run: Transaction, *, rules: AlertRules, now: datetime) -> AlertCheck:
    """One evaluation: the figures and forecasts in a read transaction (no write lock held while
    they are computed), then a short retried write that reconciles with the stored alerts as they
    are by then. What ``watch`` runs after a commit, and ``paas alerts check`` by hand."""
    found = read(lambda session: holding(session, rules=rules, now=now))
    return run(lambda session: apply_plan(session, plan_alerts(session, found, rules=rules, now=now), now))


def _raise(session: Session, condition: Condition, now: datetime) -> AlertOut | None:
    try:
        with savepoint(session):
            row = store.insert(session, Alert(
                rule=condition.rule.value, key=condition.key, severity=condition.severity.value,
                message=condition.message, details=dict(condition.details), account_id=condition.account_id,
                project_id=condition.project_id, session_id=condition.session_id,
                status=AlertStatus.ACTIVE.value, raised_at=now, last_seen_at=now))
            alert = AlertOut.model_validate(row)
            publish(session, AlertRaised(alert_id=alert.id, rule=alert.rule, key=alert.key, severity=alert.severity,
                                         message=alert.message, account_id=alert.account_id,
                                         project_id=alert.project_id, session_id=alert.session_id))
            webhooks.enqueue(session, event="alert.raised", alert_id=alert.id,
                             payload={"alert": alert.model_dump(mode="json")}, now=now)
    except IntegrityError as problem:
        if "uq_alerts_active_key" not in str(problem.orig):
            raise
        return None  # another evaluator raised this key first: one alert
    return alert


def _clear(session: Session, alert_id: int, now: datetime) -> AlertOut | None:
    row = store.clear(session, alert_id, now)
    if row is None:
        return None  # another evaluator cleared it first and told of it
    alert = AlertOut.model_validate(row)
    publish(session, AlertCleared(alert_id=alert.id, rule=alert.rule, key=alert.key))
    webhooks.enqueue(session, event="alert.cleared", alert_id=alert.id,
                     payload={"alert": alert.model_dump(mode="json")}, now=now)
    return alert


FOLLOW_UP_SECONDS = 0.25  # under load: one evaluation for all the commits of this long


class Evaluations:
    """At most one evaluation at a time. A commit heard while none runs is evaluated at once, in
    the committing thread (before its answer: the caller's next read sees the alert); commits heard
    while one runs only mark it due, and one follow-up, on a thread of its own ``FOLLOW_UP_SECONDS``
    later, evaluates for all of them. Without this every writer evaluated in turn (a forecast of
    the whole pool each time): under concurrent usage the evaluations queued behind each other."""

    def __init__(self, evaluate: Callable[[], object]) -> None:
        self._evaluate = evaluate
        self._lock = threading.Lock()
        self._busy = self._due = False

    def heard(self) -> None:
        with self._lock:
            if self._busy:
                self._due = True
                return
            self._busy = True
        try:
            self._evaluate()
        finally:
            self._next()

    def _next(self) -> None:
        with self._lock:
            if not self._due:
                self._busy = False
                return
            self._due = False
        threading.Thread(target=self._follow_up, name="alerts-follow-up", daemon=True).start()

    def _follow_up(self) -> None:
        time.sleep(FOLLOW_UP_SECONDS)
        try:
            self._evaluate()
        except Exception:  # noqa: BLE001 - as the bus does for a failing subscriber
            log.exception("alert evaluation failed")
        finally:
            self._next()


def watch(db: Database, rules: AlertRules, clock: Callable[[], datetime]) -> Callable[[], None]:
    """Evaluate after every committed unit whose events can change a condition (``Evaluations``);
    returns the unsubscribe."""
    evaluations = Evaluations(lambda: check_alerts(db.read, db.run, rules=rules, now=clock()))

    def heard(events: Sequence[Event]) -> None:
        if any(event.kind in TRIGGERS for event in events):
            evaluations.heard()

    return db.bus.subscribe_batch(heard)
