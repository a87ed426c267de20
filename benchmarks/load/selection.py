"""Select-best and rotation at 10,000 stored accounts, through the services (database load included).

SQLite, and PostgreSQL when it answers (a fresh schema, dropped after): 10,000 accounts created by
``services.batch.create_accounts`` (30% with credits already used), then ``select_best_accounts``
with varied requests (words, platform, min_credits, limit 1 and 10) in read transactions, and
``auto_rotate`` of one project round the pool in write transactions. Target: p50 ≤ 20 ms each.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.accounts.common import account_rows, percentiles, pg_answers, pg_schema

TARGET_P50_MS = 20.0
ACCOUNTS = 10_000


def measure(url: str, calls: int) -> dict[str, Any]:
    from benchmarks.accounts.selection import requests

    from paas.services.batch import create_accounts
    from paas.services.projects import create_project
    from paas.services.rotation import auto_rotate
    from paas.services.selection import select_best_accounts
    from paas.services.sessions import start_session
    from paas.store.db import make_engine, upgrade
    from paas.store.unit import transaction

    upgrade(url)
    engine = make_engine(url)
    try:
        now = datetime.now(UTC)
        with transaction(engine) as session:
            ids = [account_id for account_id, _ in
                   create_accounts(session, account_rows(ACCOUNTS, seed=19), now=now).created]
            project = create_project(session, name="selection at scale", description="React, Vue, UI/UX Design")
            start_session(session, project_id=project.id, account_id=ids[0], now=now)
        select_ms = []
        for request in requests(calls, seed=17):
            started = time.perf_counter()
            with transaction(engine, write=False) as session:
                select_best_accounts(session, now=datetime.now(UTC), specialization=request.specialization,
                                     platform=request.platform, min_credits=request.min_credits,
                                     limit=request.limit)
            select_ms.append((time.perf_counter() - started) * 1000)
        rotate_ms, current = [], ids[0]
        for _ in range(calls):
            started = time.perf_counter()
            with transaction(engine) as session:
                result = auto_rotate(session, project_id=project.id, current_account_id=current,
                                     now=datetime.now(UTC))
                current = result.next_view.account.id
            rotate_ms.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    return {"select_best": percentiles(select_ms), "rotation": percentiles(rotate_ms)}


def run(quick: bool = False) -> dict[str, Any]:
    from benchmarks.load.report import LoadTable, Row

    calls = 10 if quick else 40
    table = LoadTable(f"select-best and rotation through the services, {ACCOUNTS:,} stored accounts")
    data: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="paas-bench-select-") as folder, ExitStack() as stack:
        backends = [("SQLite", lambda: f"sqlite:///{Path(folder) / 'paas.db'}")]
        if pg_answers():
            backends.append(("PostgreSQL", lambda: stack.enter_context(pg_schema(f"paas_bench_sel_{os.getpid()}"))))
        for label, url_of in backends:
            found = data[label] = measure(url_of(), calls)
            for kind in ("select_best", "rotation"):
                stats = found[kind]
                row = Row(f"{label}: {kind.replace('_', '-')} ({stats['n']} calls)", "",
                          f"{stats['p50_ms']:.1f} ms", f"{stats['p99_ms']:.1f} ms",
                          target=f"p50 ≤ {TARGET_P50_MS:.0f} ms")
                table.add(row, stats["p50_ms"] <= TARGET_P50_MS)
    table.print()
    return {"table": table.as_json(), **data}
