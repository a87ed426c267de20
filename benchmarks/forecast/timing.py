"""The forecast service over a large SQLite ledger, timed beside a bare ``SUM(credits)`` of the same table.

The database: ``paas demo --scale N``'s generator (``services.demo_scale``: N events over realistic
sessions of the last 90 days, ~200 accounts at a million) when it is there, else a plain bulk load of
the same size (events spread over 90 days on 200 accounts); then sessions in progress on 20
accounts with usage in the last hour, so the forecast has work to project. Each figure is the
median of ``RUNS`` runs, each in its own read transaction, after one warm-up.
"""

from __future__ import annotations

import importlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
RUNS = 7
TARGET_MS = 300.0
TARGET_RATIO = 5.0
WORKING_ACCOUNTS = 20


def _progress(total: int, label: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        return (lambda _: None), (lambda: None)
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=total)
    bar.start()
    return (lambda done: bar.advance(task, done)), bar.stop


def _bulk_events(session: Any, events: int, advance: Callable[[int], None]) -> str:
    from paas.store import ledger
    from paas.store.schema import Account

    rng = random.Random(11)
    accounts = [Account(account_name=f"Bulk-{index:03d}", quota=100) for index in range(200)]
    session.add_all(accounts)
    session.flush()
    ids = [account.id for account in accounts]
    done = 0
    while done < events:
        size = min(50_000, events - done)
        ledger.append_rows(session, [{"account_id": rng.choice(ids), "credits": rng.randint(1, 5),
                                      "occurred_at": NOW - timedelta(days=90) * rng.random()} for _ in range(size)])
        done += size
        advance(size)
    return "bulk load (services.demo_scale not found)"


def build(path: Path, events: int) -> str:
    """Create and fill the database; answers how it was filled."""
    from paas.services import accounts as account_service
    from paas.services import projects, sessions
    from paas.store.db import make_engine, upgrade
    from paas.store.unit import transaction

    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    advance, stop = _progress(events, f"{events:,} credit events")
    try:
        with transaction(engine) as session:
            try:
                scale = importlib.import_module("paas.services.demo_scale")
            except ImportError:
                how = _bulk_events(session, events, advance)
            else:
                scale.generate(session, now=NOW, events=events, progress=advance)
                how = "paas demo --scale (services.demo_scale.generate)"
    finally:
        stop()
    with transaction(engine) as session:
        project = projects.create_project(session, name="Forecast bench")
        for index in range(WORKING_ACCOUNTS):
            account = account_service.create_account(session, account_name=f"Working-{index:02d}",
                                                      now=NOW - timedelta(hours=8))
            started = NOW - timedelta(minutes=60)
            work = sessions.start_session(session, project_id=project.id, account_id=account.id, now=started)
            for step in range(1, 11):
                sessions.record_usage(session, work.id, credits=1 + (index + step) % 4,
                                      now=started + timedelta(minutes=6 * step - 1))
    engine.dispose()
    return how


def median_ms(engine: Engine, work: Callable[[Any], Any]) -> float:
    from paas.store.unit import transaction

    samples = []
    for attempt in range(RUNS + 1):
        with transaction(engine, write=False) as session:
            started = time.perf_counter()
            work(session)
            elapsed = (time.perf_counter() - started) * 1000
        if attempt:  # the first is the warm-up
            samples.append(elapsed)
    return statistics.median(samples)


def run_timing(events: int, folder: Path) -> dict[str, Any]:
    from paas.services.forecast import show_forecast
    from paas.store.db import make_engine

    path = folder / f"forecast-{events}.db"
    started = time.perf_counter()
    how = build(path, events)
    built_seconds = time.perf_counter() - started
    engine = make_engine(f"sqlite:///{path}")
    try:
        total = median_ms(engine, lambda session: session.execute(text("SELECT SUM(credits) FROM credit_events"))
                          .scalar())
        forecast_ms = median_ms(engine, lambda session: show_forecast(session, NOW))
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT COUNT(*) FROM credit_events")).scalar_one()
            accounts = connection.execute(text("SELECT COUNT(*) FROM accounts")).scalar_one()
    finally:
        engine.dispose()
    ratio = forecast_ms / total if total > 0 else float("inf")
    return {"events": int(rows), "accounts": int(accounts), "filled_by": how, "build_seconds": round(built_seconds, 1),
            "sum_ms": round(total, 1), "forecast_ms": round(forecast_ms, 1), "ratio": round(ratio, 2),
            "target_ms": TARGET_MS, "target_ratio": TARGET_RATIO,
            "within_ms": forecast_ms <= TARGET_MS, "within_ratio": ratio <= TARGET_RATIO}


def print_timing(result: dict[str, Any]) -> None:
    print(f"forecast over {result['events']:,} credit events, {result['accounts']} accounts (SQLite; "
          f"{result['filled_by']}, built in {result['build_seconds']} s); median of {RUNS}")
    print(f"{'measure':<34} {'ms':>8}  {'target':<18} result")
    print(f"{'SELECT SUM(credits) (baseline)':<34} {result['sum_ms']:>8.1f}")
    print(f"{'forecast service (show_forecast)':<34} {result['forecast_ms']:>8.1f}  {'≤ 300 ms':<18} "
          f"{'PASS' if result['within_ms'] else 'FAIL'}")
    verdict = "PASS" if result["within_ratio"] else "FAIL"
    print(f"{'forecast / SUM':<34} {result['ratio']:>7.2f}×  {'≤ 5×':<18} {verdict}")
