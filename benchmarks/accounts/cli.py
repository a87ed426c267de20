"""``run()``: the three account benchmarks, printed and written to ``benchmarks/results/accounts.json``."""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.accounts import batch, rotation, selection
from benchmarks.accounts.common import RESULTS


def run(quick: bool = False, *, output: Path | None = RESULTS, echo: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {"meta": {"quick": quick, "python": platform.python_version()}}
    tables = []
    for name, part in (("batch_create", batch), ("select_best", selection), ("auto_rotate_http", rotation)):
        table, data = part.run(quick)
        if echo:
            table.print()
            print()
        tables.append(table)
        results[name] = {"table": table.as_json(), "data": data}
    results["meta"] |= {"finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "seconds": round(time.perf_counter() - started, 1),
                        "passed": all(table.passed for table in tables)}
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        if echo:
            print(f"wrote {output}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accounts", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, calls and requests")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON results go")
    args = parser.parse_args(argv)
    run(args.quick, output=args.output)
    return 0
