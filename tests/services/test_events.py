"""Services publish domain events through the unit of work, after commit, on every backend."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import Conflict, InvalidInput
from paas.core.events import (
    AccountsImported,
    AccountStateChanged,
    BriefingSaved,
    Event,
    EventBus,
    KnowledgeChanged,
    ProjectRotated,
    SessionEnded,
    SessionStarted,
    UsageRecorded,
)
from paas.services import accounts, batch, briefing, knowledge, projects, rotation, selection
from paas.services import sessions as work_sessions
from paas.services.views import RotationAnswer
from paas.store.unit import Database

TRANSCRIPT = "user: fix the login bug in app.py\nassistant: Done: edited app.py.\n"


@pytest.fixture
def heard() -> list[Event]:
    return []


@pytest.fixture
def database(engine: Engine, heard: list[Event]) -> Database:
    bus = EventBus()
    bus.subscribe(heard.append)
    return Database(engine, bus)


def kinds(events: list[Event]) -> list[str]:
    return [event.kind for event in events]


def setup_pool(database: Database, clock: Any, heard: list[Event]) -> tuple[int, int, int]:
    project = database.run(lambda s: projects.create_project(s, name="Shop"))
    first = database.run(lambda s: accounts.create_account(s, account_name="A", now=clock()))
    second = database.run(lambda s: accounts.create_account(s, account_name="B", now=clock()))
    heard.clear()
    return project.id, first.id, second.id


def test_session_start_usage_and_end(database: Database, clock: Any, heard: list[Event]) -> None:
    project_id, account_id, _ = setup_pool(database, clock, heard)
    work = database.run(lambda s: work_sessions.start_session(s, project_id=project_id, account_id=account_id,
                                                              now=clock()))
    used = database.run(lambda s: work_sessions.record_usage(s, work.id, credits=7, now=clock(),
                                                             idempotency_key="k1"))
    database.run(lambda s: work_sessions.record_usage(s, work.id, credits=7, now=clock(), idempotency_key="k1"))
    database.run(lambda s: work_sessions.complete_session(s, work.id, now=clock()))
    assert heard == [
        SessionStarted(session_id=work.id, project_id=project_id, account_id=account_id, session_number=1),
        UsageRecorded(credit_event_id=used.credit_event_id, account_id=account_id, session_id=work.id,
                      project_id=project_id, credits=7, overdrawn=0, occurred_at=clock()),
        # the replayed key is not a second usage
        SessionEnded(session_id=work.id, project_id=project_id, account_id=account_id, status="completed"),
    ]


def test_refused_work_publishes_nothing(database: Database, clock: Any, heard: list[Event]) -> None:
    project_id, account_id, _ = setup_pool(database, clock, heard)
    work = database.run(lambda s: work_sessions.start_session(s, project_id=project_id, account_id=account_id,
                                                              now=clock()))
    heard.clear()
    with pytest.raises(Conflict):  # the account is leased: nothing starts, nothing is told
        database.run(lambda s: work_sessions.start_session(s, project_id=project_id, account_id=account_id,
                                                           now=clock()))
    with pytest.raises(InvalidInput):
        database.run(lambda s: work_sessions.record_usage(s, work.id, credits=0, now=clock()))
    assert heard == []


def test_account_changes(database: Database, clock: Any, heard: list[Event]) -> None:
    _, account_id, other_id = setup_pool(database, clock, heard)
    database.run(lambda s: accounts.update_account(s, account_id, {"quota": 50}, now=clock()))
    database.run(lambda s: accounts.update_account(s, account_id, {"status": "disabled"}, now=clock()))
    database.run(lambda s: selection.report_limit(s, other_id, reason="throttled", now=clock()))
    database.run(lambda s: accounts.delete_account(s, account_id))
    assert heard == [
        AccountStateChanged(account_id=account_id, change="edited"),
        AccountStateChanged(account_id=account_id, change="status set to disabled"),
        AccountStateChanged(account_id=other_id, change="limit reported: throttled"),
        AccountStateChanged(account_id=account_id, change="deleted"),
    ]


def test_a_batch_is_one_event(database: Database, clock: Any, heard: list[Event]) -> None:
    rows = [{"account_name": f"bulk-{n}", "quota": 100} for n in range(3)]
    result = database.run(lambda s: batch.create_accounts(s, rows, now=clock()))
    assert heard == [AccountsImported(account_ids=tuple(account_id for account_id, _ in result.created))]
    heard.clear()
    with pytest.raises(InvalidInput):  # all or nothing, and nothing told
        database.run(lambda s: batch.create_accounts(s, [{"account_name": "ok"}, {"quota": 5}], now=clock()))
    assert heard == []


def test_briefing_and_knowledge(database: Database, clock: Any, heard: list[Event]) -> None:
    project_id, _, _ = setup_pool(database, clock, heard)
    saved = briefing.brief_and_save(database.read, database.run, project_id=project_id, context=TRANSCRIPT,
                                    now=clock())
    entry = database.run(lambda s: knowledge.add_knowledge(s, category="tip", title="Run the tests first"))
    assert heard == [
        BriefingSaved(snapshot_id=saved.snapshot.id, project_id=project_id, snapshot_type="handoff"),
        KnowledgeChanged(entry_id=entry.id, change="added"),
    ]


def test_rotation_tells_each_step_once(database: Database, clock: Any, heard: list[Event]) -> None:
    project_id, account_id, other_id = setup_pool(database, clock, heard)
    work = database.run(lambda s: work_sessions.start_session(s, project_id=project_id, account_id=account_id,
                                                              now=clock()))
    database.run(lambda s: work_sessions.record_usage(s, work.id, credits=95, now=clock()))
    heard.clear()
    result = rotation.rotate(database.read, database.run, project_id=project_id, current_account_id=account_id,
                             now=clock())
    assert kinds(heard) == ["session_ended", "account_state_changed", "session_started", "briefing_saved",
                            "project_rotated"]
    assert heard[0] == SessionEnded(session_id=work.id, project_id=project_id, account_id=account_id,
                                    status="handed_off")
    assert heard[1] == AccountStateChanged(account_id=account_id, change="exhausted by rotation")
    assert heard[-1] == ProjectRotated(project_id=project_id, from_account_id=account_id, to_account_id=other_id,
                                       ended_session_id=work.id, new_session_id=result.data.new_session_id,
                                       snapshot_id=result.data.snapshot_id, marked_exhausted=True)
    heard.clear()
    with pytest.raises(Conflict):  # a second rotation from the old account loses: nothing told
        rotation.rotate(database.read, database.run, project_id=project_id, current_account_id=account_id,
                        now=clock())
    assert heard == []


def test_an_idempotent_rotation_replays_without_rotating_or_telling(database: Database, clock: Any,
                                                                     heard: list[Event]) -> None:
    project_id, account_id, _ = setup_pool(database, clock, heard)
    database.run(lambda s: work_sessions.start_session(s, project_id=project_id, account_id=account_id,
                                                       now=clock()))
    request = {"project_id": project_id, "current_account_id": account_id}

    def once() -> RotationAnswer:
        return rotation.rotate(database.read, database.run, key="k", request=request, now=clock(),
                               project_id=project_id, current_account_id=account_id)

    first = once()
    told = len(heard)
    assert once() == first and len(heard) == told  # the same answer, nothing rotated, nothing told
    with pytest.raises(Conflict):  # the same key for another request
        rotation.rotate(database.read, database.run, key="k", request={**request, "note": "x"}, now=clock(),
                        project_id=project_id, current_account_id=account_id)
