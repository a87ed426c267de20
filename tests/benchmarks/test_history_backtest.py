"""The task-cost backtest on a small seeded history: deterministic, and the estimate beats its baselines."""

from __future__ import annotations

from benchmarks.history.backtest import backtest
from benchmarks.history.generator import generate


def test_the_history_is_seeded_and_time_ordered() -> None:
    _, first = generate(200)
    _, again = generate(200)
    assert first == again
    assert [item.started_at for item in first] == sorted(item.started_at for item in first)
    assert {item.status for item in first} <= {"completed", "handed_off", "failed"}


def test_neighbours_beat_the_global_and_type_means() -> None:
    result = backtest(600)
    by_method = {row["method"]: row for row in result["rows"]}
    knn = by_method["nearest neighbours (weighted median)"]["mae"]
    assert knn < by_method["baseline: global mean"]["mae"]
    assert knn < by_method["baseline: per-session-type mean"]["mae"]
    assert result["suited"]["right"] > result["suited"]["baseline_random"]
