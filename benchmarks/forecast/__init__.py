"""The forecast benchmark: the session-end backtest (``backtest``) and the forecast service timed over a
large SQLite ledger beside a bare ``SUM(credits)`` (``timing``).

``run(quick=False) -> dict`` prints both tables and writes ``benchmarks/results/forecast.json``;
``python -m benchmarks.forecast [--quick]`` does the same. Full: 2,000 backtest sessions and
1,000,000 credit events; quick: 300 sessions and 50,000 events.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "forecast.json"


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    from benchmarks.forecast.backtest import HISTORIES, print_backtest, run_backtest
    from benchmarks.forecast.timing import print_timing, run_timing

    backtests = [run_backtest(300 if quick else 2000, history_name=name) for name in HISTORIES]
    for backtest in backtests:
        print_backtest(backtest)
        print()
    with tempfile.TemporaryDirectory(prefix="paas-forecast-bench-") as folder:
        timing = run_timing(50_000 if quick else 1_000_000, Path(folder))
    print_timing(timing)
    result = {"quick": quick, "backtests": backtests, "timing": timing}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


__all__ = ["run"]
