"""Best-account selection and limit reports (services.selection) over a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from paas.core.errors import InvalidInput, NotFound
from paas.core.types import AccountStatus
from paas.services import accounts, projects
from paas.services import sessions as work_sessions
from paas.services.selection import report_limit, select_best_accounts, soonest_reset
from paas.store.unit import transaction


def best(engine: Engine, clock: Any, **kwargs: Any) -> list[int]:
    with transaction(engine, write=False) as session:
        return [item.candidate.id for item in select_best_accounts(session, now=clock(), **kwargs)]


def status_of(engine: Engine, account_id: int, now: datetime) -> AccountStatus:
    with transaction(engine, write=False) as session:
        return accounts.describe_account(session, account_id, now).status


def test_frontend_finds_genspark_frontend(engine: Engine, clock: Any, add_account: Any) -> None:
    add_account("GenSpark-Backend", specialization="Python, Django, PostgreSQL")
    target = add_account("GenSpark-Frontend", specialization="React, Vue, UI/UX Design")
    add_account("Claude-Data", platform="claude", specialization="Pandas")
    with transaction(engine, write=False) as session:
        ranked = select_best_accounts(session, now=clock(), specialization="Frontend", limit=3)
    assert ranked[0].candidate.id == target.id
    assert ranked[0].signals["similarity"] == 1.0
    assert ranked[0].reasons and "matches" in ranked[0].reasons[0]
    assert len(ranked) == 3
    assert best(engine, clock, specialization="vue ui") == [target.id]


def test_never_returns_leased_throttled_disabled_exhausted_or_low(engine: Engine, clock: Any,
                                                                 add_account: Any) -> None:
    leased = add_account("Leased-Frontend")
    throttled = add_account("Throttled-Frontend")
    disabled = add_account("Disabled-Frontend")
    exhausted = add_account("Exhausted-Frontend")
    used_up = add_account("UsedUp-Frontend", credits_available=0)
    low = add_account("Low-Frontend", credits_available=3)
    ok = add_account("Plain", credits_available=20)
    with transaction(engine) as session:
        project = projects.create_project(session, name="p")
        work_sessions.start_session(session, project_id=project.id, account_id=leased.id, now=clock())
        report_limit(session, throttled.id, reason="throttled", now=clock())
        report_limit(session, disabled.id, reason="invalid_credentials", now=clock())
        report_limit(session, exhausted.id, reason="window_exhausted", now=clock())
    assert best(engine, clock, specialization="frontend", min_credits=5, limit=10) == [ok.id]
    assert set(best(engine, clock, specialization="frontend", limit=10)) == {ok.id, low.id}
    assert used_up.id not in best(engine, clock, limit=10)
    assert best(engine, clock, specialization="frontend", min_credits=21, limit=10) == []


def test_report_limit_reasons(engine: Engine, clock: Any, add_account: Any) -> None:
    account = add_account("A", window_reset_at="18:00")
    now = clock()
    with transaction(engine) as session:
        view = report_limit(session, account.id, reason="throttled", now=now, cooldown_seconds=120)
        assert view.status is AccountStatus.THROTTLED
        assert view.throttled_until == now + timedelta(seconds=120)
    assert status_of(engine, account.id, now + timedelta(seconds=119)) is AccountStatus.THROTTLED
    assert status_of(engine, account.id, now + timedelta(seconds=120)) is AccountStatus.AVAILABLE

    with transaction(engine) as session:
        view = report_limit(session, account.id, reason="window_exhausted", now=now)
        assert view.status is AccountStatus.THROTTLED  # throttled beats exhausted while it lasts
        assert view.exhausted_until == datetime(2026, 11, 25, 18, tzinfo=UTC)
    assert status_of(engine, account.id, now + timedelta(seconds=120)) is AccountStatus.EXHAUSTED
    after = datetime(2026, 11, 25, 18, tzinfo=UTC)
    assert status_of(engine, account.id, after) is AccountStatus.AVAILABLE

    explicit = now + timedelta(hours=30)
    with transaction(engine) as session:
        assert report_limit(session, account.id, reason="window_exhausted", now=now,
                            resets_at=explicit).exhausted_until == explicit
    assert status_of(engine, account.id, after) is AccountStatus.EXHAUSTED
    with transaction(engine) as session, pytest.raises(InvalidInput):
        report_limit(session, account.id, reason="window_exhausted", now=now, resets_at=now)

    with transaction(engine) as session:
        view = report_limit(session, account.id, reason="invalid_credentials", now=now)
        assert view.status is AccountStatus.DISABLED
    assert status_of(engine, account.id, now + timedelta(days=30)) is AccountStatus.DISABLED

    with transaction(engine) as session, pytest.raises(InvalidInput):
        report_limit(session, account.id, reason="tired", now=now)
    with transaction(engine) as session, pytest.raises(NotFound):
        report_limit(session, 999, reason="throttled", now=now)


def test_report_limit_throttled_default_cooldown_is_60s(engine: Engine, clock: Any, add_account: Any) -> None:
    account = add_account("A")
    with transaction(engine) as session:
        view = report_limit(session, account.id, reason="throttled", now=clock())
    assert view.throttled_until == clock() + timedelta(seconds=60)


def test_used_up_account_is_chosen_again_after_its_window_resets(engine: Engine, clock: Any,
                                                                 add_account: Any) -> None:
    spent = add_account("Spent-Frontend", credits_available=0, window_reset_at="13:00")
    assert best(engine, clock, specialization="frontend") == []
    clock.now = datetime(2026, 11, 25, 13, tzinfo=UTC)
    assert best(engine, clock, specialization="frontend") == [spent.id]


def test_soonest_reset_names_the_first_account_back(engine: Engine, clock: Any, add_account: Any) -> None:
    early = add_account("Early", credits_available=0, window_reset_at="14:00")
    late = add_account("Late", window_reset_at="20:00")
    throttled = add_account("Throttled")
    add_account("Free")
    with transaction(engine) as session:
        report_limit(session, late.id, reason="window_exhausted", now=clock())
        report_limit(session, throttled.id, reason="throttled", now=clock(), cooldown_seconds=3 * 3600)
        assert soonest_reset(session, clock()) == datetime(2026, 11, 25, 14, tzinfo=UTC)
        assert soonest_reset(session, clock(), exclude=frozenset({early.id})) == clock() + timedelta(hours=3)
        assert soonest_reset(session, clock(), exclude=frozenset({early.id, throttled.id})) == \
            datetime(2026, 11, 25, 20, tzinfo=UTC)


def test_efficiency_from_past_sessions_breaks_ties(engine: Engine, clock: Any, add_account: Any) -> None:
    good, bad = add_account("Good"), add_account("Bad")
    with transaction(engine) as session:
        project = projects.create_project(session, name="p")
    for account, ending in ((good, "completed"), (bad, "failed")):
        with transaction(engine) as session:
            work = work_sessions.start_session(session, project_id=project.id, account_id=account.id, now=clock())
            work_sessions.complete_session(session, work.id, now=clock(), status=ending)
    with transaction(engine, write=False) as session:
        ranked = select_best_accounts(session, now=clock(), limit=2, project_id=project.id)
    assert [item.candidate.id for item in ranked] == [good.id, bad.id]
    assert ranked[0].signals["efficiency"] == 1.0 and ranked[1].signals["efficiency"] == 0.0


def test_select_validates_inputs(engine: Engine, clock: Any, add_account: Any) -> None:
    add_account("A")
    with transaction(engine, write=False) as session:
        with pytest.raises(InvalidInput):
            select_best_accounts(session, now=clock(), platform="myspace")
        with pytest.raises(NotFound):
            select_best_accounts(session, now=clock(), project_id=42)


def test_empty_pool(engine: Engine, clock: Any) -> None:
    assert best(engine, clock, specialization="frontend", limit=5) == []
