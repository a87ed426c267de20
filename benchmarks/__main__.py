"""``python -m benchmarks [--quick] [--only NAME]``: every benchmark, in order, each
printing its table(s) and writing ``benchmarks/results/<name>.json``."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

ORDER = ("accounts", "briefing", "startup", "scaling", "usage_import", "analytics", "forecast", "alerts", "history",
         "export_import", "load", "faults")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer requests, for a fast check")
    parser.add_argument("--only", choices=ORDER, help="run just this benchmark")
    args = parser.parse_args(argv)
    failed = []
    for name in ORDER if args.only is None else (args.only,):
        print(f"\n=== benchmark: {name}{' (quick)' if args.quick else ''} ===\n", flush=True)
        try:
            importlib.import_module(f"benchmarks.{name}").run(quick=args.quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nbenchmarks that could not run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
