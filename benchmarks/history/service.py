"""The estimate end to end over SQLite: ``services.history.estimate_task`` on a database holding the
generated history (its newest 5,000 sessions are what it reads), the first call (query, words,
index) and the next ones (the index kept while the history is unchanged), and select-best with and
without a task."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.history.generator import generate

from paas.services import history
from paas.services.selection import select_best_accounts
from paas.store.db import make_engine, upgrade
from paas.store.schema import Account, Project, WorkSession
from paas.store.unit import transaction

QUERIES = ("Fix the flaky pytest fixture for the regression suite", "Build a responsive react modal form",
           "Add stripe subscription webhook and refund handler", "Complete rewrite of the etl pipeline to parquet",
           "Quick typo in the readme guide", "Kubernetes helm release for the api")


def _load(url: str, count: int) -> Any:
    pool, sessions = generate(count)
    engine = make_engine(url)
    with transaction(engine) as session:
        session.add_all([Project(id=project, name=f"project-{project}") for project in
                         sorted({item.project_id for item in sessions})])
        session.add_all([Account(id=account.id, account_name=account.name) for account in pool])
        session.flush()
        numbers: dict[int, int] = {}
        for item in sessions:
            numbers[item.project_id] = numbers.get(item.project_id, 0) + 1
            session.add(WorkSession(id=item.id, project_id=item.project_id, account_id=item.account_id,
                                    session_number=numbers[item.project_id], session_type=item.session_type,
                                    status=item.status, credits_used=item.credits, objectives=item.objectives,
                                    accomplishments=item.accomplishments or None,
                                    handoff_notes=item.handoff_notes or None, started_at=item.started_at,
                                    completed_at=item.started_at + timedelta(minutes=40)))
    return engine, sessions[-1].started_at + timedelta(days=1)


def _timed_ms(work: Any) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def measure(count: int, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'history.db'}"
        upgrade(url)
        engine, now = _load(url, count)
        try:
            def run(text: str, task: bool = False) -> None:
                with transaction(engine, write=False) as session:
                    if task:
                        select_best_accounts(session, now=now, limit=3, task=text)
                    else:
                        history.estimate_task(session, text=text, now=now)

            history._cached = None  # a cold first call, whatever ran before in this process
            first = _timed_ms(lambda: run(QUERIES[0]))
            warm = [_timed_ms(lambda text=text: run(text)) for _ in range(repeats) for text in QUERIES]
            with_task = [_timed_ms(lambda text=text: run(text, task=True)) for _ in range(repeats) for text in QUERIES]
            plain = []
            for _ in range(repeats):
                for _text in QUERIES:
                    def rank() -> None:
                        with transaction(engine, write=False) as session:
                            select_best_accounts(session, now=now, limit=3)
                    plain.append(_timed_ms(rank))
        finally:
            engine.dispose()
    return {"sessions_in_db": count, "sessions_read": min(count, history.HISTORY_LIMIT),
            "estimate_first_ms": round(first, 1), "estimate_next_median_ms": round(statistics.median(warm), 1),
            "select_best_with_task_median_ms": round(statistics.median(with_task), 1),
            "select_best_without_task_median_ms": round(statistics.median(plain), 1)}
