"""PostgreSQL restarted under load, on a private cluster (never the shared server)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx2
from benchmarks.accounts.common import Table, seconds
from benchmarks.accounts.rotation import Server, paas, server_env

CLIENTS = 8


def binaries() -> tuple[str, str] | None:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        initdb, pg_ctl = Path(folder) / "initdb", Path(folder) / "pg_ctl"
        if initdb.exists() and pg_ctl.exists():
            return str(initdb), str(pg_ctl)
    found = shutil.which("initdb"), shutil.which("pg_ctl")
    return (found[0], found[1]) if found[0] and found[1] else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Cluster:
    """A throwaway PostgreSQL cluster in ``folder`` on a free loopback port (as user postgres when
    run as root: PostgreSQL refuses to run as root)."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        # Its own folder under the system temp dir (one postgres can reach), removed by stop().
        self.folder, self.pg_ctl, self.port = Path(tempfile.mkdtemp(prefix="paas-faults-pg-")), pg_ctl, free_port()
        self.data = self.folder / "pgdata"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run([initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"])
        self._ctl("start")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run([*self.prefix, *command], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-400:]}")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run([self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "pg.log"), "-w",
                   *extra, action])

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop_server(self) -> None:
        self._ctl("stop", "-m", "fast")

    def stop(self) -> None:
        with suppress(RuntimeError):  # already stopped
            self._ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def load(base: str, token: str, until: float, answers: list[tuple[float, str, float, str | None]],
         index: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=base, headers=headers, timeout=15) as client:
        number = 0
        while time.monotonic() < until:
            number += 1
            begun = time.monotonic()
            try:
                if number % 4 == 0:
                    answer = client.post("/api/projects", json={"name": f"restart-{index}-{number}"})
                else:
                    answer = client.get("/api/accounts", params={"limit": 20})
                status, retry = str(answer.status_code), answer.headers.get("retry-after")
            except httpx2.HTTPError as problem:
                status, retry = f"error:{type(problem).__name__}", None
            answers.append((begun, status, time.monotonic() - begun, retry))


def measure(folder: Path, *, quick: bool) -> dict[str, Any]:
    found = binaries()
    if found is None:
        return {"skipped": "initdb/pg_ctl not found: PostgreSQL restart not measured"}
    folder.mkdir(parents=True)
    cluster = Cluster(*found)
    try:
        env = server_env(cluster.url, folder / "data")
        paas(["init"], env)
        token = paas(["token", "create", "--role", "admin", "--name", "faults", "--quiet"], env).strip()
        server = Server(env, 2, folder / "server.log")
        try:
            server.wait_ready()
            duration = 8.0 if quick else 15.0
            start = time.monotonic()
            answers: list[tuple[float, str, float, str | None]] = []
            clients = [threading.Thread(target=load, args=(server.base, token, start + duration, answers, index))
                       for index in range(CLIENTS)]
            for client in clients:
                client.start()
            time.sleep(2.0)
            restart_began = time.monotonic()
            cluster.restart()
            restart_done = time.monotonic()
            for client in clients:
                client.join(timeout=60)
            healthy = httpx2.get(f"{server.base}/healthz", timeout=10).status_code
            up = burst(server.base)  # the same burst with the database up: the baseline of this machine
            cluster.stop_server()  # now the database is gone: the server must still answer
            down = burst(server.base)
        finally:
            server.stop()
        log = server.log.read_text(errors="replace")
    finally:
        cluster.stop()
    statuses = Counter(status for _, status, _, _ in answers)
    after = [begun for begun, status, _, _ in answers if begun >= restart_done and status.startswith("2")]
    return {
        "clients": CLIENTS, "requests": len(answers), "statuses": dict(statuses),
        "restart_seconds": restart_done - restart_began,
        "recovered_after_seconds": (min(after) - restart_done) if after else None,
        "slowest_seconds": max((elapsed for _, _, elapsed, _ in answers), default=0.0),
        "503_without_retry_after": sum(1 for _, status, _, retry in answers if status == "503" and retry != "1"),
        "healthz_after": healthy, "tracebacks": log.count("Traceback"), "database_stopped": down, "database_up": up,
        "log_errors": [line for line in log.splitlines() if "paas/" in line or "Error" in line or "ERROR" in line][:40],
    }


def burst(base: str) -> dict[str, Any]:
    """/healthz, / and /healthz one by one, then 40 concurrent /healthz and 10 GET /, while the
    database is stopped."""
    def one(path: str) -> tuple[str, float]:
        begun = time.monotonic()
        try:
            status = str(httpx2.get(f"{base}{path}", timeout=30, follow_redirects=False).status_code)
        except httpx2.HTTPError as problem:
            status = f"error:{type(problem).__name__}"
        return f"{path} {status}", time.monotonic() - begun
    first = [one(path) for path in ("/healthz", "/", "/healthz")]  # one at a time, first
    with ThreadPoolExecutor(50) as pool:
        answers = first + list(pool.map(one, ["/healthz"] * 40 + ["/"] * 10))
    return {"statuses": dict(Counter(status for status, _ in answers)),
            "slowest_seconds": max(elapsed for _, elapsed in answers),
            "first": [(status, round(elapsed, 3)) for status, elapsed in first]}


def add_rows(table: Table, result: dict[str, Any]) -> None:
    if "skipped" in result:
        table.notes.append(result["skipped"])
        return
    statuses = result["statuses"]
    bad = {code: n for code, n in statuses.items() if not (code.startswith("2") or code == "503")}
    table.add(f"PostgreSQL restarted under load ({result['clients']} clients, 2 workers): answers",
              ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items())),
              "2xx or 503 only (no other 5xx, no dropped request)", not bad)
    table.add("PostgreSQL restart: 503 answers without Retry-After", str(result["503_without_retry_after"]), "0",
              result["503_without_retry_after"] == 0)
    recovered = result["recovered_after_seconds"]
    table.add("PostgreSQL restart: first success after the restart finished",
              "never" if recovered is None else seconds(recovered), f"≤ 5 s (restart took "
              f"{seconds(result['restart_seconds'])})", recovered is not None and recovered <= 5)
    table.add("PostgreSQL restart: slowest answer", seconds(result["slowest_seconds"]), "≤ 10 s (no hung worker)",
              result["slowest_seconds"] <= 10)
    down = result["database_stopped"]
    healthz_ok = all(code in ("/healthz 503", "/ 303", "/ 200", "/ 503") for code in down["statuses"])
    table.add("PostgreSQL stopped: 40 concurrent /healthz + 10 GET /",
              ", ".join(f"{code}×{n}" for code, n in sorted(down["statuses"].items())),
              "/healthz 503, / answered (no hang, no other 5xx)", healthz_ok)
    up = result["database_up"]["slowest_seconds"]
    table.add("PostgreSQL stopped: slowest of those 50", seconds(down["slowest_seconds"]),
              f"≤ 2× the same burst with the database up ({seconds(up)}) + 1 s",
              down["slowest_seconds"] <= 2 * up + 1)
    table.add("PostgreSQL restart: /healthz after, tracebacks in the log",
              f"{result['healthz_after']}, {result['tracebacks']}", "200, 0",
              result["healthz_after"] == 200 and result["tracebacks"] == 0)
