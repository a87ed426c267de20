"""services.demo: the original's demo data, loaded through the services, and loaded only once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from paas.services import accounts, demo, knowledge
from paas.store.schema import (
    Account,
    ContextSnapshot,
    CreditEvent,
    HandoffQueueItem,
    KnowledgeEntry,
    Project,
    ProjectFile,
    WorkSession,
)
from paas.store.unit import transaction

TABLES = (Project, Account, WorkSession, CreditEvent, ContextSnapshot, KnowledgeEntry, ProjectFile,
          HandoffQueueItem)


def load(engine: Engine, clock: Any) -> demo.DemoLoaded:
    with transaction(engine) as session:
        return demo.load_demo(session, clock())


def counts(engine: Engine) -> dict[str, int]:
    with transaction(engine, write=False) as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in TABLES}


def test_demo_loads_the_original_records(engine: Engine, clock: Any) -> None:
    loaded = load(engine, clock)
    assert loaded.changed
    assert loaded.added == {"projects": 4, "accounts": 10, "sessions": 7, "snapshots": 3, "knowledge": 12,
                            "files": 6, "handoffs": 1}
    # 7 session events + 7 opening entries (the accounts that had used credits when they were added).
    assert counts(engine) == {"projects": 4, "accounts": 10, "sessions": 7, "credit_events": 14,
                              "context_snapshots": 3, "knowledge_base": 12, "project_files": 6,
                              "handoff_queue": 1}


def test_demo_accounts_have_the_original_credit_levels(engine: Engine, clock: Any) -> None:
    load(engine, clock)
    with transaction(engine, write=False) as session:
        views = accounts.describe_accounts(
            session, list(session.scalars(select(Account).order_by(Account.id)).all()), clock())
        openings = session.execute(select(CreditEvent.account_id, CreditEvent.credits).where(
            CreditEvent.note == "used before the account was added").order_by(CreditEvent.account_id)).all()
    # The original's levels, computed from the quota and the ledger inside today's window.
    assert [view.remaining for view in views] == [92, 78, 85, 95, 88, 100, 100, 100, 45, 20]
    assert [view.used for view in views] == [8, 22, 15, 5, 12, 0, 0, 0, 55, 80]
    assert [tuple(row) for row in openings] == [(1, 8), (2, 22), (3, 15), (4, 5), (5, 12), (9, 55), (10, 80)]
    # No session is open, so nothing is active; the original's two exhausted accounts are marked exhausted.
    statuses = Counter(view.status.value for view in views)
    assert statuses == {"available": 8, "exhausted": 2}
    assert [view.account.account_name for view in views if view.status.value == "exhausted"] == [
        "Claude-Sonnet", "ChatGPT-4"]


def test_demo_sessions_are_completed_and_match_the_ledger(engine: Engine, clock: Any) -> None:
    load(engine, clock)
    with transaction(engine, write=False) as session:
        works = session.scalars(select(WorkSession).order_by(WorkSession.id)).all()
        events = {event.session_id: event for event in session.scalars(select(CreditEvent))}
        projects = session.scalars(select(Project).order_by(Project.id)).all()
        per_project = dict(session.execute(
            select(CreditEvent.project_id, func.sum(CreditEvent.credits)).group_by(CreditEvent.project_id)).all())
    assert [work.credits_used for work in works] == [88, 92, 85, 72, 95, 88, 82]
    assert {work.status for work in works} == {"completed"}
    for work in works:
        event = events[work.id]
        assert (event.credits, event.account_id, event.project_id) == (work.credits_used, work.account_id,
                                                                       work.project_id)
        assert event.occurred_at == work.completed_at < clock()
        assert work.completed_at - work.started_at == timedelta(minutes=work.duration_minutes)
    assert [(p.total_sessions, p.total_credits_used) for p in projects] == [(4, 337), (2, 183), (1, 82), (0, 0)]
    assert all(p.total_credits_used == per_project.get(p.id, 0) for p in projects)
    assert [(w.project_id, w.session_number) for w in works] == [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2),
                                                                  (3, 1)]


def test_demo_snapshots_files_and_handoff_belong_to_the_first_project(engine: Engine, clock: Any) -> None:
    load(engine, clock)
    with transaction(engine, write=False) as session:
        kinds = Counter(session.scalars(select(ContextSnapshot.snapshot_type)).all())
        snapshot_projects = set(session.scalars(select(ContextSnapshot.project_id)).all())
        file_projects = Counter(session.scalars(select(ProjectFile.project_id)).all())
        pending = session.scalars(select(HandoffQueueItem)).one()
    assert kinds == {"handoff": 2, "checkpoint": 1}
    assert snapshot_projects == {1}
    assert file_projects == {1: 6}
    assert (pending.status, pending.priority, pending.session_id) == ("pending", 8, 4)
    assert (pending.from_account_id, pending.to_account_id) == (5, 1)


def test_demo_knowledge_has_the_original_categories_most_used_first(engine: Engine, clock: Any) -> None:
    load(engine, clock)
    with transaction(engine, write=False) as session:
        categories = Counter(session.scalars(select(KnowledgeEntry.category)).all())
        ranked = knowledge.search_knowledge(session).items
    assert categories == {"pattern": 3, "error_solution": 3, "best_practice": 3, "optimization": 2, "tip": 1}
    assert ranked[0].title == "Always Build Before Starting Dev Server"
    assert ranked[0].usage_count == 25


def test_loading_twice_changes_nothing(engine: Engine, clock: Any) -> None:
    load(engine, clock)
    before = counts(engine)
    with transaction(engine, write=False) as session:
        credits_before = session.scalars(select(Project.total_credits_used).order_by(Project.id)).all()
    clock.now += timedelta(days=1)
    again = load(engine, clock)
    assert not again.changed
    assert set(again.added.values()) == {0}
    assert counts(engine) == before
    with transaction(engine, write=False) as session:
        assert session.scalars(select(Project.total_credits_used).order_by(Project.id)).all() == credits_before


def test_is_empty_only_without_projects_and_accounts(engine: Engine, clock: Any, add_account: Any) -> None:
    with transaction(engine, write=False) as session:
        assert demo.is_empty(session)
    add_account("mine")
    with transaction(engine, write=False) as session:
        assert not demo.is_empty(session)


def test_demo_fills_in_around_existing_records(engine: Engine, clock: Any, add_project: Any) -> None:
    add_project("Agentica Ecosystem", description="mine")
    loaded = load(engine, clock)
    assert loaded.added["projects"] == 3
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 4
        assert session.scalars(select(Project.description).where(Project.name == "Agentica Ecosystem")).one() == "mine"
