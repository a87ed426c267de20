"""``make soak`` (not in CI): the mixed load for ``SOAK_MINUTES`` (default 30) against one
``paas serve`` worker on SQLite, reporting the server's memory over time and every error.

The server's RSS (its process and its children, read from /proc) is sampled after a warm-up
(the first ``WARM_UP`` minute, or a tenth of a short run) and then once a ``SAMPLE_SECONDS``;
growth = last sample / first sample - 1, target < 10%. Errors: any 5xx, any transport error,
any broken invariant after (``benchmarks.load.checks``). ``SOAK_DATABASE=postgresql`` runs it on
PostgreSQL with 2 workers instead. Exit status 0 only when every target held.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.load import CLIENTS
from benchmarks.load.traffic import MIXED, Mix, run_phase

RESULTS = Path(__file__).resolve().parents[1] / "results" / "soak.json"
SAMPLE_SECONDS = 30.0
RSS_GROWTH_LIMIT = 0.10


def group_rss_kib(leader: int) -> int:
    """Resident memory of ``leader`` and every process in its process group (the workers)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(entry) != leader and int(fields[2]) != leader:  # fields[2]: the process group
                continue
            for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
    return total


def soak(minutes: float, backend: str = "sqlite") -> dict[str, Any]:
    from benchmarks.accounts.common import pg_schema
    from benchmarks.accounts.rotation import Server
    from benchmarks.load.checks import check, failures, ledger_total
    from benchmarks.load.seed import seed

    seconds = minutes * 60
    warm_up = min(60.0, seconds / 10)
    with tempfile.TemporaryDirectory(prefix="paas-soak-") as name, ExitStack() as stack:
        folder = Path(name)
        url = (stack.enter_context(pg_schema(f"paas_soak_{os.getpid()}")) if backend == "postgresql"
               else f"sqlite:///{folder / 'paas.db'}")
        workers = 2 if backend == "postgresql" else 1
        seeded = seed(url, folder / "data")
        before = ledger_total(url)
        server = Server(seeded.env, workers, folder / "server.log")
        try:
            server.wait_ready()
            mix = Mix(seeded.usage_sessions, seeded.rotation_projects)
            run_phase("warm-up", server.port, seeded.token, mix, MIXED, seconds=warm_up, clients=CLIENTS)
            samples: list[tuple[float, int]] = [(0.0, group_rss_kib(server.process.pid))]
            statuses: dict[str, int] = {}
            started = time.monotonic()
            while (elapsed := time.monotonic() - started) < seconds - warm_up:
                part = run_phase("soak", server.port, seeded.token, mix, MIXED,
                                 seconds=min(SAMPLE_SECONDS, seconds - warm_up - elapsed), clients=CLIENTS)
                for kind in part.kinds.values():
                    for code, count in kind.statuses.items():
                        statuses[code] = statuses.get(code, 0) + count
                samples.append((time.monotonic() - started, group_rss_kib(server.process.pid)))
                print(f"  {samples[-1][0] / 60:5.1f} min  RSS {samples[-1][1] / 1024:7.1f} MiB  "
                      f"answers {sum(statuses.values()):,}", flush=True)
            invariants = check(url, server.base, seeded.token, ledger_before=before,
                               accepted_credits=mix.accepted_credits, seeded_accounts=seeded.seeded_accounts)
        finally:
            server.stop()
    growth = samples[-1][1] / samples[0][1] - 1 if samples[0][1] else 0.0
    fivexx = sum(count for code, count in statuses.items() if code.startswith("5"))
    transport = sum(count for code, count in statuses.items() if not code.isdigit())
    broken = failures(invariants)
    return {"backend": backend, "workers": workers, "minutes": minutes, "rss_kib": samples,
            "rss_growth": growth, "statuses": statuses, "fivexx": fivexx, "transport_errors": transport,
            "broken": broken, "passed": growth < RSS_GROWTH_LIMIT and not fivexx and not transport and not broken}


def main() -> int:
    minutes = float(os.environ.get("SOAK_MINUTES", "30"))
    backend = os.environ.get("SOAK_DATABASE", "sqlite")
    print(f"soak: {minutes:g} min of the mixed load (70% reads, 20% usage, 10% rotations), {CLIENTS} clients, "
          f"{backend}", flush=True)
    result = soak(minutes, backend)
    first, last = result["rss_kib"][0][1], result["rss_kib"][-1][1]
    print(f"RSS after warm-up {first / 1024:.1f} MiB, at the end {last / 1024:.1f} MiB: growth "
          f"{result['rss_growth']:+.1%} (target < {RSS_GROWTH_LIMIT:.0%}) "
          f"{'PASS' if result['rss_growth'] < RSS_GROWTH_LIMIT else 'FAIL'}")
    print(f"answers: {', '.join(f'{code}×{count}' for code, count in sorted(result['statuses'].items()))}")
    print(f"5xx {result['fivexx']}, transport errors {result['transport_errors']}, invariants "
          f"{'held' if not result['broken'] else '; '.join(result['broken'])}")
    print("soak PASS" if result["passed"] else "soak FAIL")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
