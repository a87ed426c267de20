"""The accounts benchmark: batch create, select-best, concurrent auto-rotate over HTTP.

``run(quick=False) -> dict`` runs all three, prints one table each (measure, value,
baseline/target, PASS/FAIL) and writes ``benchmarks/results/accounts.json``;
``python -m benchmarks.accounts [--quick]`` does the same. Modules: ``batch`` (10,000
accounts via ``services.batch.create_accounts`` vs raw executemany), ``selection``
(``SelectionPool.rank`` latency vs a full scan, and the service end to end over SQLite),
``rotation`` (the real server under concurrent auto-rotates; 5xx, leases, ledger checks).
"""

from __future__ import annotations

from typing import Any


def run(quick: bool = False, **options: Any) -> dict[str, Any]:
    from benchmarks.accounts.cli import run as run_benchmark

    return run_benchmark(quick, **options)


__all__ = ["run"]
