"""Part 3: concurrent auto-rotates through the real HTTP server.

``paas init``, then seeding through the services (20 projects, 50 accounts with quota 100,
one open session per project), an admin token from ``paas token create``, then the real
server as a subprocess: ``paas serve --workers 1`` on SQLite, ``--workers 2`` on PostgreSQL
(a fresh schema, dropped after). A pool of threads fires POST /api/private/auto-rotate; each
request picks a project and sends the account that project was on as this client last knew
it (updated from each answer), so many requests race and conflict (409): that is correct.
About half carry ``final_credits`` so the ledger moves.

Checks afterwards: no 5xx; no double lease (at most one session in progress per account and
per project, read straight from the database); every displayed counter equals the ledger
(GET /api/accounts credits_used vs SUM(credit_events) in the account's daily window, computed
in SQL; GET /api/projects total_credits_used vs SUM(credit_events) per project; each
session's credits_used vs its ledger rows). The server is always stopped at the end.
Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from benchmarks.accounts.common import REPO, Table, ms, percentiles, pg_answers, pg_schema

PAAS = REPO / ".venv" / "bin" / "paas"
PROJECTS, ACCOUNTS, QUOTA = 20, 50, 100
SPECIALITIES = ("React, Vue, UI/UX Design", "Python, FastAPI, PostgreSQL", "Kubernetes, Terraform, AWS",
                "Swift, Kotlin, Flutter", "Pandas, Machine Learning", "Technical Writing", "Playwright, CI/CD")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: str, data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAAS_")}
    env |= {"PAAS_DATABASE_URL": url, "PAAS_DATA_DIR": str(data_dir), "PAAS_ENV": "development"}
    return env


def seed(url: str) -> list[tuple[int, int]]:
    """20 projects, 50 accounts, project i on account i; returns (project id, account id)."""
    from paas.services.batch import create_accounts
    from paas.services.projects import create_project
    from paas.services.sessions import start_session
    from paas.store.db import make_engine
    from paas.store.unit import transaction

    now = datetime.now(UTC)
    rng = random.Random(23)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            created = create_accounts(session, [
                {"account_name": f"GenSpark-Seat-{index:02d}", "platform": "genspark", "quota": QUOTA,
                 "specialization": rng.choice(SPECIALITIES)} for index in range(ACCOUNTS)], now=now)
            account_ids = [account_id for account_id, _ in created.created]
            pairs = []
            for index in range(PROJECTS):
                project = create_project(session, name=f"bench-project-{index:02d}",
                                         description=rng.choice(SPECIALITIES))
                work = start_session(session, project_id=project.id, account_id=account_ids[index], now=now)
                pairs.append((project.id, work.account_id))
        return pairs
    finally:
        engine.dispose()


def paas(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([str(PAAS), *args], env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"paas {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done.stdout


class Server:
    """``paas serve`` in its own process group; ``stop`` ends that group (only it)."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [str(PAAS), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)],
            env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited ({self.process.returncode}): {self.tail()}")
            try:
                if httpx2.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout:.0f} s: {self.tail()}")

    def tail(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")[-1500:]

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log_file.close()


def fire(base: str, token: str, pairs: list[tuple[int, int]], total: int, threads: int,
         budget: float) -> dict[str, Any]:
    rng = random.Random(29)
    plan = [(rng.choice(pairs)[0], rng.randint(1, 12) if rng.random() < 0.5 else None) for _ in range(total)]
    known = dict(pairs)
    lock = threading.Lock()
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    sent_credits = Counter[int]()
    deadline = time.monotonic() + budget
    client = httpx2.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30,
                          limits=httpx2.Limits(max_connections=threads, max_keepalive_connections=threads))

    def one(index: int) -> None:
        project_id, final_credits = plan[index]
        if time.monotonic() > deadline:
            with lock:
                statuses["not sent (time budget)"] += 1
            return
        with lock:
            current = known[project_id]
        body: dict[str, Any] = {"project_id": project_id, "current_account_id": current}
        if final_credits:
            body |= {"final_credits": final_credits, "note": f"bench request {index}"}
        started = time.perf_counter()
        try:
            answer = client.post("/api/private/auto-rotate", json=body)
        except httpx2.HTTPError as problem:
            with lock:
                statuses[f"transport error: {type(problem).__name__}"] += 1
            return
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            statuses[str(answer.status_code)] += 1
            latencies.append(elapsed)
            payload = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
            if answer.status_code == 200:
                known[project_id] = payload["next_account"]["id"]
                if final_credits:
                    sent_credits[project_id] += final_credits
            elif answer.status_code == 409:
                details = (payload.get("error") or {}).get("details") or {}
                if isinstance(details.get("current_account_id"), int):
                    known[project_id] = details["current_account_id"]

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(one, range(total)))
    finally:
        client.close()
    wall = time.perf_counter() - started
    return {"statuses": dict(statuses), "wall_seconds": wall, "latency": percentiles(latencies) if latencies else {},
            "requests": total, "threads": threads, "accepted_final_credits": sum(sent_credits.values())}


def check(url: str, base: str, token: str) -> dict[str, Any]:
    """Double leases and ledger-vs-counter, from the database (SQL) and the API."""
    from sqlalchemy import text

    from paas.store.db import make_engine

    headers = {"Authorization": f"Bearer {token}"}
    shown_accounts = httpx2.get(f"{base}/api/accounts", params={"limit": 500}, headers=headers, timeout=30).json()
    shown_projects = httpx2.get(f"{base}/api/projects", params={"limit": 500}, headers=headers, timeout=30).json()
    now = datetime.now(UTC)
    window_start = now.replace(hour=0, minute=0, second=0, microsecond=0)  # every seeded account: daily, 00:00 UTC
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            per_account = connection.execute(text(
                "SELECT account_id, count(*), count(DISTINCT project_id) FROM sessions "
                "WHERE status = 'in_progress' GROUP BY account_id")).all()
            per_project = connection.execute(text(
                "SELECT project_id, count(*) FROM sessions WHERE status = 'in_progress' GROUP BY project_id")).all()
            window_sums = dict(connection.execute(text(
                "SELECT account_id, SUM(credits) FROM credit_events "
                "WHERE occurred_at >= :start AND occurred_at <= :now GROUP BY account_id"),
                {"start": window_start.replace(tzinfo=None),
                 "now": now.replace(tzinfo=None) + timedelta(seconds=1)}).all())
            project_sums = dict(connection.execute(text(
                "SELECT project_id, SUM(credits) FROM credit_events WHERE project_id IS NOT NULL "
                "GROUP BY project_id")).all())
            session_mismatch = connection.execute(text(
                "SELECT count(*) FROM sessions s WHERE s.credits_used <> "
                "(SELECT COALESCE(SUM(e.credits), 0) FROM credit_events e WHERE e.session_id = s.id)")).scalar_one()
            sessions_total = connection.execute(text("SELECT count(*) FROM sessions")).scalar_one()
            ledger_total = connection.execute(text("SELECT COALESCE(SUM(credits), 0) FROM credit_events")).scalar_one()
    finally:
        engine.dispose()
    account_rows = shown_accounts["data"]
    account_mismatch = [(row["id"], row["credits_used"], int(window_sums.get(row["id"], 0) or 0))
                        for row in account_rows if row["credits_used"] != int(window_sums.get(row["id"], 0) or 0)]
    available_mismatch = [row["id"] for row in account_rows
                          if row["credits_available"] != max(0, row["quota"] - row["credits_used"])]
    project_rows = shown_projects["data"]
    project_mismatch = [(row["id"], row["total_credits_used"], int(project_sums.get(row["id"], 0) or 0))
                        for row in project_rows
                        if row["total_credits_used"] != int(project_sums.get(row["id"], 0) or 0)]
    return {
        "accounts_leased_twice": [row[0] for row in per_account if row[1] > 1],
        "accounts_on_two_projects": [row[0] for row in per_account if row[2] > 1],
        "projects_on_two_accounts": [row[0] for row in per_project if row[1] > 1],
        "projects_with_open_session": len(per_project),
        "accounts_shown": len(account_rows), "projects_shown": len(project_rows),
        "account_counter_mismatches": account_mismatch, "available_mismatches": available_mismatch,
        "project_counter_mismatches": project_mismatch, "session_counter_mismatches": int(session_mismatch),
        "sessions": int(sessions_total), "ledger_credits": int(ledger_total),
        "window_start": window_start.isoformat(),
    }


def one_backend(name: str, url: str, workers: int, total: int, threads: int, budget: float,
                folder: Path) -> dict[str, Any]:
    env = server_env(url, folder / f"data-{name}")
    paas(["init"], env)
    pairs = seed(url)
    token = paas(["token", "create", "--role", "admin", "--name", "bench", "--quiet"], env).strip()
    server = Server(env, workers, folder / f"server-{name}.log")
    try:
        server.wait_ready()
        result = fire(server.base, token, pairs, total, threads, budget)
        result["checks"] = check(url, server.base, token)
    except Exception:
        result = {"error": server.tail()}
        raise
    finally:
        server.stop()
    warnings = [line.strip() for line in server.log.read_text(errors="replace").splitlines()
                if "busy" in line or "Traceback" in line or "ERROR" in line]
    result |= {"backend": name, "workers": workers, "server_warnings": warnings[:20]}
    return result


def add_rows(table: Table, label: str, result: dict[str, Any]) -> None:
    statuses = result["statuses"]
    checks = result["checks"]
    fivexx = sum(count for code, count in statuses.items() if code.isdigit() and code.startswith("5"))
    other = sum(count for code, count in statuses.items() if not code.isdigit())
    answered = sum(count for code, count in statuses.items() if code.isdigit())
    table.add(f"{label}: requests/s ({result['workers']} worker(s), {result['threads']} threads)",
              f"{answered / result['wall_seconds']:.1f}/s", f"{result['requests']} requests in "
              f"{result['wall_seconds']:.1f} s")
    table.add(f"{label}: status codes", ", ".join(f"{code}×{count}" for code, count in sorted(statuses.items())),
              "200 and 409 expected")
    if result.get("latency"):
        table.add(f"{label}: latency p50 / p99", f"{ms(result['latency']['p50_ms'])} / "
                  f"{ms(result['latency']['p99_ms'])}", "information")
    table.add(f"{label}: 5xx responses", str(fivexx), "must be 0", fivexx == 0)
    if fivexx and result.get("server_warnings"):
        table.notes.append(f"{label} server log: {result['server_warnings'][0][:200]}")
    table.add(f"{label}: requests not answered (errors, time budget)", str(other), "must be 0", other == 0)
    leased_twice = len(checks["accounts_leased_twice"]) + len(checks["accounts_on_two_projects"])
    table.add(f"{label}: double leases (accounts with >1 open session / project)", str(leased_twice), "must be 0",
              leased_twice == 0)
    table.add(f"{label}: projects with ≠1 open session", str(PROJECTS - checks["projects_with_open_session"]
                                                             + len(checks["projects_on_two_accounts"])),
              "must be 0", checks["projects_with_open_session"] == PROJECTS and not checks["projects_on_two_accounts"])
    bad_accounts = len(checks["account_counter_mismatches"]) + len(checks["available_mismatches"])
    table.add(f"{label}: accounts whose credits_used ≠ ledger (GET /api/accounts vs SQL)",
              f"{bad_accounts} of {checks['accounts_shown']}", "must be 0", bad_accounts == 0
              and checks["accounts_shown"] == ACCOUNTS)
    table.add(f"{label}: projects whose total_credits_used ≠ ledger (GET /api/projects vs SQL)",
              f"{len(checks['project_counter_mismatches'])} of {checks['projects_shown']}", "must be 0",
              not checks["project_counter_mismatches"] and checks["projects_shown"] == PROJECTS)
    table.add(f"{label}: sessions whose credits_used ≠ ledger", f"{checks['session_counter_mismatches']} of "
              f"{checks['sessions']}", "must be 0", checks["session_counter_mismatches"] == 0)
    table.add(f"{label}: ledger credits (accepted final_credits)", f"{checks['ledger_credits']}",
              f"client saw {result['accepted_final_credits']} accepted", checks["ledger_credits"]
              == result["accepted_final_credits"])


def run(quick: bool = False) -> tuple[Table, dict[str, Any]]:
    total, threads, budget = (60, 10, 60.0) if quick else (200, 20, 180.0)
    table = Table(f"{total} concurrent auto-rotates over HTTP ({PROJECTS} projects, {ACCOUNTS} accounts of quota "
                  f"{QUOTA}, real `paas serve`)")
    data: dict[str, Any] = {"requests": total, "threads": threads, "time_budget_seconds": budget}
    with tempfile.TemporaryDirectory(prefix="paas-bench-rotate-") as name, ExitStack() as stack:
        folder = Path(name)
        try:
            result = one_backend("sqlite", f"sqlite:///{folder / 'paas.db'}", 1, total, threads, budget, folder)
            data["sqlite"] = result
            add_rows(table, "SQLite", result)
        except Exception as problem:  # report, keep going
            data["sqlite"] = {"error": repr(problem)}
            table.add("SQLite: run", f"error: {problem!r}"[:80], "must run", False)
        if pg_answers():
            try:
                url = stack.enter_context(pg_schema(f"paas_bench_rotate_{os.getpid()}"))
                result = one_backend("postgresql", url, 2, total, threads, budget, folder)
                data["postgresql"] = result
                add_rows(table, "PostgreSQL", result)
            except Exception as problem:
                data["postgresql"] = {"error": repr(problem)}
                table.add("PostgreSQL: run", f"error: {problem!r}"[:80], "must run", False)
        else:
            data["postgresql"] = None
            table.notes.append("PostgreSQL not reached (PAAS_BENCH_DATABASE_URL); PostgreSQL run skipped")
    table.notes.append("each request sends the project's account as this client last knew it; 409 = it lost a race "
                       "or the pool had no free account (correct answers, not failures)")
    return table, data
