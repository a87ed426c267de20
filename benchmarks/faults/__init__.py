"""Faults: what a real ``paas serve`` does when something breaks under it (loopback only, bounded).

1. ``kill -9`` of the server process in the middle of a 10,000-account batch (SQLite): the batch is
   one transaction, so after each kill the database holds all of the batch or none of it, and
   passes ``PRAGMA integrity_check``; a restarted server serves it.
2. PostgreSQL restarted under load: a private cluster (``initdb`` into a temporary folder, its own
   port; the shared server on 5432 is never touched) is restarted with ``pg_ctl restart -m fast``
   while clients read and write through 2 workers: every answer is 2xx or a clean 503 with
   ``Retry-After`` (never another 5xx, never a hung request), and the server recovers without a
   restart of its own. Skipped, and said so, where ``initdb``/``pg_ctl`` are missing.
3. SQLite busy: another process holds the write lock. Shorter than the busy timeout, writes wait
   and then succeed; longer, they end as a clean 503 with ``Retry-After`` in about the busy
   timeout, and succeed again once the lock is gone.

``python -m benchmarks --only faults [--quick]``; results in ``benchmarks/results/faults.json``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.accounts.common import REPO, Table
from benchmarks.faults import busy, kill_batch, pg_restart

RESULTS = REPO / "benchmarks" / "results" / "faults.json"


def run(quick: bool = False) -> dict[str, Any]:
    table = Table("Faults: a real `paas serve` (kill -9 in a batch, PostgreSQL restarted, SQLite busy)")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="paas-faults-") as folder:
        for name, part in (("kill_batch", kill_batch), ("pg_restart", pg_restart), ("sqlite_busy", busy)):
            results[name] = part.measure(Path(folder) / name, quick=quick)
            part.add_rows(table, results[name])
    table.print()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"quick": quick, "results": results, "table": table.as_json()}, indent=2,
                                  default=str) + "\n", encoding="utf-8")
    return results
