"""Part 2: select-best over 10,000 accounts.

In-process: 10,000 ``Candidate``s, one ``SelectionPool`` (build timed once), then many
``rank`` calls with varied queries (words, platform filter, min_credits, limit 1 and 10). The
baseline is a plain full scan with the same scoring (every eligible account scored, sorted);
its answers are also compared with the pool's (same ids, same order).

End to end: ``services.selection.select_best_accounts`` over 10,000 accounts stored in
SQLite; each call loads the accounts and the ledger sums, builds a pool and ranks, so it
includes the database load.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.accounts.common import PLATFORMS, ROLES, SKILLS, TAGS, Table, account_rows, ms, percentiles, seconds

TARGET_P99_MS = 5.0
QUERY_WORDS = ("frontend", "front", "backend", "react", "vue", "design", "ui", "ux", "python", "fast", "django",
               "postgres", "kubernetes", "mobile", "swift", "data", "pandas", "machine learning", "devops",
               "terraform", "docs", "writing", "testing", "playwright", "security", "graphql", "typescript",
               "golang", "rust", "node", "aws", "frontends", "reactive")


def candidates(count: int, seed: int = 11) -> list[Any]:
    from paas.core.selection import Candidate
    from paas.core.types import AccountStatus

    rng = random.Random(seed)
    unavailable = [status for status in AccountStatus if status is not AccountStatus.AVAILABLE]
    result = []
    for index in range(count):
        quota = rng.choice((50, 100, 200, 500))
        platform = rng.choice(PLATFORMS)
        result.append(Candidate(
            id=index + 1,
            name=f"{platform.capitalize() if platform != 'chatgpt' else 'ChatGPT'}-{rng.choice(ROLES)}-{index:04d}",
            platform=platform,
            specialization=", ".join(rng.sample(SKILLS, rng.randint(1, 3))),
            tags=",".join(rng.sample(TAGS, rng.randint(0, 2))),
            status=rng.choice(unavailable) if rng.random() < 0.2 else AccountStatus.AVAILABLE,
            remaining=rng.randint(0, quota),
            quota=quota,
            seconds_to_reset=rng.uniform(0, 86_400),
            idle_hours=None if rng.random() < 0.1 else rng.uniform(0, 72),
            efficiency=None if rng.random() < 0.5 else rng.random(),
        ))
    return result


def requests(count: int, seed: int = 13) -> list[Any]:
    from paas.core.selection import SelectionRequest

    rng = random.Random(seed)
    result = []
    for _ in range(count):
        shape = rng.random()
        text = "" if shape < 0.1 else " ".join(rng.sample(QUERY_WORDS, rng.randint(1, 3)))
        result.append(SelectionRequest(
            specialization=text,
            platform=rng.choice(PLATFORMS) if rng.random() < 0.3 else None,
            min_credits=rng.choice((0, 0, 1, 10, 50, 150, 400)),
            limit=rng.choice((1, 10)),
        ))
    return result


def full_scan(entries: list[tuple[Any, float, frozenset[str]]], request: Any) -> list[int]:
    """The obvious way: score every eligible account, sort, take ``limit``."""
    from paas.core.selection import WEIGHTS, eligible, query_words

    def _similarity(query: frozenset[str], account_words: frozenset[str]) -> float:
        # A query word counts when an account word equals it or one is a prefix (3+ letters) of the other.
        hits = sum(1 for word in query if word in account_words or (len(word) >= 3 and any(
            len(other) >= 3 and (other.startswith(word) or word.startswith(other)) for other in account_words)))
        return hits / len(query)

    query = query_words(request.specialization)
    scored = []
    for candidate, base, account_words in entries:
        if eligible(candidate, request):
            similarity = _similarity(query, account_words) if query else 0.0
            scored.append((base + WEIGHTS["similarity"] * similarity, -candidate.id))
    scored.sort(reverse=True)
    return [-negative_id for _, negative_id in scored[:request.limit]]


def in_process(quick: bool, table: Table, data: dict[str, Any], count: int) -> None:
    from paas.core.selection import WEIGHTS, SelectionPool, _base_signals, words

    pool_input = candidates(count)
    started = time.perf_counter()
    pool = SelectionPool(pool_input)
    build = time.perf_counter() - started
    asked = requests(200 if quick else 1000)
    for request in asked[:20]:  # warm-up, not counted
        pool.rank(request)
    samples, answers = [], []
    for request in asked:
        started = time.perf_counter_ns()
        ranked = pool.rank(request)
        samples.append((time.perf_counter_ns() - started) / 1e6)
        answers.append([item.candidate.id for item in ranked])
    stats = percentiles(samples)
    by_words: dict[str, list[float]] = {}
    for request, sample in zip(asked, samples, strict=True):
        size = len(words(request.specialization))
        by_words.setdefault("0 words" if size == 0 else "1 word" if size == 1 else "2+ words", []).append(sample)
    matched = [pool.matching_count(request.specialization) for request in asked]

    entries = [(candidate, sum(WEIGHTS[name] * value for name, value in _base_signals(candidate).items()),
                words(f"{candidate.name} {candidate.specialization} {candidate.tags}")) for candidate in pool_input]
    scan_samples, agree = [], 0
    checked = asked if quick else asked[:300]
    for request, answer in zip(checked, answers, strict=False):
        started = time.perf_counter_ns()
        expected = full_scan(entries, request)
        scan_samples.append((time.perf_counter_ns() - started) / 1e6)
        agree += expected == answer
    scan = percentiles(scan_samples)
    data["in_process"] = {"accounts": count, "pool_build_seconds": build, "rank": stats, "full_scan": scan,
                          "agreement": {"checked": len(checked), "same_answer": agree},
                          "empty_answers": sum(1 for answer in answers if not answer),
                          "p99_by_query_words": {key: percentiles(value)["p99_ms"] for key, value in by_words.items()},
                          "matched_accounts_mean": sum(matched) / len(matched)}
    table.add(f"pool build ({count:,} candidates, once)", seconds(build), "one-off")
    table.add("rank: calls", f"{stats['n']:,}", "varied words / platform / min_credits / limit 1,10")
    table.add("rank: p50", ms(stats["p50_ms"]), f"full scan p50 {ms(scan['p50_ms'])}")
    table.add("rank: p95", ms(stats["p95_ms"]), f"full scan p95 {ms(scan['p95_ms'])}")
    table.add("rank: p99", ms(stats["p99_ms"]), f"target ≤ {TARGET_P99_MS:.0f} ms; full scan {ms(scan['p99_ms'])}",
              stats["p99_ms"] <= TARGET_P99_MS)
    table.add("rank: max", ms(stats["max_ms"]), f"full scan {ms(scan['max_ms'])}")
    for key in ("0 words", "1 word", "2+ words"):
        if key in by_words:
            part = percentiles(by_words[key])
            table.add(f"  rank p99, queries with {key} ({part['n']})", ms(part["p99_ms"]), "breakdown")
    table.add("  accounts whose words match the query (mean)", f"{sum(matched) / len(matched):,.0f}",
              "scored one by one")
    table.add("rank: same answers as the full scan", f"{agree}/{len(checked)}", "all", agree == len(checked))


def end_to_end(quick: bool, table: Table, data: dict[str, Any], count: int) -> None:
    from paas.services.batch import create_accounts
    from paas.services.selection import select_best_accounts
    from paas.store.db import make_engine, upgrade
    from paas.store.unit import transaction

    calls = 10 if quick else 50
    asked = requests(calls, seed=17)
    with tempfile.TemporaryDirectory(prefix="paas-bench-select-") as folder:
        path = Path(folder) / "paas.db"
        upgrade(f"sqlite:///{path}")
        engine = make_engine(f"sqlite:///{path}")
        try:
            with transaction(engine) as session:
                create_accounts(session, account_rows(count, seed=19), now=datetime.now(UTC))
            samples = []
            for request in asked:
                started = time.perf_counter_ns()
                with transaction(engine, write=False) as session:
                    select_best_accounts(session, now=datetime.now(UTC), specialization=request.specialization,
                                         platform=request.platform, min_credits=request.min_credits,
                                         limit=request.limit)
                samples.append((time.perf_counter_ns() - started) / 1e6)
        finally:
            engine.dispose()
    stats = percentiles(samples)
    data["end_to_end_sqlite"] = {"accounts": count, **stats}
    table.add(f"service select_best_accounts, SQLite, {count:,} stored (INCL. DB load): calls", f"{calls}", "")
    table.add("  … p50 (includes loading accounts + ledger)", ms(stats["p50_ms"]), "information (not the 5 ms target)")
    table.add("  … p99 (includes loading accounts + ledger)", ms(stats["p99_ms"]), "information (not the 5 ms target)")
    shutil.rmtree(folder, ignore_errors=True)


def run(quick: bool = False, *, count: int = 10_000) -> tuple[Table, dict[str, Any]]:
    table = Table(f"select-best over {count:,} accounts")
    data: dict[str, Any] = {}
    in_process(quick, table, data, count)
    end_to_end(quick, table, data, count)
    table.notes.append("rank = SelectionPool.rank in-process (pool built once); the full scan scores every "
                       "eligible account with the same formula and is the baseline")
    return table, data
