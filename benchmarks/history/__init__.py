"""The history benchmark: a backtest of task-cost estimates (nearest past sessions against the
global-mean and per-session-type-mean baselines, and the suited account against the truly most
efficient one) and the estimate's latency end to end over SQLite.

``run(quick=False) -> dict`` prints the tables and writes ``benchmarks/results/history.json``;
``python -m benchmarks.history [--quick]`` does the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "history.json"


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    from benchmarks.history.backtest import backtest
    from benchmarks.history.service import measure

    tested = backtest(800 if quick else 6000)
    print(f"task-cost backtest: {tested['sessions']} generated sessions, trained on the first {tested['train']}, "
          f"predicting the {tested['test']} later ones that got done")
    print(f"{'method':<72} {'MAE':>7} {'median AE':>10}")
    for row in tested["rows"]:
        print(f"{row['method']:<72} {row['mae']:>7.2f} {row['median_ae']:>10.2f}")
    knn, baseline = tested["rows"][0]["mae"], tested["rows"][2]["mae"]
    print(f"MAE vs the global mean: {100 * (baseline - knn) / baseline:.0f}% lower; actual within the estimate's "
          f"20th-80th percentile spread: {tested['interval_coverage']:.0%}; fell back to the global mean: "
          f"{tested['fallback_share']:.0%}")
    suited = tested["suited"]
    right = "-" if suited["right"] is None else f"{suited['right']:.0%}"
    print(f"suited account = the truly most efficient on the task's family: {right} of {suited['asked']} "
          f"(baselines: the account cheapest overall {suited['baseline_cheapest_overall_right']:.0%}, "
          f"random {suited['baseline_random']:.0%})")
    print(f"index of {tested['train']} sessions built in {tested['index_build_ms']:.0f} ms; "
          f"a query {tested['query_ms_median']:.2f} ms (median)\n")
    timed = measure(800 if quick else 6000, 2 if quick else 5)
    print(f"end to end over SQLite ({timed['sessions_in_db']} sessions, the newest {timed['sessions_read']} read)")
    for key, label in (("estimate_first_ms", "estimate_task, first call (words + index)"),
                       ("estimate_next_median_ms", "estimate_task, next calls (index kept), median"),
                       ("select_best_with_task_median_ms", "select_best_accounts with a task, median"),
                       ("select_best_without_task_median_ms", "select_best_accounts without a task, median")):
        print(f"{label:<52} {timed[key]:>8.1f} ms")
    result = {"backtest": tested, "service": timed}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


__all__ = ["run"]
