"""Build the databases, time the queries, print the table, write the JSON (see the package docstring)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "analytics.json"
TARGET_MS = 300.0
TARGET_RATIO = 5.0
RUNS = 7
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _paas(url: str, *args: str) -> None:
    env = {**os.environ, "PAAS_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "paas.cli", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def build_with_cli(url: str, events: int) -> float:
    """`paas init` then `paas demo --scale N`, as a user runs them; seconds for the demo."""
    _paas(url, "init")
    start = time.perf_counter()
    _paas(url, "demo", "--scale", str(events))
    return time.perf_counter() - start


def build_many_sessions(url: str, events: int) -> float:
    """The same N through the service, sessions of 5-15 events (~100,000 sessions a million)."""
    from paas.services.demo_scale import generate
    from paas.store.db import make_engine
    from paas.store.unit import transaction

    _paas(url, "init")
    engine = make_engine(url)
    try:
        start = time.perf_counter()
        with transaction(engine) as session:
            generate(session, now=NOW, events=events, session_events=(5, 15))
        return time.perf_counter() - start
    finally:
        engine.dispose()


def median_ms(call: Callable[[], Any]) -> tuple[float, float]:
    """(median, first) in milliseconds: the first run is the cold one (statement compiled, pages read)."""
    samples = []
    for _ in range(RUNS + 1):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples[1:]), samples[0]


def measure(url: str, now: datetime) -> list[dict[str, Any]]:
    from paas.services.analytics import analyze_credits
    from paas.store import analytics as store
    from paas.store.db import make_engine
    from paas.store.unit import transaction

    engine = make_engine(url)
    try:
        with transaction(engine, write=False) as session:
            project_id = _busiest_project(session)
            sum_ms, sum_first = median_ms(lambda: store.credits_total(session))
            rows = [{"query": "SELECT SUM(credits) FROM credit_events", "median_ms": sum_ms, "first_ms": sum_first}]
            for label, options in (("analyze-credits, all projects, 30 days", {"days": 30}),
                                   ("analyze-credits, all projects, 90 days", {"days": 90}),
                                   (f"analyze-credits, project {project_id}, 30 days",
                                    {"days": 30, "project_id": project_id})):
                answer = analyze_credits(session, now=now, **options)
                ms, first = median_ms(lambda options=options: analyze_credits(session, now=now, **options))
                rows.append({"query": label, "median_ms": ms, "first_ms": first, "sessions": answer.total_sessions,
                             "times_sum": ms / sum_ms,
                             "pass": ms <= TARGET_MS and ms <= TARGET_RATIO * sum_ms})
            return rows
    finally:
        engine.dispose()


def _busiest_project(session: Any) -> int:
    from sqlalchemy import func, select

    from paas.store.schema import WorkSession

    statement = (select(WorkSession.project_id).group_by(WorkSession.project_id)
                 .order_by(func.count().desc(), WorkSession.project_id).limit(1))
    return int(session.scalar(statement))


def counts(url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from paas.store.db import make_engine
    from paas.store.schema import CreditEvent, WorkSession
    from paas.store.unit import transaction

    engine = make_engine(url)
    try:
        with transaction(engine, write=False) as session:
            return (int(session.scalar(select(func.count()).select_from(CreditEvent)) or 0),
                    int(session.scalar(select(func.count()).select_from(WorkSession)) or 0))
    finally:
        engine.dispose()


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    events = 50_000 if quick else 1_000_000
    result: dict[str, Any] = {"events": events, "runs": RUNS, "target_ms": TARGET_MS, "target_ratio": TARGET_RATIO,
                              "databases": []}
    with tempfile.TemporaryDirectory(prefix="paas-analytics-bench-") as folder:
        for name, build in (("paas demo --scale", build_with_cli), ("sessions of 5-15 events", build_many_sessions)):
            url = f"sqlite:///{Path(folder) / (name.split()[0] + '.db')}"
            print(f"building {name} {events:,} ...", flush=True)
            seconds = build(url, events)
            ledger, sessions = counts(url)
            # The CLI's demo uses the real clock as its `now`; the service build uses NOW.
            now = datetime.now(UTC) if build is build_with_cli else NOW
            rows = measure(url, now)
            result["databases"].append({"name": name, "build_seconds": round(seconds, 1), "events": ledger,
                                        "sessions": sessions, "rows": rows})
            _print(name, seconds, ledger, sessions, rows, quick)
    verdicts = [row["pass"] for database in result["databases"] for row in database["rows"] if "pass" in row]
    result["all_pass"] = None if quick else all(verdicts)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def _print(name: str, seconds: float, events: int, sessions: int, rows: list[dict[str, Any]], quick: bool) -> None:
    print(f"\n{name}: {events:,} credit events, {sessions:,} sessions (built in {seconds:.1f} s), SQLite")
    print(f"{'query':<42} {'sessions':>8} {'median ms':>10} {'first ms':>9} {'x SUM':>6}  target")
    for row in rows:
        verdict = "" if "pass" not in row else f"<= {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x SUM  " + (
            "(set for 1M events)" if quick else "PASS" if row["pass"] else "FAIL")
        ratio = f"{row['times_sum']:.1f}" if "times_sum" in row else "1.0"
        print(f"{row['query']:<42} {row.get('sessions', ''):>8} {row['median_ms']:>10.1f} {row['first_ms']:>9.1f} "
              f"{ratio:>6}  {verdict}")
