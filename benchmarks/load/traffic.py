"""The load generator: client threads, each with one keep-alive ``http.client`` connection to
127.0.0.1, sending requests drawn from a weighted mix until a deadline.

Every answer is recorded as (kind, status, latency); a dropped connection is recorded as a
transport error and the thread reconnects. The mix's request builders live in ``Mix`` (what a
read, a usage report and a rotation send); a rotation learns from each answer which account
its project is on now, as a client would, so racing rotations get 409 (a correct answer).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.accounts.common import percentiles

READ_PATHS = ("/api/stats", "/api/accounts?limit=50", "/api/projects", "/api/sessions?limit=20")


@dataclass(frozen=True)
class Call:
    kind: str  # ping, read, usage, rotate
    method: str
    path: str
    body: dict[str, Any] | None = None
    on_answer: Callable[[int, bytes], None] | None = None


@dataclass
class KindResult:
    statuses: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)

    def summary(self, wall: float) -> dict[str, Any]:
        answered = sum(count for code, count in self.statuses.items() if code.isdigit())
        return {"answered": answered, "rate_per_s": answered / wall if wall else 0.0,
                "statuses": dict(self.statuses), **(percentiles(self.latencies_ms) if self.latencies_ms else {})}


@dataclass
class PhaseResult:
    name: str
    wall_seconds: float
    kinds: dict[str, KindResult]

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "wall_seconds": self.wall_seconds,
                "kinds": {kind: result.summary(self.wall_seconds) for kind, result in self.kinds.items()}}

    def count(self, predicate: Callable[[str], bool]) -> int:
        return sum(count for result in self.kinds.values() for code, count in result.statuses.items()
                   if predicate(code))


class Mix:
    """What each kind of request sends, over the seeded data (``benchmarks.load.seed.Seeded``)."""

    def __init__(self, usage_sessions: list[int], rotation_projects: dict[int, int], seed: int = 41) -> None:
        self.usage_sessions = usage_sessions
        self.known = dict(rotation_projects)  # project -> the account this client last saw it on
        self.accepted_credits = 0  # credits of usage reports answered 201 (the ledger must grow by this)
        self.rotations_done = 0
        self._lock = threading.Lock()
        self._seed = seed

    def rng(self, index: int) -> random.Random:
        return random.Random(self._seed * 1000 + index)

    def ping(self, rng: random.Random) -> Call:
        return Call("ping", "GET", "/ping")

    def read(self, rng: random.Random) -> Call:
        return Call("read", "GET", rng.choice(READ_PATHS))

    def usage(self, rng: random.Random) -> Call:
        credits = rng.randint(1, 5)

        def heard(status: int, _: bytes) -> None:
            if status == 201:
                with self._lock:
                    self.accepted_credits += credits

        return Call("usage", "POST", f"/api/sessions/{rng.choice(self.usage_sessions)}/usage",
                    {"credits": credits, "note": "load"}, heard)

    def rotate(self, rng: random.Random) -> Call:
        project_id = rng.choice(sorted(self.known))
        with self._lock:
            current = self.known[project_id]

        def heard(status: int, raw: bytes) -> None:
            payload = json.loads(raw) if raw[:1] == b"{" else {}
            with self._lock:
                if status == 200:
                    self.known[project_id] = payload["next_account"]["id"]
                    self.rotations_done += 1
                elif status == 409:
                    details = (payload.get("error") or {}).get("details") or {}
                    if isinstance(details.get("current_account_id"), int):
                        self.known[project_id] = details["current_account_id"]

        return Call("rotate", "POST", "/api/private/auto-rotate",
                    {"project_id": project_id, "current_account_id": current}, heard)


Weights = dict[str, float]
MIXED: Weights = {"read": 0.70, "usage": 0.20, "rotate": 0.10}


def run_phase(name: str, port: int, token: str, mix: Mix, weights: Weights, *, seconds: float,
              clients: int) -> PhaseResult:
    """``clients`` threads send requests drawn from ``weights`` for ``seconds``."""
    builders: dict[str, Callable[[random.Random], Call]] = {
        "ping": mix.ping, "read": mix.read, "usage": mix.usage, "rotate": mix.rotate}
    kinds = sorted(weights)
    shares = [weights[kind] for kind in kinds]
    results = {kind: KindResult() for kind in kinds}
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start_line = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        rng = mix.rng(index)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = {kind: KindResult() for kind in kinds}
        start_line.wait()
        try:
            while time.perf_counter() < deadline[0]:
                call = builders[rng.choices(kinds, shares)[0]](rng)
                body = None if call.body is None else json.dumps(call.body).encode()
                started = time.perf_counter()
                try:
                    connection.request(call.method, call.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    raw = answer.read()
                except (OSError, http.client.HTTPException) as problem:
                    local[call.kind].statuses[f"transport error: {type(problem).__name__}"] += 1
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                local[call.kind].latencies_ms.append((time.perf_counter() - started) * 1000)
                local[call.kind].statuses[str(answer.status)] += 1
                if call.on_answer is not None:
                    call.on_answer(answer.status, raw)
        finally:
            connection.close()
            with lock:
                for kind, part in local.items():
                    results[kind].statuses.update(part.statuses)
                    results[kind].latencies_ms.extend(part.latencies_ms)

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join(seconds + 60)
    return PhaseResult(name=name, wall_seconds=time.perf_counter() - began, kinds=results)
