"""services.history over a real database: the estimate from ended sessions, its bounds and units,
and selection with a task (accounts short of the estimate rank lower, suited accounts higher)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import InvalidInput, NotFound
from paas.services import sessions as work_sessions
from paas.services.history import EstimateOut, describe_estimate, estimate_task
from paas.services.selection import select_best_accounts
from paas.store.unit import transaction

FRONTEND = "Build the React checkout form with validation and styles"
DATABASE = "Postgres migration: add an index to the orders table"


def worked(engine: Engine, clock: Any, project_id: int, account_id: int, objectives: str, credits: int, *,
           days_ago: int = 3, status: str = "completed", kind: str = "development",
           accomplishments: str | None = None) -> int:
    """One past session, started ``days_ago`` days before the clock (its window has reset since)."""
    at = clock() - timedelta(days=days_ago)
    with transaction(engine) as session:
        work = work_sessions.start_session(session, project_id=project_id, account_id=account_id, now=at,
                                           session_type=kind, objectives=objectives)
        work_sessions.record_usage(session, work.id, credits=credits, now=at + timedelta(minutes=5))
        work_sessions.complete_session(session, work.id, now=at + timedelta(minutes=30), status=status,
                                       accomplishments=accomplishments)
        return work.id


def estimated(engine: Engine, clock: Any, text: str, **fields: Any) -> EstimateOut:
    with transaction(engine, write=False) as session:
        return estimate_task(session, text=text, now=clock(), **fields)


@pytest.fixture
def history(engine: Engine, clock: Any, add_project: Any, add_account: Any) -> dict[str, int]:
    shop = add_project("Shop").id
    ui = add_account("ui-box", specialization="React").id
    other = add_account("other-box").id
    for days_ago, (account, credits) in enumerate(((ui, 40), (ui, 44), (ui, 42), (other, 70), (other, 74)), start=2):
        worked(engine, clock, shop, account, FRONTEND, credits, days_ago=days_ago,
               accomplishments="checkout form done; React hooks for validation")
    for days_ago in (8, 9, 10):
        worked(engine, clock, shop, other, DATABASE, 15, days_ago=days_ago, kind="bugfix")
    return {"shop": shop, "ui": ui, "other": other}


def test_the_estimate_comes_from_similar_sessions(engine: Engine, clock: Any, history: dict[str, int]) -> None:
    found = estimated(engine, clock, "React form for the checkout page")
    assert found.basis == "similar_sessions"
    assert found.unit == "credits" and found.sessions_considered == 8
    assert sorted(item.credits for item in found.neighbours) == [40, 42, 44, 70, 74]
    assert found.estimate_credits == 44 and found.low == 40 and found.high == 70
    assert all(0 < item.similarity <= 1 for item in found.neighbours)
    # other-box did two such sessions: under the minimum sample of three, it is not judged
    assert [item.account_name for item in found.suited_accounts] == ["ui-box"]
    ui = found.suited_accounts[0]
    assert (ui.sessions, ui.completed, ui.avg_credits, ui.credits_per_completed) == (3, 3, 42.0, 42.0)
    assert describe_estimate(found) == "this task usually takes ~44 credits, 40-70 (from 5 similar sessions)"
    database = estimated(engine, clock, "an index for orders in postgres", session_type="bugfix")
    assert (database.basis, database.estimate_credits) == ("similar_sessions", 15)


def test_unrelated_text_falls_back_to_the_global_mean(engine: Engine, clock: Any, history: dict[str, int]) -> None:
    found = estimated(engine, clock, "kubernetes autoscaler")
    assert found.basis == "global_mean" and found.neighbours == [] and found.suited_accounts == []
    assert found.estimate_credits == round((40 + 44 + 42 + 70 + 74 + 15 * 3) / 8)
    assert describe_estimate(found).startswith("no similar past sessions: a session takes ~39 credits")


def test_only_sessions_ended_by_now_with_credits_count(engine: Engine, clock: Any, add_project: Any,
                                                       add_account: Any) -> None:
    project = add_project("P").id
    account = add_account("A").id
    assert estimated(engine, clock, FRONTEND).basis == "no_history"
    with transaction(engine) as session:  # open, and ended without credits: neither is history
        work = work_sessions.start_session(session, project_id=project, account_id=account, now=clock(),
                                           objectives=FRONTEND)
        work_sessions.complete_session(session, work.id, now=clock())
        work_sessions.start_session(session, project_id=project, account_id=account, now=clock(),
                                    objectives=FRONTEND)
    found = estimated(engine, clock, FRONTEND)
    assert (found.basis, found.estimate_credits, found.sessions_considered) == ("no_history", None, 0)
    assert describe_estimate(found).startswith("no ended sessions")


def test_a_session_ending_after_now_is_not_history_yet(engine: Engine, clock: Any, add_project: Any,
                                                       add_account: Any) -> None:
    project, account = add_project("P").id, add_account("A").id
    worked(engine, clock, project, account, FRONTEND, 30, days_ago=-1)  # ends tomorrow
    assert estimated(engine, clock, FRONTEND).sessions_considered == 0


def test_estimates_stay_in_one_unit(engine: Engine, clock: Any, add_project: Any, add_account: Any) -> None:
    project = add_project("P").id
    credits_box = add_account("credits-box").id
    tokens_box = add_account("tokens-box", quota=1_000_000, quota_unit="tokens").id
    for days_ago in (2, 3):
        worked(engine, clock, project, credits_box, FRONTEND, 50, days_ago=days_ago)
    for days_ago in (4, 5, 6):
        worked(engine, clock, project, tokens_box, FRONTEND, 400_000, days_ago=days_ago)
    found = estimated(engine, clock, FRONTEND)
    assert (found.unit, found.estimate_credits, found.sessions_considered) == ("tokens", 400_000, 3)
    asked = estimated(engine, clock, FRONTEND, unit="credits")
    assert (asked.unit, asked.sessions_considered, asked.basis) == ("credits", 2, "global_mean")


def test_bad_input_is_refused(engine: Engine, clock: Any, history: dict[str, int]) -> None:
    with pytest.raises(InvalidInput, match="text must not be empty"):
        estimated(engine, clock, "  ")
    with pytest.raises(InvalidInput, match="session_type must be one of"):
        estimated(engine, clock, FRONTEND, session_type="party")
    with pytest.raises(NotFound):
        estimated(engine, clock, FRONTEND, project_id=999)
    with pytest.raises(InvalidInput, match="at most 20,000"):
        estimated(engine, clock, "x" * 20_001)


def ranked(engine: Engine, clock: Any, **request: Any) -> list[Any]:
    with transaction(engine, write=False) as session:
        return select_best_accounts(session, now=clock(), limit=5, **request)


def test_selection_with_a_task_ranks_accounts_short_of_it_lower(engine: Engine, clock: Any, add_account: Any,
                                                                history: dict[str, int]) -> None:
    low = add_account("low-box", specialization="checkout pages", credits_available=30).id
    without = ranked(engine, clock, specialization="checkout")
    assert [item.candidate.id for item in without] == [low, history["ui"], history["other"]]  # its words match
    assert not any("needs" in reason for item in without for reason in item.reasons)
    found = ranked(engine, clock, specialization="checkout", task="React form for the checkout page")
    assert [item.candidate.id for item in found] == [history["ui"], history["other"], low]
    by_id = {item.candidate.id: item for item in found}
    assert "needs ~44, has 30" in by_id[low].reasons
    assert by_id[low].signals["credits_for_task"] == round(30 / 44, 4)
    shortfall = 0.15 + 0.35 * (44 - 30) / 44
    assert by_id[low].score == pytest.approx(without[0].score - shortfall, abs=1e-3)
    ui = by_id[history["ui"]]
    assert "enough credits for the task (needs ~44, has 100)" in ui.reasons
    assert any(reason.startswith("suited to similar work: ~42 credits per completed session") for reason in ui.reasons)
    assert ui.signals["suited"] == 1.0
    assert all(isinstance(reason, str) for item in found for reason in item.reasons)


def test_selection_without_history_ignores_the_task(engine: Engine, clock: Any, add_account: Any) -> None:
    add_account("a")
    add_account("b", credits_available=10)
    plain = ranked(engine, clock)
    with_task = ranked(engine, clock, task="anything at all")
    assert [(item.candidate.id, item.score, item.reasons) for item in with_task] == [
        (item.candidate.id, item.score, item.reasons) for item in plain]


def test_a_saved_briefing_head_is_part_of_a_session_text(engine: Engine, clock: Any, add_project: Any,
                                                         add_account: Any) -> None:
    from paas.store.schema import ContextSnapshot

    project, account = add_project("P").id, add_account("A").id
    ids = [worked(engine, clock, project, account, "continue", credits, days_ago=days)
           for days, credits in ((2, 31), (3, 33), (4, 35))]
    worked(engine, clock, project, account, "continue", 90, days_ago=5)
    with transaction(engine) as session:
        for session_id in ids:  # only these three were about the terraform state lock, their briefings say
            session.add(ContextSnapshot(project_id=project, session_id=session_id,
                                        compressed_context="# Handoff\nTerraform state lock fixed " + "x " * 500))
    found = estimated(engine, clock, "terraform state lock")
    assert sorted(item.session_id for item in found.neighbours) == sorted(ids)
    assert found.estimate_credits == 33


def test_the_kept_index_follows_the_history(engine: Engine, clock: Any, history: dict[str, int]) -> None:
    before = estimated(engine, clock, "postgres orders index", session_type="bugfix")
    assert estimated(engine, clock, "postgres orders index", session_type="bugfix") == before
    worked(engine, clock, history["shop"], history["other"], DATABASE, 60, days_ago=1, kind="bugfix")
    after = estimated(engine, clock, "postgres orders index", session_type="bugfix")
    assert after.sessions_considered == before.sessions_considered + 1
    assert sorted(item.credits for item in after.neighbours) == [15, 15, 15, 60]
