"""The session-end backtest: predict when a session reaches its rotate threshold, at 25/50/75% of its life.

History (seeded, ``sessions``): each session holds one account (quota 100, a daily window at 00:00
UTC, threshold 90) that starts it with 0–40 credits already used, and reports usage in steps of
1–5 credits. Its burn varies from session to session (log-normal, median 30 an hour, ×/÷ 1.8) and
within it: the log of the rate takes a random walk (a new step every ~10 minutes, σ 0.25, pulled
back towards the session's own level), the way a session alternates reading, editing and test
runs. A session that crosses midnight has its account's window reset under it and goes on until
the new window reaches the threshold, as the ledger would count it.

Predictions, each made with only the spends up to that moment:
- **model**: ``core.forecasting.reaches_level_at`` at ``burn_rate(since=session start)``: the
  exponentially weighted rate (1 h half-life) and the next reset;
- **rate only**: the model's rate, extrapolated from now with no reset (what the weighting alone does);
- **mean duration**: the session's start plus the mean life of the sessions before it (the first
  ``HISTORY`` sessions are only history);
- **linear**: credits still to go at the session's average rate so far (ignores resets).
Errors are absolute, in minutes; "no reset" repeats the table for sessions that end in the window
they started in (where the model's reset-awareness cannot help it).
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from paas.core.forecasting import burn_rate, reaches_level_at
from paas.core.quotas import QuotaWindow

QUOTA, THRESHOLD = 100, 90
WINDOW = QuotaWindow()
HISTORY = 100
FRACTIONS = (0.25, 0.5, 0.75)
METHODS = ("model", "rate only", "mean duration", "linear")


@dataclass(frozen=True)
class Simulated:
    started: datetime
    opening: int
    spends: tuple[tuple[datetime, int], ...]  # the session's own spends, in time order
    ended: datetime
    crosses_reset: bool


def simulate_session(rng: random.Random, started: datetime, drift: float = 0.0) -> Simulated:
    level = math.log(30) + rng.gauss(0, math.log(1.8))
    log_rate = level
    opening = rng.randint(0, 40)
    used, moment, changed = opening, started, started
    reset = WINDOW.next_reset(started)
    spends: list[tuple[datetime, int]] = []
    crosses = False
    while used < THRESHOLD:
        if moment - changed >= timedelta(minutes=10):
            log_rate += 0.3 * (level - log_rate) + rng.gauss(0, 0.25)
            level += drift
            changed = moment
        credits = rng.randint(1, 5)
        moment += timedelta(hours=credits / math.exp(log_rate) * rng.uniform(0.6, 1.4))
        if moment >= reset:  # the window turned: the account's count starts again from zero
            used, reset, crosses = 0, WINDOW.next_reset(moment), True
        used += credits
        spends.append((moment, credits))
    return Simulated(started=started, opening=opening, spends=tuple(spends), ended=moment, crosses_reset=crosses)


def _used_in_window(work: Simulated, now: datetime) -> int:
    start = WINDOW.start(now)
    before = work.opening if start <= work.started else 0
    return before + sum(credits for moment, credits in work.spends if start <= moment <= now)


def predictions(work: Simulated, now: datetime, mean_life: timedelta) -> dict[str, datetime]:
    seen = [spend for spend in work.spends if spend[0] <= now]
    used = _used_in_window(work, now)
    rate = burn_rate(seen, now, since=work.started)
    model = reaches_level_at(THRESHOLD, used, rate, now, WINDOW, WINDOW.next_reset(now))
    elapsed_hours = (now - work.started).total_seconds() / 3600
    average = sum(credits for _, credits in seen) / elapsed_hours if elapsed_hours > 0 else 0.0
    linear = now + timedelta(hours=(THRESHOLD - used) / average) if average > 0 and used < THRESHOLD else now
    far = now + timedelta(days=2)  # "never at this rate" scored as two days away
    rate_only = now + timedelta(hours=(THRESHOLD - used) / rate) if rate > 0 and used < THRESHOLD else now
    return {"model": model or far, "rate only": min(rate_only, far),
            "mean duration": max(now, work.started + mean_life), "linear": min(linear, far)}


HISTORIES = {"steady": 0.0, "drifting": math.log(1.05)}


def run_backtest(sessions: int, seed: int = 20261125, history_name: str = "steady") -> dict[str, Any]:
    rng = random.Random(seed)
    origin = datetime(2026, 6, 1, tzinfo=UTC)
    drift = HISTORIES[history_name]
    history = [simulate_session(rng, origin + timedelta(hours=rng.uniform(0, 24 * 60)), drift)
               for _ in range(sessions + HISTORY)]
    errors: dict[tuple[str, str, float], list[float]] = {}
    lives = [work.ended - work.started for work in history[:HISTORY]]
    for work in history[HISTORY:]:
        mean_life = sum(lives, timedelta(0)) / len(lives)
        life = work.ended - work.started
        for fraction in FRACTIONS:
            now = work.started + life * fraction
            for method, predicted in predictions(work, now, mean_life).items():
                minutes = abs((predicted - work.ended).total_seconds()) / 60
                for group in ("all", "no reset" if not work.crosses_reset else "crosses a reset"):
                    errors.setdefault((group, method, fraction), []).append(minutes)
        lives.append(life)
    rows = []
    for group in ("all", "no reset"):
        for fraction in (*FRACTIONS, None):
            row: dict[str, Any] = {"group": group, "at": "overall" if fraction is None else f"{fraction:.0%}"}
            for method in METHODS:
                found = [value for (kind, name, share), values in errors.items() for value in values
                         if kind == group and name == method and (fraction is None or share == fraction)]
                row[method] = round(statistics.fmean(found), 1)
            row["count"] = len(found) // (1 if fraction is not None else len(FRACTIONS))
            row["vs_mean_duration"] = round(1 - row["model"] / row["mean duration"], 3)
            row["vs_linear"] = round(1 - row["model"] / row["linear"], 3)
            rows.append(row)
    lives_min = [(work.ended - work.started).total_seconds() / 60 for work in history]
    return {"history_name": history_name, "sessions": sessions, "history": HISTORY, "seed": seed, "rows": rows,
            "median_life_minutes": round(statistics.median(lives_min), 1),
            "crossing_reset": sum(work.crosses_reset for work in history[HISTORY:])}


def print_backtest(result: dict[str, Any]) -> None:
    print(f"session-end backtest, {result['history_name']} history: {result['sessions']} sessions after "
          f"{result['history']} of history "
          f"(median life {result['median_life_minutes']} min, {result['crossing_reset']} cross a reset); "
          "mean absolute error, minutes")
    print(f"{'sessions':<10} {'at':<8} {'model':>7} {'rate only':>10} {'mean dur.':>10} {'linear':>7}  "
          f"{'vs mean dur.':>12} {'vs linear':>10}")
    for row in result["rows"]:
        print(f"{row['group']:<10} {row['at']:<8} {row['model']:>7.1f} {row['rate only']:>10.1f} "
              f"{row['mean duration']:>10.1f} {row['linear']:>7.1f}  {row['vs_mean_duration']:>+12.0%} "
              f"{row['vs_linear']:>+10.0%}")
    print("vs: the model's error below the baseline's (+) or above it (-)")
