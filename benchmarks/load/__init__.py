"""The load benchmark: a real ``paas serve`` under a mixed load, beside its own hello-world route.

Per backend (1 worker on SQLite; 2 workers on PostgreSQL, in a fresh schema dropped after):
``paas init`` + ``paas demo`` + the load's projects (``seed``), then ``CLIENTS`` keep-alive
clients on 127.0.0.1 (``traffic``) run four phases of ``PHASE_SECONDS`` each: ``/ping`` alone
(the baseline: no auth, no database), reads alone, usage reports alone, then the mix of 70%
reads, 20% usage and 10% auto-rotations. A short mixed warm-up comes first, not counted.

Targets: reads ≥ 0.5× and usage writes ≥ 0.3× the baseline's rate (each kind alone: in the mix
a kind's rate is capped by its share), p99 ≤ 100 ms for reads and ≤ 250 ms for writes in the
mix, no 5xx, no transport error, and the invariants of ``checks`` after. ``run`` prints the
table and writes ``benchmarks/results/load.json``; ``--quick`` runs 3 s phases. Then ``selection``:
select-best and rotation through the services at 10,000 stored accounts (target p50 ≤ 20 ms).
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "load.json"
PHASE_SECONDS, QUICK_PHASE_SECONDS, WARM_UP_SECONDS = 20.0, 3.0, 2.0
CLIENTS = 16
PHASES = (("ping", {"ping": 1.0}), ("read", {"read": 1.0}), ("usage", {"usage": 1.0}))


def one_backend(name: str, url: str, workers: int, folder: Path, seconds: float) -> dict[str, Any]:
    from benchmarks.accounts.rotation import Server
    from benchmarks.load.checks import check, failures, ledger_total
    from benchmarks.load.seed import seed
    from benchmarks.load.traffic import MIXED, Mix, run_phase

    seeded = seed(url, folder / f"data-{name}")
    ledger_before = ledger_total(url)
    server = Server(seeded.env, workers, folder / f"server-{name}.log")
    try:
        server.wait_ready()
        mix = Mix(seeded.usage_sessions, seeded.rotation_projects)
        run_phase("warm-up", server.port, seeded.token, mix, MIXED, seconds=WARM_UP_SECONDS, clients=CLIENTS)
        phases = {}
        for phase, weights in (*PHASES, ("mixed", MIXED)):
            phases[phase] = run_phase(phase, server.port, seeded.token, mix, weights, seconds=seconds,
                                      clients=CLIENTS).summary()
        invariants = check(url, server.base, seeded.token, ledger_before=ledger_before,
                           accepted_credits=mix.accepted_credits, seeded_accounts=seeded.seeded_accounts)
    finally:
        server.stop()
    log = server.log.read_text(errors="replace").splitlines()
    return {"backend": name, "workers": workers, "clients": CLIENTS, "phase_seconds": seconds, "phases": phases,
            "rotations_done": mix.rotations_done, "invariants": invariants, "broken": failures(invariants),
            "server_errors": [line for line in log if "Traceback" in line or "ERROR" in line][:20]}


def run(quick: bool = False, *, seconds: float | None = None) -> dict[str, Any]:
    from benchmarks.accounts.common import pg_answers, pg_schema
    from benchmarks.load.report import READ_P99_MS, WRITE_P99_MS, LoadTable, Row, add_backend

    seconds = seconds or (QUICK_PHASE_SECONDS if quick else PHASE_SECONDS)
    table = LoadTable(f"mixed load over HTTP: {CLIENTS} keep-alive clients, {seconds:.0f} s per phase, real "
                      "`paas serve` with the demo data")
    data: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="paas-bench-load-") as name, ExitStack() as stack:
        folder = Path(name)
        backends = [("SQLite", "sqlite", lambda: f"sqlite:///{folder / 'paas.db'}", 1)]
        if pg_answers():
            backends.append(("PostgreSQL", "postgresql",
                             lambda: stack.enter_context(pg_schema(f"paas_bench_load_{os.getpid()}")), 2))
        else:
            table.notes.append("PostgreSQL not reached (PAAS_BENCH_DATABASE_URL): its run is skipped")
        for label, key, url_of, workers in backends:
            try:
                result = one_backend(key, url_of(), workers, folder, seconds)
            except Exception as problem:  # report it, go on with the other backend
                data[key] = {"error": repr(problem)}
                table.notes.append(f"{label}: could not run: {problem!r}"[:300])
                table.add(Row(f"{label}: run", "error"), False)
                continue
            data[key] = result
            add_backend(table, f"{label} ({workers} worker{'s' if workers > 1 else ''})", result["phases"],
                        result["broken"])
            if result["server_errors"]:
                table.notes.append(f"{label} server log: {result['server_errors'][0][:200]}")
    table.notes.append(f"targets: reads ≥ 0.5× and usage ≥ 0.3× the /ping rate (each alone); in the mix p99 ≤ "
                       f"{READ_P99_MS:.0f} ms for reads, ≤ {WRITE_P99_MS:.0f} ms for usage and rotations; "
                       "409 on a rotation = it lost a race (a correct answer)")
    table.print()
    from benchmarks.load import selection

    result = {"table": table.as_json(), **data, "selection_at_scale": selection.run(quick)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return result
