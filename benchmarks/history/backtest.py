"""The task-cost backtest: split a generated history by time, learn from the past, predict the later.

Each later session that got done (completed or handed off) is predicted from its objective, session
type and project alone (what is known before it starts) with ``core.history.estimate``, beside the
global mean and the per-session-type mean of the past as baselines. The suited account (the first of
``suited``) is checked against the account truly cheapest per completed session on that task's
family (known from the generator), beside two baselines: the account cheapest overall in the past,
and a random one.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from typing import Any

from benchmarks.history.generator import Account, Session, generate

from paas.core.history import HistoryIndex, PastSession, estimate


def as_past(session: Session) -> PastSession:
    text = "\n".join(part for part in (session.objectives, session.accomplishments, session.handoff_notes) if part)
    return PastSession(id=session.id, account_id=session.account_id, project_id=session.project_id,
                       session_type=session.session_type, status=session.status, credits=session.credits, text=text)


def errors(predicted: list[float], actual: list[int]) -> dict[str, float]:
    gaps = [abs(p - a) for p, a in zip(predicted, actual, strict=True)]
    return {"mae": round(statistics.fmean(gaps), 2), "median_ae": round(statistics.median(gaps), 2)}


def backtest(count: int, *, train_share: float = 0.8, seed: int = 10) -> dict[str, Any]:
    pool, sessions = generate(count, seed=seed)
    cut = int(len(sessions) * train_share)
    train, test = sessions[:cut], [item for item in sessions[cut:] if item.status != "failed"]
    started = time.perf_counter()
    index = HistoryIndex([as_past(item) for item in train])
    build_ms = (time.perf_counter() - started) * 1000
    done = [item.credits for item in train if item.status != "failed"]
    global_mean = statistics.fmean(done)
    by_type: dict[str, list[int]] = defaultdict(list)
    for item in train:
        if item.status != "failed":
            by_type[item.session_type].append(item.credits)
    type_mean = {kind: statistics.fmean(values) for kind, values in by_type.items()}

    knn, knn_mean, inside, fallbacks, query_ms = [], [], 0, 0, []
    suited_right = suited_asked = overall_right = 0
    cheapest_overall = _cheapest_in(train)
    for item in test:
        started = time.perf_counter()
        found = estimate(index, item.objectives, session_type=item.session_type, project_id=item.project_id)
        query_ms.append((time.perf_counter() - started) * 1000)
        assert found.credits is not None and found.low is not None and found.high is not None
        knn.append(found.credits)
        if found.neighbours:
            weight = sum(n.similarity for n in found.neighbours)
            knn_mean.append(sum(n.similarity * n.session.credits for n in found.neighbours) / weight)
        else:
            fallbacks += 1
            knn_mean.append(found.credits)
        inside += found.low <= item.credits <= found.high
        truly = _truly_best(pool, item.family)
        overall_right += cheapest_overall == truly
        if found.suited:
            suited_asked += 1
            suited_right += found.suited[0].account_id == truly
    actual = [item.credits for item in test]
    return {
        "sessions": len(sessions), "train": len(train), "test": len(test), "index_build_ms": round(build_ms, 1),
        "query_ms_median": round(statistics.median(query_ms), 3),
        "rows": [
            {"method": "nearest neighbours (weighted median)", **errors(knn, actual)},
            {"method": "nearest neighbours (weighted mean)", **errors(knn_mean, actual)},
            {"method": "baseline: global mean", **errors([global_mean] * len(test), actual)},
            {"method": "baseline: per-session-type mean",
             **errors([type_mean.get(item.session_type, global_mean) for item in test], actual)},
            {"method": "reference: oracle (knows family, size, type; not the account or noise)",
             **errors([item.expected * statistics.fmean(account.factor(item.family) for account in pool)
                       for item in test], actual)},
        ],
        "interval_coverage": round(inside / len(test), 3),
        "fallback_share": round(fallbacks / len(test), 3),
        "suited": {"asked": suited_asked, "share_with_suited": round(suited_asked / len(test), 3),
                   "right": round(suited_right / suited_asked, 3) if suited_asked else None,
                   "baseline_cheapest_overall_right": round(overall_right / len(test), 3),
                   "baseline_random": round(1 / len(pool), 3)},
    }


def _truly_best(pool: list[Account], family: str) -> int:
    return min(pool, key=lambda account: (account.cost_per_completed(family), account.id)).id


def _cheapest_in(history: list[Session]) -> int:
    spent: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item in history:
        spent[item.account_id][0] += item.credits
        spent[item.account_id][1] += item.status != "failed"
    return min(spent, key=lambda account_id: (spent[account_id][0] / max(1, spent[account_id][1]), account_id))
