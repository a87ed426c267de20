"""The scaling benchmark: readers and the briefing engine stay linear in the input's size.

Moved here from the test suite (timed assertions flake on a shared machine). Every reader reads
10 MB of its format's real shape, and each adversarial shape, within ``BUDGET_SECONDS`` (a
quadratic reader misses it by minutes); briefing 3.2 MB costs about 8× briefing 400 KB (linear;
quadratic would be 64×; the fastest of three runs per size); secret redaction on adversarial
lines and error collection stay linear too (``linear_parts``). ``run(quick=False) -> dict`` prints
the table and writes ``benchmarks/results/scaling.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "scaling.json"
LINEAR_RATIO_LIMIT = 16.0  # 8× is linear; 64× quadratic


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    from benchmarks.scaling.briefing_cost import aider_history, cpu_seconds_to_brief
    from benchmarks.scaling.shapes import ADVERSARIAL, BUDGET_SECONDS, REALISTIC

    from paas.core.transcripts import read_transcript

    rows: list[dict[str, Any]] = []
    shapes = {**{f"{name} (10 MB)": make for name, make in REALISTIC.items()},
              **{f"adversarial: {name}": make for name, make in ADVERSARIAL.items()}}
    if quick:
        shapes = dict(list(shapes.items())[:3])
    for label, make in shapes.items():
        text = make()
        started = time.perf_counter()
        transcript = read_transcript(text)
        seconds = time.perf_counter() - started
        rows.append({"measure": f"read {label}", "value": round(seconds, 2), "unit": "s",
                     "target": f"< {BUDGET_SECONDS:.0f} s", "pass": seconds < BUDGET_SECONDS,
                     "turns": len(transcript.turns), "megabytes": round(len(text) / 1e6, 1)})
    from benchmarks.scaling.linear_parts import REDACT_ADVERSARIAL, error_collection_seconds, redaction_sizes

    for name, unit in REDACT_ADVERSARIAL.items():
        low, high = redaction_sizes(unit)
        ok = high < 5.0 and high < 12 * low + 0.2  # linear 4×, quadratic 16×
        rows.append({"measure": f"redact 1 MB / 250 kB: {name}", "value": round(high / max(low, 1e-6), 1),
                     "unit": "×", "target": "< 12× (4× linear)", "pass": ok, "seconds_1mb": round(high, 3)})
    low = min(error_collection_seconds(300) for _ in range(3))
    high = min(error_collection_seconds(1200) for _ in range(3))
    rows.append({"measure": "error collection 1,200 / 300 failing turns", "value": round(high / max(low, 1e-6), 1),
                 "unit": "×", "target": "< 16× (4× linear)", "pass": high < 16 * max(low, 0.005)})
    small = min(cpu_seconds_to_brief(aider_history(400_000)) for _ in range(3))
    large = min(cpu_seconds_to_brief(aider_history(3_200_000)) for _ in range(3))
    ratio = large / small
    rows.append({"measure": "briefing CPU, 3.2 MB / 400 KB", "value": round(ratio, 1), "unit": "×",
                 "target": f"< {LINEAR_RATIO_LIMIT:.0f}× (8× linear)", "pass": ratio < LINEAR_RATIO_LIMIT,
                 "small_seconds": round(small, 3), "large_seconds": round(large, 3)})
    print(f"{'measure':<52} {'value':>8}  {'target':<22} result")
    for row in rows:
        print(f"{row['measure']:<52} {row['value']:>7}{row['unit']:<1}  {row['target']:<22} "
              f"{'PASS' if row['pass'] else 'FAIL'}")
    result = {"rows": rows, "all_pass": all(row["pass"] for row in rows)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
