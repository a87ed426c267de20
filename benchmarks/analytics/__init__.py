"""The credit-analytics benchmark: analyze-credits over a million ledger events on SQLite, beside
a bare ``SELECT SUM(credits) FROM credit_events`` over the same table in the same run.

Two databases, built fresh in a temp folder: ``paas demo --scale N`` as a user runs it (1,000,000
events; ``--quick``: 50,000), sessions of 20-100 events; and the same N through the service with
sessions of 5-15 events, so that a million events make ~100,000 sessions (the issue's other
figure). On each: the service call for all projects over 30 and 90 days and for the busiest
project over 30 days, each the median of ``RUNS`` after one warm-up, against two targets: at most
300 ms, and at most 5x the SUM's median. ``run(quick=False) -> dict`` prints the table and writes
``benchmarks/results/analytics.json``.
"""

from __future__ import annotations

from typing import Any


def run(quick: bool = False, **options: Any) -> dict[str, Any]:
    from benchmarks.analytics.runner import run as run_benchmark

    return run_benchmark(quick, **options)


__all__ = ["run"]
