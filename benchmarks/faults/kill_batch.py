"""``kill -9`` of ``paas serve`` during POST /api/private/batch-create-accounts: all or nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
from benchmarks.accounts.common import Table, seconds
from benchmarks.accounts.rotation import Server, paas, server_env

BATCH = 10_000


def rows(run: str, count: int) -> list[dict[str, Any]]:
    return [{"account_name": f"kill-{run}-{index:05d}", "platform": "claude", "quota": 100} for index in range(count)]


def count_accounts(path: Path) -> tuple[int, str]:
    with sqlite3.connect(path) as connection:
        count = connection.execute("SELECT count(*) FROM accounts").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return int(count), str(integrity)


def one_run(env: dict[str, str], token: str, log: Path, tag: str, batch: int,
            kill_after: float | None) -> tuple[Any, float]:
    """POST one batch; ``kill_after`` s later ``kill -9`` the server (None: let it answer).
    Returns the answer (a status, or the client's error) and the seconds it took."""
    server = Server(env, 1, log)
    answer: dict[str, Any] = {}
    try:
        server.wait_ready()

        def post() -> None:
            begun = time.monotonic()
            try:
                answer["status"] = httpx2.post(
                    f"{server.base}/api/private/batch-create-accounts", json={"accounts": rows(tag, batch)},
                    headers={"Authorization": f"Bearer {token}"}, timeout=120).status_code
            except httpx2.HTTPError as problem:
                answer["status"] = type(problem).__name__
            answer["seconds"] = time.monotonic() - begun
        sender = threading.Thread(target=post, daemon=True)
        sender.start()
        if kill_after is not None:
            time.sleep(kill_after)
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
        sender.join(timeout=130)
    finally:
        server.stop()
    return answer.get("status"), float(answer.get("seconds", 0.0))


def measure(folder: Path, *, quick: bool) -> dict[str, Any]:
    folder.mkdir(parents=True)
    database = folder / "paas.db"
    env = server_env(f"sqlite:///{database}", folder / "data")
    paas(["init"], env)
    token = paas(["token", "create", "--role", "admin", "--name", "faults", "--quiet"], env).strip()
    batch = 2_000 if quick else BATCH
    status, whole = one_run(env, token, folder / "server-whole.log", "whole", batch, None)  # how long one takes
    kills = 4 if quick else 8
    runs = []
    for run in range(kills):
        before, _ = count_accounts(database)
        kill_after = whole * (0.1 + 1.1 * run / (kills - 1))  # from early in the batch to just past its commit
        answer, _ = one_run(env, token, folder / f"server-{run}.log", str(run), batch, kill_after)
        after, integrity = count_accounts(database)
        added = after - before
        runs.append({"run": run, "kill_after_seconds": kill_after, "added": added, "answer": answer,
                     "integrity": integrity, "whole_or_nothing": added in (0, batch)})
    restarted = Server(env, 1, folder / "server-after.log")
    try:
        restarted.wait_ready()
        served = httpx2.get(f"{restarted.base}/api/accounts", params={"limit": 1},
                            headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code
    finally:
        restarted.stop()
    return {"batch": batch, "unkilled": {"status": status, "seconds": whole}, "runs": runs, "served_after": served}


def add_rows(table: Table, result: dict[str, Any]) -> None:
    runs = result["runs"]
    partial = [run for run in runs if not run["whole_or_nothing"]]
    whole = sum(1 for run in runs if run["added"] == result["batch"])
    unkilled = result["unkilled"]
    table.add(f"a {result['batch']:,}-account batch, not killed", f"{unkilled['status']} in "
              f"{seconds(unkilled['seconds'])}", "201 (the kills below are spread over this time, and past it)",
              unkilled["status"] == 201)
    table.add(f"kill -9 during a {result['batch']:,}-account batch: runs with a partial batch",
              f"{len(partial)} of {len(runs)}", f"must be 0 ({whole} committed before the kill, "
              f"{len(runs) - whole - len(partial)} rolled back)", not partial)
    bad = [run["integrity"] for run in runs if run["integrity"] != "ok"]
    table.add("kill -9: PRAGMA integrity_check after each kill", "ok" if not bad else bad[0], "must be ok", not bad)
    table.add("kill -9: a restarted server serves the database", str(result["served_after"]), "200",
              result["served_after"] == 200)
