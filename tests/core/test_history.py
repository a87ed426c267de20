"""core.history: nearest past sessions by their words, the estimate they vote for, and the account
that did such work most efficiently (plain values, no database)."""

from __future__ import annotations

import pytest

from paas.core.history import (
    HistoryIndex,
    PastSession,
    estimate,
    suitability,
    suited_accounts,
    terms,
    weighted_quantile,
)


def past(session_id: int, text: str, credits: int, *, account: int = 1, project: int = 1,
         kind: str = "development", status: str = "completed") -> PastSession:
    return PastSession(id=session_id, account_id=account, project_id=project, session_type=kind, status=status,
                       credits=credits, text=text)


HISTORY = [
    past(1, "Build the React login form with validation", 80),
    past(2, "React signup form and modal dialog", 60, account=2),
    past(3, "React form components and styles", 70),
    past(4, "Fix the postgres migration index", 20, kind="bugfix", project=2),
    past(5, "Fix the database migration for the orders table", 25, kind="bugfix", project=2, account=2),
    past(6, "Postgres migration adds an index on orders", 22, kind="bugfix", project=2),
]


def test_terms_drop_stop_words_and_meet_across_suffixes() -> None:
    assert terms("The tests are testing the Tested test") == ("test", "test", "test", "test")
    assert terms("Fix UI/UX of the API") == ("fix", "ui", "ux", "api")


def test_similar_text_wins() -> None:
    found = estimate(HistoryIndex(HISTORY), "a react form for the password reset")
    assert found.basis == "similar_sessions"
    assert {item.session.id for item in found.neighbours} == {1, 2, 3}
    assert found.credits == 70 and found.low == 60 and found.high == 80
    database = estimate(HistoryIndex(HISTORY), "postgres migration for an orders index")
    assert [item.session.id for item in database.neighbours][0] == 6
    assert {item.session.id for item in database.neighbours} == {4, 5, 6}
    assert database.credits == 22


def test_nothing_similar_falls_back_to_the_global_mean_and_says_so() -> None:
    found = estimate(HistoryIndex(HISTORY), "kubernetes cluster autoscaling")
    assert found.basis == "global_mean"
    assert found.neighbours == () and found.suited == ()
    assert found.credits == round(sum(item.credits for item in HISTORY) / len(HISTORY))  # 46
    assert found.low is not None and found.high is not None and found.low <= found.credits <= found.high


def test_no_history_has_no_figures() -> None:
    found = estimate(HistoryIndex([]), "anything")
    assert (found.credits, found.low, found.high, found.basis) == (None, None, None, "no_history")
    only_failed = estimate(HistoryIndex([past(1, "react form", 50, status="failed")]), "react form")
    assert only_failed.basis == "no_history"


def test_failed_sessions_do_not_vote_but_count_against_their_account() -> None:
    history = [past(i, "react form page", 50, account=1) for i in range(1, 4)]
    history += [past(10 + i, "react form page", 40, account=2, status="failed") for i in range(3)]
    history += [past(20, "react form page", 40, account=2)]
    found = estimate(HistoryIndex(history), "react form page")
    assert all(item.session.status == "completed" for item in found.neighbours)
    by_account = {item.account_id: item for item in found.suited}
    # Account 2 spent 160 credits on four similar sessions and finished one: 160 per completed session.
    assert (by_account[2].sessions, by_account[2].completed, by_account[2].credits_per_completed) == (4, 1, 160.0)
    assert [item.account_id for item in found.suited] == [1, 2]


def test_suitability_needs_a_minimum_sample() -> None:
    history = [past(1, "react form", 10, account=9)]  # one lucky, cheap session
    history += [past(i, "react form", 50, account=1) for i in range(2, 5)]
    found = estimate(HistoryIndex(history), "react form")
    assert [item.account_id for item in found.suited] == [1]
    assert suited_accounts([], min_sample=1) == ()


def test_suitability_strength_falls_with_cost() -> None:
    history = [past(i, "react form", 40, account=1) for i in range(1, 4)]
    history += [past(i, "react form", 60, account=2) for i in range(4, 7)]
    history += [past(i, "react form", 90, account=3) for i in range(7, 10)]
    found = estimate(HistoryIndex(history), "react form")
    assert suitability(found.suited) == {1: 1.0, 2: 0.5, 3: 0.0}


def test_ties_are_deterministic_newer_first() -> None:
    history = [past(i, "same words here", 10 * i, account=i) for i in range(1, 21)]
    first = estimate(HistoryIndex(history), "same words here", k=5)
    again = estimate(HistoryIndex(list(reversed(history))), "same words here", k=5)
    assert [item.session.id for item in first.neighbours] == [20, 19, 18, 17, 16]
    assert first == again
    tied = [past(i, "react form", 50, account=i % 2 + 1) for i in range(1, 7)]
    assert [item.account_id for item in estimate(HistoryIndex(tied), "react form").suited] == [1, 2]


def test_session_type_and_project_break_ties_of_wording() -> None:
    history = [past(1, "update the api", 30, kind="bugfix", project=1),
               past(2, "update the api", 90, kind="feature", project=2),
               past(3, "update the api", 31, kind="bugfix", project=1),
               past(4, "update the api", 91, kind="feature", project=2),
               past(5, "update the api", 32, kind="bugfix", project=1)]
    bugfix = estimate(HistoryIndex(history), "update the api", session_type="bugfix", project_id=1, k=3)
    assert {item.session.id for item in bugfix.neighbours} == {1, 3, 5}
    feature = estimate(HistoryIndex(history), "update the api", session_type="feature", project_id=2, k=2,
                       min_neighbours=2)
    assert {item.session.id for item in feature.neighbours} == {2, 4}


def test_weighted_quantile() -> None:
    assert weighted_quantile([(10, 1), (20, 1), (30, 1)], 0.5) == 20
    assert weighted_quantile([(10, 3), (20, 1), (30, 1)], 0.5) == 10
    assert weighted_quantile([(10, 1), (20, 1)], 1.0) == 20
    with pytest.raises(ValueError):
        weighted_quantile([], 0.5)
