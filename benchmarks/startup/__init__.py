"""The start-up benchmark: how long `paas --help`, `paas --version` and `paas compress --help`
take, as a new process each (the median of several runs), against the 0.3 s target for
`--help` (issue 8; 0.75 s when it was filed, 1.41-1.85 s measured before the `cli/` package).

``run(quick=False) -> dict`` prints one table and writes ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "startup.json"
TARGET_SECONDS = 0.3
COMMANDS = (("--help",), ("--version",), ("compress", "--help"))


def timed(args: tuple[str, ...], runs: int) -> float:
    """Median wall time of ``python -m paas.cli ARGS`` in a fresh process (``paas`` is that module)."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "paas.cli", *args], check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    runs = 3 if quick else 9
    rows = [{"command": "paas " + " ".join(args), "median_seconds": round(timed(args, runs), 3)} for args in COMMANDS]
    help_ok = rows[0]["median_seconds"] <= TARGET_SECONDS
    print(f"{'command':<24} {'median s':>9}  target")
    for row in rows:
        target = f"≤ {TARGET_SECONDS}  {'PASS' if help_ok else 'FAIL'}" if row["command"] == "paas --help" else ""
        print(f"{row['command']:<24} {row['median_seconds']:>9.3f}  {target}")
    result = {"runs": runs, "rows": rows, "target_seconds": TARGET_SECONDS, "help_within_target": help_ok}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
