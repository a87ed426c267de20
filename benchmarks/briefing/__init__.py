"""The briefing benchmark: how well handoff briefings keep what the next session needs.

``run(quick=False) -> dict`` runs it all (``python -m benchmarks.briefing`` does the same and
prints the tables; ``--markdown`` prints them as Markdown). Modules, each with its rules in
its docstring:

* ``gold``: facts read from each raw transcript file's own structure (no code shared with the
  compressor or the readers); ``facts``: when a briefing recalls a fact;
* ``anchors``: faithfulness, the share of the briefing's paths, commands, identifiers and
  numbers found verbatim in the transcript;
* ``baselines``: keep-the-tail, the original product's rule, TextRank (sumy);
* ``synthetic`` + ``formats``: planted-fact transcripts in all eight formats, needles, sizes;
* ``runner``: datasets, measuring, averages and targets; ``report``: the tables;
* ``compressor``: ``paas.core.briefing``, or a labelled stand-in while it does not exist.
"""

from __future__ import annotations

from typing import Any


def run(quick: bool = False, **options: Any) -> dict[str, Any]:
    """Run the benchmark, print its tables, write ``benchmarks/results/briefing.json``; return the results."""
    from benchmarks.briefing.cli import run as run_benchmark

    return run_benchmark(quick, **options)


__all__ = ["run"]
