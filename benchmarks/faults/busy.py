"""SQLite busy: another process holds the write lock while clients write through ``paas serve``."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
from benchmarks.accounts.common import Table, seconds
from benchmarks.accounts.rotation import Server, paas, server_env

BUSY_TIMEOUT_MS = 1000
CLIENTS = 8


def writes_during_lock(base: str, token: str, database: Path, hold: float, tag: str) -> dict[str, Any]:
    """Take the write lock from another connection for ``hold`` s; meanwhile CLIENTS writes start."""
    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(hold, lambda: holder.execute("ROLLBACK"))
    started = time.monotonic()
    released.start()

    def write(index: int) -> tuple[int, float, str | None]:
        begun = time.monotonic()
        answer = httpx2.post(f"{base}/api/projects", json={"name": f"busy-{tag}-{index}"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
        return answer.status_code, time.monotonic() - begun, answer.headers.get("retry-after")

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(write, range(CLIENTS)))
    released.join()
    holder.close()
    after = httpx2.post(f"{base}/api/projects", json={"name": f"busy-{tag}-after"},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code
    return {"hold_seconds": hold, "statuses": dict(Counter(str(status) for status, _, _ in answers)),
            "slowest_seconds": max(elapsed for _, elapsed, _ in answers),
            "retry_after_on_503": all(retry == "1" for status, _, retry in answers if status == 503),
            "write_after_release": after, "wall_seconds": time.monotonic() - started}


def measure(folder: Path, *, quick: bool) -> dict[str, Any]:
    folder.mkdir(parents=True)
    database = folder / "paas.db"
    env = server_env(f"sqlite:///{database}", folder / "data") | {"PAAS_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS)}
    paas(["init"], env)
    token = paas(["token", "create", "--role", "admin", "--name", "faults", "--quiet"], env).strip()
    server = Server(env, 1, folder / "server.log")
    try:
        server.wait_ready()
        short = writes_during_lock(server.base, token, database, BUSY_TIMEOUT_MS / 1000 / 2, "short")
        long = writes_during_lock(server.base, token, database, BUSY_TIMEOUT_MS / 1000 * 2.5, "long")
    finally:
        server.stop()
    tracebacks = server.log.read_text(errors="replace").count("Traceback")
    return {"busy_timeout_ms": BUSY_TIMEOUT_MS, "clients": CLIENTS, "short": short, "long": long,
            "tracebacks": tracebacks}


def add_rows(table: Table, result: dict[str, Any]) -> None:
    short, long = result["short"], result["long"]
    timeout = result["busy_timeout_ms"] / 1000
    table.add(f"SQLite busy {seconds(short['hold_seconds'])} (< busy timeout {seconds(timeout)}): "
              f"{result['clients']} writes", ", ".join(f"{code}×{n}" for code, n in sorted(short["statuses"].items())),
              "all 201 (they wait, then go)", short["statuses"] == {"201": result["clients"]})
    table.add("SQLite busy, short: slowest write", seconds(short["slowest_seconds"]),
              f"≈ the lock's {seconds(short['hold_seconds'])}")
    others = {code: n for code, n in long["statuses"].items() if code not in ("201", "503")}
    table.add(f"SQLite busy {seconds(long['hold_seconds'])} (> busy timeout): writes",
              ", ".join(f"{code}×{n}" for code, n in sorted(long["statuses"].items())),
              "201 or 503 with Retry-After only", not others and long["retry_after_on_503"])
    table.add("SQLite busy, long: slowest answer", seconds(long["slowest_seconds"]),
              f"bounded (≤ lock {seconds(long['hold_seconds'])} + 1 s)",
              long["slowest_seconds"] <= long["hold_seconds"] + 1)
    table.add("SQLite busy: a write after the lock is gone", f"{short['write_after_release']} / "
              f"{long['write_after_release']}", "201 / 201",
              short["write_after_release"] == long["write_after_release"] == 201)
    table.add("SQLite busy: tracebacks in the server log", str(result["tracebacks"]), "0", result["tracebacks"] == 0)
