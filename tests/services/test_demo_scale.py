"""services.demo_scale: N generated credit events over realistic sessions, written in bulk, with every
denormalised total equal to the ledger's sums; deterministic; N refused outside 1..10,000,000."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from paas.core.errors import InvalidInput
from paas.services import demo_scale
from paas.store.db import make_engine
from paas.store.schema import Account, CreditEvent, Project, WorkSession
from paas.store.unit import transaction


def generate(engine: Engine, now: Any, events: int, **options: Any) -> demo_scale.ScaleLoaded:
    with transaction(engine) as session:
        return demo_scale.generate(session, now=now, events=events, **options)


def ledger_disagreements(engine: Engine) -> dict[str, list[Any]]:
    """Every denormalised figure that differs from the ledger (empty lists when all agree)."""
    with transaction(engine, write=False) as session:
        per_session = (select(CreditEvent.session_id, func.sum(CreditEvent.credits).label("spent"),
                              func.max(CreditEvent.occurred_at).label("last"))
                       .group_by(CreditEvent.session_id).subquery())
        sessions = session.execute(
            select(WorkSession.id).join(per_session, per_session.c.session_id == WorkSession.id)
            .where((per_session.c.spent != WorkSession.credits_used)
                   | (per_session.c.last != WorkSession.completed_at))).all()
        per_project = (select(CreditEvent.project_id, func.sum(CreditEvent.credits).label("spent"))
                       .group_by(CreditEvent.project_id).subquery())
        counted = (select(WorkSession.project_id, func.count().label("sessions"))
                   .group_by(WorkSession.project_id).subquery())
        projects = session.execute(
            select(Project.id).join(per_project, per_project.c.project_id == Project.id)
            .join(counted, counted.c.project_id == Project.id)
            .where((per_project.c.spent != Project.total_credits_used)
                   | (counted.c.sessions != Project.total_sessions))).all()
        per_account = (select(CreditEvent.account_id, func.max(CreditEvent.occurred_at).label("last"))
                       .group_by(CreditEvent.account_id).subquery())
        accounts = session.execute(
            select(Account.id).join(per_account, per_account.c.account_id == Account.id)
            .where(per_account.c.last != Account.last_used_at)).all()
    return {"sessions": sessions, "projects": projects, "accounts": accounts}


def test_the_ledger_sums_equal_the_denormalised_totals(engine: Engine, clock: Any) -> None:
    done: list[int] = []
    loaded = generate(engine, clock(), 120_000, progress=done.append)
    assert loaded.events == 120_000 == sum(done) and len(done) == 3  # batches of about 50,000
    assert (loaded.projects, loaded.accounts) == (6, 24)
    assert ledger_disagreements(engine) == {"sessions": [], "projects": [], "accounts": []}
    with transaction(engine, write=False) as session:
        count, credits, first, last = session.execute(
            select(func.count(), func.sum(CreditEvent.credits), func.min(CreditEvent.occurred_at),
                   func.max(CreditEvent.occurred_at))).one()
        sizes = session.execute(select(func.count()).select_from(CreditEvent)
                                .group_by(CreditEvent.session_id)).scalars().all()
        statuses = dict(session.execute(select(WorkSession.status, func.count()).group_by(WorkSession.status)).all())
        numbers = session.execute(select(WorkSession.project_id, func.count(), func.max(WorkSession.session_number))
                                  .group_by(WorkSession.project_id)).all()
    assert (count, credits) == (120_000, loaded.credits)
    assert clock() - timedelta(days=90) <= first and last <= clock()
    assert len(sizes) == loaded.sessions
    assert sum(1 for size in sizes if not 20 <= size <= 100) <= 1  # only the very last session may be shorter
    assert set(statuses) == {"completed", "handed_off", "failed"}
    assert statuses["completed"] > statuses["handed_off"] > statuses["failed"]
    assert all(total == highest for _, total, highest in numbers)  # numbers 1..n per project


def test_a_second_run_adds_and_numbers_follow_on(engine: Engine, clock: Any) -> None:
    first = generate(engine, clock(), 3_000)
    second = generate(engine, clock(), 2_000, seed=11)
    assert (first.projects, first.accounts) == (second.projects, second.accounts) == (4, 10)
    assert ledger_disagreements(engine) == {"sessions": [], "projects": [], "accounts": []}
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(CreditEvent)) == 5_000
        assert session.scalar(select(func.count()).select_from(Project)) == 4
        assert session.scalar(select(func.count()).select_from(WorkSession)) == first.sessions + second.sessions


def test_the_same_seed_gives_the_same_rows(engine: Engine, clock: Any, tmp_path: Path, sqlite_template: Path) -> None:
    other_path = tmp_path / "other.db"
    shutil.copyfile(sqlite_template, other_path)
    other = make_engine(f"sqlite:///{other_path}")

    def rows(on: Engine) -> list[Any]:
        with transaction(on, write=False) as session:
            return [tuple(row) for row in session.execute(
                select(WorkSession.project_id, WorkSession.session_number, WorkSession.account_id,
                       WorkSession.status, WorkSession.credits_used, WorkSession.started_at)
                .order_by(WorkSession.project_id, WorkSession.session_number))]

    try:
        generate(engine, clock(), 4_000)
        generate(other, clock(), 4_000)
        assert rows(engine) == rows(other)
    finally:
        other.dispose()


@pytest.mark.parametrize("events", [0, -5, 10_000_001])
def test_n_outside_the_range_is_refused(engine: Engine, clock: Any, events: int) -> None:
    with pytest.raises(InvalidInput, match="--scale must be a number of credit events from 1 to 10,000,000"):
        generate(engine, clock(), events)
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0
