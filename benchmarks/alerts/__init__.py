"""The alerts benchmark: what one evaluation after a commit costs over a large SQLite ledger, how long
of it holds the write lock, what it adds to a usage report, and that a burst past a threshold is one
alert; then webhook deliveries to a local server.

The database is the forecast benchmark's (``benchmarks.forecast.timing.build``: ``paas demo --scale``'s
generator, then 20 sessions in progress with usage in the last hour). Each figure is the median of
``RUNS`` runs after one warm-up. ``run(quick=False) -> dict`` prints the table and writes
``benchmarks/results/alerts.json``; full: 1,000,000 events; quick: 50,000.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "alerts.json"
RUNS = 9
TARGET_EVALUATION_MS = 100.0  # added after each committed write: a tenth of a second at most
TARGET_LOCK_MS = 10.0  # of which the write lock (SQLite: every other writer waits)
BURST = 200
DELIVERIES = 300


def _median_ms(work: Callable[[], Any]) -> float:
    samples = []
    for attempt in range(RUNS + 1):
        started = time.perf_counter()
        work()
        if attempt:  # the first is the warm-up
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _evaluation(engine: Any) -> dict[str, Any]:
    from benchmarks.forecast.timing import NOW

    from paas.core.alerts import AlertRules
    from paas.services import alerts
    from paas.store.unit import Database

    db, rules = Database(engine), AlertRules()
    found = db.read(lambda session: alerts.holding(session, rules=rules, now=NOW))
    read_ms = _median_ms(lambda: db.read(lambda session: alerts.holding(session, rules=rules, now=NOW)))
    write_ms = _median_ms(lambda: db.run(lambda session: alerts.apply_plan(
        session, alerts.plan_alerts(session, found, rules=rules, now=NOW), NOW)))
    total_ms = _median_ms(lambda: alerts.check_alerts(db.read, db.run, rules=rules, now=NOW))
    active = len(db.read(lambda session: alerts.list_alerts(session, limit=500)).items)
    return {"conditions_ms": round(read_ms, 1), "reconcile_ms": round(write_ms, 1),
            "evaluation_ms": round(total_ms, 1), "conditions": len(found), "active_alerts": active}


def _usage_cost(engine: Any) -> dict[str, Any]:
    """A usage report on a working session, without and with the alerts' subscriber."""
    from benchmarks.forecast.timing import NOW

    from paas.core.alerts import AlertRules
    from paas.services import alerts, sessions
    from paas.store.unit import Database

    working = Database(engine).read(lambda session: sessions.list_sessions(session, status="in_progress", limit=1))
    session_id = working.items[0].id
    bare, watched = Database(engine), Database(engine)
    alerts.watch(watched, AlertRules(), lambda: NOW)

    def report(db: Database) -> None:
        db.run(lambda session: sessions.record_usage(session, session_id, credits=1, now=NOW))

    bare_ms = _median_ms(lambda: report(bare))
    watched_ms = _median_ms(lambda: report(watched))
    return {"usage_ms": round(bare_ms, 1), "usage_with_alerts_ms": round(watched_ms, 1),
            "added_ms": round(watched_ms - bare_ms, 1)}


def _burst(engine: Any) -> dict[str, Any]:
    """``BURST`` usages past a fresh session's threshold: how many alerts and raise events."""
    from benchmarks.forecast.timing import NOW

    from paas.core.alerts import AlertRules
    from paas.services import accounts, alerts, projects, sessions
    from paas.store.unit import Database

    db = Database(engine)
    raised: list[Any] = []
    db.bus.subscribe(lambda event: raised.append(event) if event.kind == "alert_raised" else None)
    alerts.watch(db, AlertRules(), lambda: NOW)
    work = db.run(lambda session: sessions.start_session(
        session, project_id=projects.create_project(session, name="Alerts bench").id,
        account_id=accounts.create_account(session, account_name="Burst", quota=10**9, rotate_threshold=10,
                                           now=NOW - timedelta(days=1)).id, now=NOW))
    for _ in range(BURST):
        db.run(lambda session: sessions.record_usage(session, work.id, credits=10, now=NOW))
    keys = [event.key for event in raised if event.key == f"threshold:session:{work.id}"]
    return {"burst_usages": BURST, "threshold_alerts_raised": len(keys)}


def _deliveries(engine: Any, count: int) -> dict[str, Any]:
    from benchmarks.forecast.timing import NOW

    from paas.services import webhooks
    from paas.services.credentials import CredentialVault, new_key
    from paas.store.unit import Database, transaction

    got: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            got.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    vault = CredentialVault((new_key(),))
    try:
        with transaction(engine) as session:
            webhooks.add_webhook(session, url=f"http://127.0.0.1:{server.server_address[1]}/hook", vault=vault,
                                 now=NOW)
            for index in range(count):
                webhooks.enqueue(session, event="alert.raised", alert_id=None,
                                 payload={"alert": {"key": f"bench:{index}"}}, now=NOW)
        started = time.perf_counter()
        done = webhooks.deliver_due(Database(engine).run, vault=vault, now=NOW, limit=count)
        seconds = time.perf_counter() - started
    finally:
        server.shutdown()
        server.server_close()
    return {"deliveries": count, "delivered": done.delivered, "received": len(got),
            "delivery_seconds": round(seconds, 2), "deliveries_per_second": round(count / seconds, 1)}


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    from benchmarks.forecast.timing import build

    from paas.store.db import make_engine

    events = 50_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="paas-alerts-bench-") as folder:
        path = Path(folder) / "alerts.db"
        filled_by = build(path, events)
        engine = make_engine(f"sqlite:///{path}")
        try:
            result: dict[str, Any] = {"quick": quick, "events": events, "filled_by": filled_by,
                                      **_evaluation(engine), **_usage_cost(engine), **_burst(engine),
                                      **_deliveries(engine, 50 if quick else DELIVERIES)}
        finally:
            engine.dispose()
    result["within_evaluation"] = result["evaluation_ms"] <= TARGET_EVALUATION_MS
    result["within_lock"] = result["reconcile_ms"] <= TARGET_LOCK_MS
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def print_table(result: dict[str, Any]) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(f"alerts over {result['events']:,} credit events (SQLite; {result['filled_by']}); median of {RUNS}; "
          f"{result['conditions']} conditions hold, {result['active_alerts']} alerts active")
    print(f"{'measure':<44} {'ms':>8}  {'target':<10} result")
    print(f"{'conditions (read transaction)':<44} {result['conditions_ms']:>8.1f}")
    print(f"{'reconcile and apply (write lock held)':<44} {result['reconcile_ms']:>8.1f}  {'≤ 10 ms':<10} "
          f"{verdict(result['within_lock'])}")
    print(f"{'one evaluation after a commit':<44} {result['evaluation_ms']:>8.1f}  {'≤ 100 ms':<10} "
          f"{verdict(result['within_evaluation'])}")
    print(f"{'usage report, no subscriber':<44} {result['usage_ms']:>8.1f}")
    print(f"{'usage report, alerts evaluated after it':<44} {result['usage_with_alerts_ms']:>8.1f}")
    burst_ok = result["threshold_alerts_raised"] == 1
    print(f"{result['burst_usages']} usages past one threshold: {result['threshold_alerts_raised']} alert raised "
          f"(1 expected) {verdict(burst_ok)}")
    print(f"{result['deliveries']} webhook deliveries to a local server: {result['received']} received in "
          f"{result['delivery_seconds']} s ({result['deliveries_per_second']}/s, signed, one POST each)")


__all__ = ["run"]
