"""The rotation decision (core.rotation): pure over plain values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paas.core.errors import Conflict, NoAccountAvailable
from paas.core.quotas import Quota
from paas.core.rotation import CurrentAccount, plan_rotation, project_threshold
from paas.core.selection import Candidate, Ranked
from paas.core.types import AccountStatus

RESET = datetime(2026, 5, 2, 9, tzinfo=UTC)


def current(used: int, credits: int = 100, threshold: int | None = None) -> CurrentAccount:
    return CurrentAccount(id=1, name="old", quota=Quota(credits=credits, rotate_threshold=threshold),
                          used_in_window=used, next_reset=RESET)


def ranked(*account_ids: int) -> list[Ranked]:
    return [Ranked(candidate=Candidate(id=i, name=f"a{i}", platform="genspark", specialization="", tags="",
                                       status=AccountStatus.AVAILABLE, remaining=50, quota=100,
                                       seconds_to_reset=0, idle_hours=None), score=0.5, reasons=("r",))
            for i in account_ids]


def plan(used: int, threshold: int, **kwargs: object):  # noqa: ANN201
    return plan_rotation(current=current(used, **kwargs), open_session_id=11, ranked=ranked(5, 6),  # type: ignore[arg-type]
                         next_session_number=3, threshold=threshold, soonest_reset=None)


def test_below_threshold_is_not_marked_exhausted() -> None:
    result = plan(89, 90)
    assert result.mark_exhausted is False
    assert result.exhausted_until is None
    assert result.credits_left_unused == 11


def test_at_threshold_is_marked_exhausted_until_next_reset() -> None:
    result = plan(90, 90)
    assert result.mark_exhausted is True
    assert result.exhausted_until == RESET
    assert result.credits_left_unused == 10
    assert plan(150, 90).mark_exhausted is True


def test_plan_takes_the_first_ranked_and_carries_session_facts() -> None:
    result = plan(10, 90)
    assert result.next.candidate.id == 5
    assert result.end_session_id == 11
    assert result.next_session_number == 3
    assert result.threshold == 90


def test_credits_left_unused_never_negative() -> None:
    assert plan(130, 90).credits_left_unused == 0
    assert plan(0, 90).credits_left_unused == 100


def test_without_open_session_nothing_ends() -> None:
    result = plan_rotation(current=current(0), open_session_id=None, ranked=ranked(2), next_session_number=1,
                           threshold=90, soonest_reset=None)
    assert result.end_session_id is None


def test_no_account_available_names_next_reset() -> None:
    soonest = datetime(2026, 5, 1, 15, tzinfo=UTC)
    with pytest.raises(NoAccountAvailable) as error:
        plan_rotation(current=current(95), open_session_id=11, ranked=[], next_session_number=3, threshold=90,
                      soonest_reset=soonest)
    assert error.value.details == {"current_account_id": 1, "next_reset_at": soonest.isoformat()}
    assert soonest.isoformat() in error.value.message
    assert isinstance(error.value, Conflict)
    assert error.value.code == "no_account_available"


def test_no_account_available_without_known_reset() -> None:
    with pytest.raises(NoAccountAvailable) as error:
        plan_rotation(current=current(95), open_session_id=None, ranked=[], next_session_number=1, threshold=90,
                      soonest_reset=None)
    assert "next_reset_at" not in error.value.details


def test_project_threshold_override() -> None:
    assert project_threshold(Quota(credits=200), None) == 180
    assert project_threshold(Quota(credits=200, rotate_threshold=50), None) == 50
    assert project_threshold(Quota(credits=200, rotate_threshold=50), 75) == 150  # project wins
    assert project_threshold(Quota(credits=200), 100) == 200
    assert project_threshold(Quota(credits=10), 1) == 1  # at least one credit
    assert project_threshold(Quota(credits=1000), 33) == 330


def test_project_override_changes_the_exhaustion_decision() -> None:
    quota = Quota(credits=100)
    low = project_threshold(quota, 50)
    assert plan(60, low).mark_exhausted is True
    assert plan(60, project_threshold(quota, None)).mark_exhausted is False
