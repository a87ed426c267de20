"""Auto-rotation (services.rotation) against a real database, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from paas.core.errors import Conflict, NoAccountAvailable
from paas.core.types import AccountStatus, SessionStatus
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.services.rotation import auto_rotate
from paas.services.selection import report_limit
from paas.store.schema import Account, ContextSnapshot, CreditEvent, HandoffQueueItem, Project, WorkSession
from paas.store.unit import run_in_transaction, transaction


def use(engine: Engine, clock: Any, session_id: int, credits: int) -> None:
    with transaction(engine) as session:
        work_sessions.record_usage(session, session_id, credits=credits, now=clock())


def rotate(engine: Engine, clock: Any, **kwargs: Any) -> Any:
    return run_in_transaction(engine, lambda session: auto_rotate(session, now=clock(), **kwargs))


def snapshot_counts(engine: Engine) -> dict[str, Any]:
    with transaction(engine, write=False) as session:
        return {
            "sessions": sorted((w.id, w.account_id, w.status, w.credits_used)
                               for w in session.scalars(select(WorkSession))),
            "ledger": session.scalar(select(func.coalesce(func.sum(CreditEvent.credits), 0))),
            "events": session.scalar(select(func.count()).select_from(CreditEvent)),
            "handoffs": session.scalar(select(func.count()).select_from(HandoffQueueItem)),
            "snapshots": session.scalar(select(func.count()).select_from(ContextSnapshot)),
            "accounts": sorted((a.id, a.exhausted_until, a.last_used_at) for a in session.scalars(select(Account))),
            "projects": sorted((p.id, p.total_sessions, p.total_credits_used)
                               for p in session.scalars(select(Project))),
        }


def test_rotation_moves_to_the_best_matching_account(engine: Engine, clock: Any, add_account: Any,
                                                     add_project: Any, start: Any) -> None:
    project = add_project("Shop", description="Frontend")
    old = add_account("Old")
    add_account("GenSpark-Backend", specialization="Python, Django")
    target = add_account("GenSpark-Frontend", specialization="React, Vue, UI/UX Design")
    work = start(project.id, old.id)
    use(engine, clock, work.id, 85)

    result = rotate(engine, clock, project_id=project.id, current_account_id=old.id, final_credits=10)

    assert result.next_view.account.id == target.id
    assert result.ended_session_id == work.id
    assert result.new_session.session_number == 2
    assert result.plan.mark_exhausted is True  # 95 >= 90
    assert result.plan.credits_left_unused == 5
    assert "95/100" in result.credit_savings
    with transaction(engine, write=False) as session:
        ended = work_sessions.get_work_session(session, work.id)
        assert ended.status == SessionStatus.HANDED_OFF.value
        assert ended.credits_used == 95
        assert ended.completed_at == clock()
        final = session.scalars(select(CreditEvent).where(CreditEvent.session_id == work.id)
                                .order_by(CreditEvent.id.desc())).first()
        assert final is not None and final.credits == 10 and final.note == "final usage before rotation"
        new = work_sessions.get_work_session(session, result.new_session.id)
        assert (new.account_id, new.status) == (target.id, SessionStatus.IN_PROGRESS.value)
        old_view = accounts.describe_account(session, old.id, clock())
        assert old_view.status is AccountStatus.EXHAUSTED
        assert old_view.account.exhausted_until == old_view.next_reset == datetime(2026, 11, 26, tzinfo=UTC)
        assert accounts.describe_account(session, target.id, clock()).status is AccountStatus.ACTIVE
        handoff = session.get(HandoffQueueItem, result.handoff_id)
        assert handoff is not None
        assert (handoff.from_account_id, handoff.to_account_id, handoff.session_id) == (old.id, target.id, work.id)
        assert handoff.priority == 8
        assert session.get(ContextSnapshot, result.snapshot_id) is not None
        stored_project = projects.get_project(session, project.id)
        assert stored_project.total_sessions == 2
        assert stored_project.total_credits_used == 95


def test_rotation_below_threshold_leaves_old_account_available(engine: Engine, clock: Any, add_account: Any,
                                                               add_project: Any, start: Any) -> None:
    project = add_project()
    old, other = add_account("Old"), add_account("Other")
    work = start(project.id, old.id)
    use(engine, clock, work.id, 40)
    result = rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    assert result.plan.mark_exhausted is False
    assert result.plan.credits_left_unused == 60
    assert result.next_view.account.id == other.id
    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, old.id, clock())
        assert view.status is AccountStatus.AVAILABLE
        assert view.account.exhausted_until is None
        assert session.get(HandoffQueueItem, result.handoff_id).priority == 5  # type: ignore[union-attr]


def test_project_threshold_override_applies(engine: Engine, clock: Any, add_account: Any, add_project: Any,
                                            start: Any) -> None:
    project = add_project()
    with transaction(engine) as session:
        session.get(Project, project.id).rotate_threshold_percent = 40  # type: ignore[union-attr]
    old = add_account("Old")
    add_account("Other")
    work = start(project.id, old.id)
    use(engine, clock, work.id, 45)
    result = rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    assert result.plan.threshold == 40
    assert result.plan.mark_exhausted is True


def test_no_free_account_raises_and_changes_nothing(engine: Engine, clock: Any, add_account: Any,
                                                    add_project: Any, start: Any) -> None:
    project = add_project()
    old = add_account("Old")
    spent = add_account("Spent", window_reset_at="15:00")
    gone = add_account("Gone")
    busy = add_account("Busy")
    other_project = add_project("Other")
    start(other_project.id, busy.id)
    with transaction(engine) as session:
        accounts.update_account(session, gone.id, {"status": "disabled"}, now=clock())
        report_limit(session, spent.id, reason="window_exhausted", now=clock())
    work = start(project.id, old.id)
    use(engine, clock, work.id, 50)
    before = snapshot_counts(engine)

    with pytest.raises(NoAccountAvailable) as error:
        rotate(engine, clock, project_id=project.id, current_account_id=old.id, final_credits=20)

    # Spent resets today at 15:00 UTC (now is 12:00 UTC).
    assert error.value.details["next_reset_at"] == datetime(2026, 11, 25, 15, tzinfo=UTC).isoformat()
    assert error.value.details["current_account_id"] == old.id
    assert snapshot_counts(engine) == before  # the final usage too was rolled back


def test_rotation_when_project_already_moved_is_a_conflict(engine: Engine, clock: Any, add_account: Any,
                                                          add_project: Any, start: Any) -> None:
    project = add_project()
    old, first, _ = add_account("Old"), add_account("First"), add_account("Second")
    start(project.id, old.id)
    moved = rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    assert moved.next_view.account.id == first.id
    before = snapshot_counts(engine)
    with pytest.raises(Conflict) as error:
        rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    assert not isinstance(error.value, NoAccountAvailable)
    assert error.value.details["current_account_id"] == first.id
    assert snapshot_counts(engine) == before


def test_final_credits_without_open_session_is_a_conflict(engine: Engine, clock: Any, add_account: Any,
                                                          add_project: Any) -> None:
    project = add_project()
    old = add_account("Old")
    add_account("Other")
    before = snapshot_counts(engine)
    with pytest.raises(Conflict):
        rotate(engine, clock, project_id=project.id, current_account_id=old.id, final_credits=5)
    assert snapshot_counts(engine) == before


def test_rotation_without_open_session_starts_one(engine: Engine, clock: Any, add_account: Any,
                                                  add_project: Any) -> None:
    project = add_project()
    old, other = add_account("Old"), add_account("Other")
    result = rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    assert result.ended_session_id is None
    assert result.new_session.account_id == other.id
    assert result.new_session.session_number == 1
    with transaction(engine, write=False) as session:
        handoff = session.get(HandoffQueueItem, result.handoff_id)
        assert handoff is not None and handoff.session_id == result.new_session.id


def test_rotation_skips_accounts_below_min_credits_and_respects_platform(
        engine: Engine, clock: Any, add_account: Any, add_project: Any, start: Any) -> None:
    project = add_project()
    old = add_account("Old")
    add_account("Low", credits_available=5)
    rich_claude = add_account("Claude", platform="claude")
    enough = add_account("Enough", credits_available=30)
    start(project.id, old.id)
    result = rotate(engine, clock, project_id=project.id, current_account_id=old.id, min_credits=10,
                    platform="genspark")
    assert result.next_view.account.id == enough.id
    assert result.next_view.account.id != rich_claude.id


def test_exhausted_old_account_comes_back_after_reset(engine: Engine, clock: Any, add_account: Any,
                                                      add_project: Any, start: Any) -> None:
    project = add_project()
    old = add_account("Old")
    add_account("Other")
    work = start(project.id, old.id)
    use(engine, clock, work.id, 100)
    rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    with transaction(engine, write=False) as session:
        assert accounts.describe_account(session, old.id, clock()).status is AccountStatus.EXHAUSTED
        later = datetime(2026, 11, 26, tzinfo=UTC)
        assert accounts.describe_account(session, old.id, later - timedelta(seconds=1)).status \
            is AccountStatus.EXHAUSTED
        view = accounts.describe_account(session, old.id, later)
        assert (view.status, view.used, view.remaining) == (AccountStatus.AVAILABLE, 0, 100)


def test_rotation_looks_again_at_its_choice_after_locking_it(engine: Engine, clock: Any, add_account: Any,
                                                             add_project: Any, start: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The ranking reads rows statement by statement; on PostgreSQL another rotation can commit between
    them (here: mark the top choice exhausted, behind the back of the objects this session already
    loaded). The locked choice is reloaded, checked again and skipped."""
    from paas.services import rotation as rotation_service

    project = add_project(description="frontend")
    old = add_account("Old")
    stale = add_account("Frontend-Stale", specialization="frontend")
    fallback = add_account("Backend")
    start(project.id, old.id)
    real = rotation_service.select_best_accounts
    offered: list[list[int]] = []

    def ranking_then_a_rival_commits(session: Any, **kwargs: Any) -> Any:
        ranked = real(session, **kwargs)
        offered.append([item.candidate.id for item in ranked])
        if len(offered) == 1:
            session.execute(update(Account).where(Account.id == stale.id)
                            .values(exhausted_until=kwargs["now"] + timedelta(hours=5))
                            .execution_options(synchronize_session=False))
        return ranked

    monkeypatch.setattr(rotation_service, "select_best_accounts", ranking_then_a_rival_commits)
    result = rotate(engine, clock, project_id=project.id, current_account_id=old.id)
    assert offered[0] == [stale.id]
    assert result.next_view.account.id == fallback.id
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(WorkSession)
                              .where(WorkSession.account_id == stale.id)) == 0


def test_a_project_with_two_sessions_in_progress_rotates_each_on_its_own(engine: Engine, clock: Any,
                                                                         add_account: Any, add_project: Any,
                                                                         start: Any) -> None:
    """Two people on one project, each on an account: either can rotate; the other session stays."""
    project = add_project()
    alice, bob = add_account("Alice"), add_account("Bob")
    spare_one, spare_two = add_account("Spare-1"), add_account("Spare-2")
    alice_work, bob_work = start(project.id, alice.id), start(project.id, bob.id)
    first = rotate(engine, clock, project_id=project.id, current_account_id=alice.id)
    assert first.ended_session_id == alice_work.id
    second = rotate(engine, clock, project_id=project.id, current_account_id=bob.id)
    assert second.ended_session_id == bob_work.id
    assert {first.next_view.account.id, second.next_view.account.id} == {spare_one.id, spare_two.id}
    with transaction(engine, write=False) as session:
        open_now = {work.account_id for work in work_sessions.open_sessions(session, project.id)}
    assert open_now == {spare_one.id, spare_two.id}
    with pytest.raises(Conflict) as error:  # Alice's account has nothing open any more: the project moved
        rotate(engine, clock, project_id=project.id, current_account_id=alice.id)
    assert error.value.details["current_account_id"] in open_now
