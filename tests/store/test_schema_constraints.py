"""The schema's constraints hold in the database itself, on SQLite and PostgreSQL alike.

Rows are written with the ORM models directly (no service in between), so each test shows
the database refusing a bad row, whatever the code above it does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from paas.store.schema import (
    Account,
    ApiToken,
    ContextSnapshot,
    ConversationTurn,
    CreditEvent,
    HandoffQueueItem,
    KnowledgeEntry,
    Project,
    ProjectFile,
    WorkSession,
)
from paas.store.unit import transaction

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def write(engine: Engine, *rows: Any) -> None:
    with transaction(engine) as session:
        session.add_all(rows)
        session.flush()


def count(engine: Engine, model: type[Any]) -> int:
    with transaction(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """Project 1 and 2, account 1 and 2, session 1 (project 1, account 1, completed)."""
    write(engine, Project(name="P1"), Project(name="P2"), Account(account_name="A1"), Account(account_name="A2"))
    write(engine, WorkSession(project_id=1, account_id=1, session_number=1, status="completed", started_at=NOW))
    return engine


def test_account_names_are_unique(seeded: Engine) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, Account(account_name="A1"))
    assert count(seeded, Account) == 2


def test_project_names_are_unique(seeded: Engine) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, Project(name="P1"))
    assert count(seeded, Project) == 2


def test_session_number_is_unique_within_a_project(seeded: Engine) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, WorkSession(project_id=1, account_id=2, session_number=1, status="completed", started_at=NOW))


def test_same_session_number_in_two_projects_is_fine(seeded: Engine) -> None:
    write(seeded, WorkSession(project_id=2, account_id=2, session_number=1, status="completed", started_at=NOW))
    assert count(seeded, WorkSession) == 2


def test_second_in_progress_session_of_an_account_is_refused(seeded: Engine) -> None:
    write(seeded, WorkSession(project_id=1, account_id=2, session_number=2, started_at=NOW))
    with pytest.raises(IntegrityError):
        write(seeded, WorkSession(project_id=2, account_id=2, session_number=1, started_at=NOW))


def test_completed_sessions_of_one_account_do_not_clash(seeded: Engine) -> None:
    write(
        seeded,
        WorkSession(project_id=1, account_id=1, session_number=2, status="completed", started_at=NOW),
        WorkSession(project_id=2, account_id=1, session_number=1, status="failed", started_at=NOW),
        WorkSession(project_id=2, account_id=1, session_number=2, status="in_progress", started_at=NOW),
    )
    assert count(seeded, WorkSession) == 4


@pytest.mark.parametrize(
    "make_row",
    [
        lambda: Account(account_name="X", admin_state="bogus"),
        lambda: Account(account_name="X", platform="bogus"),
        lambda: Account(account_name="X", window_kind="bogus"),
        lambda: Account(account_name="X", quota=0),
        lambda: Account(account_name="X", window_hours=0),
        lambda: Account(account_name="X", quota=10, rotate_threshold=11),
        lambda: Project(name="X", status="bogus"),
        lambda: WorkSession(project_id=2, account_id=2, session_number=1, status="bogus", started_at=NOW),
        lambda: WorkSession(project_id=2, account_id=2, session_number=1, session_type="bogus", started_at=NOW),
        lambda: ContextSnapshot(project_id=1, snapshot_type="bogus", compressed_context="x", created_at=NOW),
        lambda: HandoffQueueItem(session_id=1, from_account_id=1, handoff_context="x", status="bogus"),
        lambda: KnowledgeEntry(category="bogus", title="x"),
        lambda: ApiToken(name="t", role="bogus", token_hash="h" * 64, prefix="paas_"),
        lambda: ConversationTurn(session_id=1, turn_number=1, role="bogus", content="x"),
        lambda: ProjectFile(project_id=1, file_path="a.py", importance="bogus"),
    ],
    ids=["account.admin_state", "account.platform", "account.window_kind", "account.quota",
         "account.window_hours", "account.rotate_threshold", "project.status", "session.status", "session.session_type",
         "snapshot.snapshot_type", "handoff.status", "knowledge.category", "token.role", "turn.role",
         "file.importance"],
)
def test_enum_columns_refuse_values_outside_the_enum(seeded: Engine, make_row: Any) -> None:
    row = make_row()
    with pytest.raises(IntegrityError):
        write(seeded, row)
    assert count(seeded, type(row)) == {Account: 2, Project: 2, WorkSession: 1}.get(type(row), 0)


@pytest.mark.parametrize("priority", [0, 11, -1])
def test_handoff_priority_outside_1_to_10_is_refused(seeded: Engine, priority: int) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, HandoffQueueItem(session_id=1, from_account_id=1, handoff_context="x", priority=priority))


def test_handoff_priority_1_and_10_are_accepted(seeded: Engine) -> None:
    write(seeded, HandoffQueueItem(session_id=1, from_account_id=1, handoff_context="x", priority=1),
          HandoffQueueItem(session_id=1, from_account_id=1, handoff_context="y", priority=10))
    assert count(seeded, HandoffQueueItem) == 2


@pytest.mark.parametrize("credits", [0, -5])
def test_credit_events_must_spend_a_positive_amount(seeded: Engine, credits: int) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, CreditEvent(account_id=1, session_id=1, project_id=1, credits=credits, occurred_at=NOW))
    assert count(seeded, CreditEvent) == 0


@pytest.mark.parametrize(
    "make_row",
    [
        lambda: WorkSession(project_id=999, account_id=1, session_number=1, status="completed", started_at=NOW),
        lambda: WorkSession(project_id=1, account_id=999, session_number=7, status="completed", started_at=NOW),
        lambda: CreditEvent(account_id=999, credits=1, occurred_at=NOW),
        lambda: CreditEvent(account_id=1, session_id=999, credits=1, occurred_at=NOW),
        lambda: ContextSnapshot(project_id=999, compressed_context="x", created_at=NOW),
        lambda: KnowledgeEntry(category="tip", title="x", source_session_id=999),
    ],
    ids=["session.project", "session.account", "event.account", "event.session", "snapshot.project",
         "knowledge.source_session"],
)
def test_foreign_keys_refuse_missing_parents(seeded: Engine, make_row: Any) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, make_row())


def test_a_referenced_project_cannot_be_deleted(seeded: Engine) -> None:
    with pytest.raises(IntegrityError), transaction(seeded) as session:
        session.delete(session.get(Project, 1))
        session.flush()
    assert count(seeded, Project) == 2


def test_idempotency_keys_are_unique_but_many_rows_may_have_none(seeded: Engine) -> None:
    write(seeded, CreditEvent(account_id=1, credits=1, occurred_at=NOW, idempotency_key="k1"),
          CreditEvent(account_id=1, credits=2, occurred_at=NOW),
          CreditEvent(account_id=1, credits=3, occurred_at=NOW))
    with pytest.raises(IntegrityError):
        write(seeded, CreditEvent(account_id=2, credits=4, occurred_at=NOW, idempotency_key="k1"))
    assert count(seeded, CreditEvent) == 3


def test_token_hashes_are_unique(seeded: Engine) -> None:
    write(seeded, ApiToken(name="a", role="admin", token_hash="h" * 64, prefix="paas_a"))
    with pytest.raises(IntegrityError):
        write(seeded, ApiToken(name="b", role="viewer", token_hash="h" * 64, prefix="paas_b"))


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_knowledge_success_rate_stays_between_0_and_1(seeded: Engine, rate: float) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, KnowledgeEntry(category="tip", title="x", success_rate=rate))


def test_project_files_are_unique_per_project_path(seeded: Engine) -> None:
    write(seeded, ProjectFile(project_id=1, file_path="a.py"), ProjectFile(project_id=2, file_path="a.py"))
    with pytest.raises(IntegrityError):
        write(seeded, ProjectFile(project_id=1, file_path="a.py"))


def test_session_credits_and_number_cannot_go_below_their_floor(seeded: Engine) -> None:
    with pytest.raises(IntegrityError):
        write(seeded, WorkSession(project_id=2, account_id=2, session_number=0, status="completed", started_at=NOW))
    with pytest.raises(IntegrityError):
        write(seeded, WorkSession(project_id=2, account_id=2, session_number=1, credits_used=-1,
                                  status="completed", started_at=NOW))
