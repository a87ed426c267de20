"""The session-end backtest: its history is seeded and ends every session at the threshold, as the
ledger would count it; every method is scored at every point."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from benchmarks.forecast.backtest import FRACTIONS, METHODS, THRESHOLD, WINDOW, run_backtest, simulate_session


def test_a_simulated_session_ends_where_its_window_reaches_the_threshold() -> None:
    rng = random.Random(3)
    for _ in range(50):
        work = simulate_session(rng, datetime(2026, 6, 1, tzinfo=UTC) + timedelta(hours=rng.uniform(0, 240)))
        start = WINDOW.start(work.ended)
        counted = sum(credits for moment, credits in work.spends if moment >= start)
        if start <= work.started:
            counted += work.opening
        assert counted >= THRESHOLD and counted - work.spends[-1][1] < THRESHOLD
        assert work.crosses_reset is (WINDOW.start(work.started) != start)


def test_the_backtest_is_seeded_and_scores_every_method() -> None:
    first, second = run_backtest(40), run_backtest(40)
    assert first == second
    rows = {(row["group"], row["at"]): row for row in first["rows"]}
    assert set(rows) == {(group, at) for group in ("all", "no reset")
                         for at in (*(f"{share:.0%}" for share in FRACTIONS), "overall")}
    for row in rows.values():
        assert all(row[method] >= 0 for method in METHODS)
    assert rows[("all", "overall")]["count"] == 40
    assert rows[("all", "75%")]["model"] < rows[("all", "25%")]["model"]  # less to predict, less error
    drifting = run_backtest(40, history_name="drifting")
    assert drifting["history_name"] == "drifting" and drifting["rows"] != first["rows"]
