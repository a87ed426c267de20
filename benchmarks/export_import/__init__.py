"""The export/import benchmark: a project of 100,000 sessions (and one ledger event each) imported
from a file by `paas import` and exported again by `paas export`, each in its own process, on
SQLite; wall time and the process's peak RSS (``wait4``'s ``ru_maxrss``) against the target of
200 MB. Quick: 10,000 sessions.

``run(quick=False) -> dict`` prints the table and writes ``benchmarks/results/export_import.json``;
``python -m benchmarks.export_import [--quick]`` does the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "results" / "export_import.json"
TARGET_MB = 200
STAMP = "2026-11-25T12:00:00Z"


def write_document(path: Path, sessions: int) -> int:
    """A valid export document of ``sessions`` sessions and as many ledger events; its row count."""
    with path.open("w", encoding="utf-8") as out:
        project = json.dumps({"name": "Bench", "total_sessions": sessions, "created_at": STAMP, "updated_at": STAMP})
        accounts = ",".join(json.dumps({"account_name": f"bench-{index}", "created_at": STAMP, "updated_at": STAMP})
                            for index in range(10))
        out.write(f'{{"schema_version": 1, "exported_at": "{STAMP}",\n"project": {project},\n'
                  f'"accounts": [{accounts}],\n"sessions": [\n')
        for number in range(1, sessions + 1):
            out.write(("," if number > 1 else "") + json.dumps({
                "session_number": number, "account": f"bench-{number % 10}", "status": "completed",
                "credits_used": number % 90 + 1, "objectives": f"objective {number} ünïcode", "started_at": STAMP,
                "completed_at": STAMP, "updated_at": STAMP}) + "\n")
        out.write('],\n"credit_events": [\n')
        for number in range(1, sessions + 1):
            out.write(("," if number > 1 else "") + json.dumps({
                "account": f"bench-{number % 10}", "session_number": number, "credits": number % 90 + 1,
                "occurred_at": STAMP}) + "\n")
        out.write("]}\n")
    return 10 + 2 * sessions


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one `paas` process."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "paas.cli", *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"paas {' '.join(args)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def run(quick: bool = False, **_: Any) -> dict[str, Any]:
    sessions = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        url = f"sqlite:///{here}/bench.db"
        env = {**os.environ, "PAAS_DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "paas.cli", "init"], env=env, check=True, capture_output=True)
        source = here / "in.json"
        rows = write_document(source, sessions)
        measured = []
        steps = (("import", ["import", str(source)]), ("export", ["export", "Bench", "-o", str(here / "out.json")]))
        for step, args in steps:
            seconds, peak = _timed(args, env)
            measured.append({"step": step, "rows": rows, "sessions": sessions, "seconds": round(seconds, 2),
                             "peak_rss_mb": round(peak, 1), "file_mb": round(source.stat().st_size / 2**20, 1),
                             "target_mb": TARGET_MB, "ok": peak < TARGET_MB})
    print(f"{'step':<8} {'sessions':>9} {'rows':>9} {'file MB':>8} {'seconds':>8} {'peak RSS MB':>12} "
          f"{'target':>8}")
    for row in measured:
        print(f"{row['step']:<8} {row['sessions']:>9} {row['rows']:>9} {row['file_mb']:>8} {row['seconds']:>8} "
              f"{row['peak_rss_mb']:>12} {'< ' + str(TARGET_MB) + ' MB':>8} {'ok' if row['ok'] else 'OVER'}")
    result = {"rows": measured}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result
