"""Real-thread races for the concurrency tests: every thread starts at the same barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def race(count: int, work: Callable[[int], Any]) -> list[tuple[str, Any]]:
    """Run ``work(i)`` in ``count`` threads at once; each outcome is ("ok", value) or ("error", exception)."""
    barrier = threading.Barrier(count)

    def attempt(index: int) -> tuple[str, Any]:
        barrier.wait()
        try:
            return "ok", work(index)
        except Exception as problem:  # noqa: BLE001 - the test inspects what each thread got
            return "error", problem

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))
