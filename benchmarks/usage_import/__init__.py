"""The usage-import benchmark: a generated tree of Claude Code and Codex logs (≥ 300 MB of Claude
logs; ``--quick``: ~20 MB), read by ccusage's native binary, by a plain-Python reference of the
counting rules, and by ``paas usage import`` (full, unchanged rerun, after one file grew).

``run(quick=False) -> dict`` prints a timings table (files, MB, lines, seconds, MB/s, targets with
PASS/FAIL) and a table of total checks, and writes ``benchmarks/results/usage_import.json``;
``python -m benchmarks.usage_import [--quick] [--keep DIR]`` does the same. Modules: ``generator``
(the tree), ``reference`` (the rules, never importing paas), ``ccusage`` (npm install, cached under
``~/.cache/paas-bench/``, and its reports), ``paas_run`` (the CLI in a subprocess), ``runner``.
"""

from __future__ import annotations

from typing import Any


def run(quick: bool = False, **options: Any) -> dict[str, Any]:
    from benchmarks.usage_import.runner import run as run_benchmark

    return run_benchmark(quick, **options)


__all__ = ["run"]
