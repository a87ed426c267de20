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
from benchmarks.accounts.common import Table
from benchmarks.accounts.rotation import Server, paas, server_env

BATCH = 10_000


def rows(run: int, count: int) -> list[dict[str, Any]]:
    return [{"account_name": f"kill-{run}-{index:05d}", "platform": "claude", "quota": 100} for index in range(count)]


def count_accounts(path: Path) -> tuple[int, str]:
    with sqlite3.connect(path) as connection:
        count = connection.execute("SELECT count(*) FROM accounts").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return int(count), str(integrity)


def measure(folder: Path, *, quick: bool) -> dict[str, Any]:
    folder.mkdir(parents=True)
    database = folder / "paas.db"
    env = server_env(f"sqlite:///{database}", folder / "data")
    paas(["init"], env)
    token = paas(["token", "create", "--role", "admin", "--name", "faults", "--quiet"], env).strip()
    runs = []
    batch = 2_000 if quick else BATCH
    for run in range(3 if quick else 6):
        before, _ = count_accounts(database)
        server = Server(env, 1, folder / f"server-{run}.log")
        try:
            server.wait_ready()
            answer: dict[str, Any] = {}

            def post(server: Server = server, run: int = run, answer: dict[str, Any] = answer) -> None:
                try:
                    answer["status"] = httpx2.post(
                        f"{server.base}/api/private/batch-create-accounts", json={"accounts": rows(run, batch)},
                        headers={"Authorization": f"Bearer {token}"}, timeout=120).status_code
                except httpx2.HTTPError as problem:
                    answer["status"] = type(problem).__name__
            sender = threading.Thread(target=post, daemon=True)
            sender.start()
            time.sleep(0.15 + 0.25 * run)  # kill at a different point of the batch each run
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
            sender.join(timeout=30)
        finally:
            server.stop()
        after, integrity = count_accounts(database)
        added = after - before
        runs.append({"run": run, "added": added, "answer": answer.get("status"), "integrity": integrity,
                     "whole_or_nothing": added in (0, batch)})
    restarted = Server(env, 1, folder / "server-after.log")
    try:
        restarted.wait_ready()
        served = httpx2.get(f"{restarted.base}/api/accounts", params={"limit": 1},
                            headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code
    finally:
        restarted.stop()
    return {"batch": batch, "runs": runs, "served_after": served}


def add_rows(table: Table, result: dict[str, Any]) -> None:
    runs = result["runs"]
    partial = [run for run in runs if not run["whole_or_nothing"]]
    whole = sum(1 for run in runs if run["added"] == result["batch"])
    table.add(f"kill -9 during a {result['batch']:,}-account batch: runs with a partial batch",
              f"{len(partial)} of {len(runs)}", f"must be 0 ({whole} committed before the kill, "
              f"{len(runs) - whole - len(partial)} rolled back)", not partial)
    bad = [run["integrity"] for run in runs if run["integrity"] != "ok"]
    table.add("kill -9: PRAGMA integrity_check after each kill", "ok" if not bad else bad[0], "must be ok", not bad)
    table.add("kill -9: a restarted server serves the database", str(result["served_after"]), "200",
              result["served_after"] == 200)
