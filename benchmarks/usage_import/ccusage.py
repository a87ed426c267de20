"""ccusage's native binary beside paas: installed from npm once, cached, run offline on the same tree.

``find_binary()`` installs ``ccusage@20.0.24`` and ``@ccusage/ccusage-linux-x64@20.0.24`` with
``npm install --prefix ~/.cache/paas-bench/ccusage-20.0.24`` (``PAAS_BENCH_CACHE`` moves the cache)
the first time, and answers the native binary's path, or why there is none (no npm, no network,
another platform): the benchmark prints that and goes on without it.

``run_reports`` runs ``ccusage claude session|daily --json --offline --timezone UTC`` with
``CLAUDE_CONFIG_DIR`` (and ``codex session|daily`` with ``CODEX_HOME``), times the session run,
and reads the JSON into the reference's shape: ``{(agent, day or session): Totals}``. Codex
sessions are named by their rollout path there; the trailing uuid is the session's id.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.usage_import.reference import CLAUDE, CODEX, Totals

VERSION = "20.0.24"
PACKAGES = (f"ccusage@{VERSION}", f"@ccusage/ccusage-linux-x64@{VERSION}")
BINARY = Path("node_modules/@ccusage/ccusage-linux-x64/bin/ccusage")


def cache_dir() -> Path:
    base = Path(os.environ.get("PAAS_BENCH_CACHE", Path.home() / ".cache" / "paas-bench"))
    return base / f"ccusage-{VERSION}"


def find_binary() -> tuple[Path | None, str]:
    """The native binary, installing it first if needed; else None and the reason."""
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return None, f"ccusage's linux-x64 binary does not run on {platform.system()} {platform.machine()}"
    prefix = cache_dir()
    binary = prefix / BINARY
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not installed"
        prefix.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *PACKAGES],
                                  capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return None, "npm install ccusage timed out after 300 s"
        if done.returncode != 0 or not binary.exists():
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return None, f"npm install {' '.join(PACKAGES)} failed: {last[0]}"
    if not os.access(binary, os.X_OK):
        binary.chmod(0o755)  # npm unpacks it without the execute bit; ccusage's cli.js does the same
    return binary, ""


@dataclass
class CcusageRun:
    seconds: float  # median of the timed runs of `claude session` (codex_seconds: of `codex session`)
    runs: list[float]
    cpu_seconds: float  # median CPU seconds of the same runs (ccusage reads with a thread per core)
    per_session: dict[tuple[str, str], Totals] = field(default_factory=dict)
    per_day: dict[tuple[str, str], Totals] = field(default_factory=dict)
    codex_seconds: float | None = None
    codex_cpu_seconds: float | None = None


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: contention-proof-ish."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_json(binary: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds and the JSON of one ccusage run."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run([str(binary), *args, "--json", "--offline", "--timezone", "UTC"], capture_output=True,
                          env=env, timeout=600)
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"ccusage {' '.join(args)} exited {done.returncode}: "
                           f"{done.stderr.decode(errors='replace').strip()[:300]}")
    return seconds, cpu, json.loads(done.stdout)


def totals(row: dict[str, Any]) -> Totals:
    return Totals(int(row.get("inputTokens", 0)), int(row.get("outputTokens", 0)),
                  int(row.get("cacheCreationTokens", 0)), int(row.get("cacheReadTokens", 0)))


def codex_session_id(row: dict[str, Any]) -> str:
    name = str(row.get("sessionFile") or row.get("sessionId", "")).rsplit("/", 1)[-1]
    # rollout-YYYY-MM-DDTHH-MM-SS-<uuid>: the uuid is the last 36 characters
    return name[-36:] if name.startswith("rollout-") and len(name) > 36 else name


def run_reports(binary: Path, claude_dir: Path, codex_home: Path | None, repeats: int = 5) -> CcusageRun:
    """Each report once to warm up, then ``claude session`` ``repeats`` times (the median is its time)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CLAUDE_", "CODEX_", "CCUSAGE_"))}
    env.update({"CLAUDE_CONFIG_DIR": str(claude_dir), "NO_COLOR": "1"})
    seconds: list[float] = []
    cpu: list[float] = []
    sessions: Any = None
    run_json(binary, ["claude", "session"], env)
    for _ in range(repeats):
        elapsed, used, sessions = run_json(binary, ["claude", "session"], env)
        seconds.append(elapsed)
        cpu.append(used)
    _, _, daily = run_json(binary, ["claude", "daily"], env)
    run = CcusageRun(seconds=statistics.median(seconds), runs=seconds, cpu_seconds=statistics.median(cpu))
    for row in sessions.get("sessions", []):
        run.per_session[(CLAUDE, str(row["sessionId"]))] = totals(row)
    for row in daily.get("daily", []):
        run.per_day[(CLAUDE, str(row["date"]))] = totals(row)
    if codex_home is not None:
        codex_env = dict(env, CODEX_HOME=str(codex_home))
        run_json(binary, ["codex", "session"], codex_env)
        codex_runs = [run_json(binary, ["codex", "session"], codex_env) for _ in range(repeats)]
        run.codex_seconds = statistics.median(elapsed for elapsed, _, _ in codex_runs)
        run.codex_cpu_seconds = statistics.median(used for _, used, _ in codex_runs)
        codex_sessions = codex_runs[-1][2]
        _, _, codex_daily = run_json(binary, ["codex", "daily"], codex_env)
        for row in codex_sessions.get("sessions", []):
            run.per_session[(CODEX, codex_session_id(row))] = totals(row)
        for row in codex_daily.get("daily", []):
            run.per_day[(CODEX, str(row["date"]))] = totals(row)
    return run
