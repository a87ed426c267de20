"""core.analytics: the bands (every boundary), the figures folded from per-account sums, and
recommendations whose numbers come from those figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from paas.core.analytics import (
    AccountFigures,
    Efficiency,
    ProjectHandoffs,
    check_days,
    credits_per_day,
    efficiency,
    handoffs,
    histogram,
    overall,
    recommendations,
)
from paas.core.errors import InvalidInput

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("average", "band"), [
    (0, Efficiency.NEEDS_IMPROVEMENT), (74.99, Efficiency.NEEDS_IMPROVEMENT), (75, Efficiency.GOOD),
    (84.99, Efficiency.GOOD), (85, Efficiency.OPTIMAL), (88.5, Efficiency.OPTIMAL), (92, Efficiency.OPTIMAL),
    (92.01, Efficiency.GOOD), (95, Efficiency.GOOD), (95.01, Efficiency.NEEDS_IMPROVEMENT),
    (140, Efficiency.NEEDS_IMPROVEMENT),
])
def test_bands_have_no_gaps_and_own_their_boundaries(average: float, band: Efficiency) -> None:
    assert efficiency(average) is band


def figures(name: str, *credits: int, quota: int = 100, threshold: int = 90, account_id: int = 1) -> AccountFigures:
    """What the store would sum for these sessions on one account."""
    return AccountFigures(account_id=account_id, account_name=name, quota=quota, threshold=threshold,
                          sessions=len(credits), credits=sum(credits), min_credits=min(credits),
                          max_credits=max(credits), reached_threshold=sum(1 for c in credits if c >= threshold),
                          past_hard_limit=sum(1 for c in credits if c * 100 > quota * 95),
                          below_good=sum(1 for c in credits if c * 100 < quota * 75))


NO_HANDOFFS = handoffs([])


def test_the_demo_project_by_hand() -> None:
    accounts = [figures("Main", 88), figures("Frontend", 92), figures("Backend", 85), figures("DevOps", 72)]
    summary = overall(accounts)
    assert (summary.sessions, summary.credits, summary.min_credits, summary.max_credits) == (4, 337, 72, 92)
    assert summary.average == 84.25 == summary.average_percent  # 337 / 4
    assert summary.band is Efficiency.GOOD
    said = recommendations(summary, accounts, NO_HANDOFFS, days=30)
    assert said[0] == ("Sessions end at 84.25 credits on average: about 6 credits a session are left unused before "
                       "the rotate threshold (90); work on to 85-92 before handing off.")  # 90 - 84.25
    assert said[1] == ("1 session of 4 ended under 75% of the quota: the lowest, at 72 credits on DevOps, left 18 "
                       "credits unused before its rotate threshold of 90.")


def test_sessions_ending_at_72_leave_18_unused_a_session() -> None:
    accounts = [figures("A", 70, 74, 72)]
    said = recommendations(overall(accounts), accounts, NO_HANDOFFS, days=30)
    assert said[0].startswith("Sessions end at 72 credits on average: about 18 credits a session are left unused")
    assert said[1].startswith("3 sessions of 3 ended under 75% of the quota: the lowest, at 70 credits on A, left 20")


def test_the_band_is_judged_on_the_share_of_each_quota() -> None:
    # 176 of 200 and 44 of 50 are both 88%: optimal, whatever the raw average (110 credits).
    accounts = [figures("Big", 176, quota=200, threshold=180), figures("Small", 44, quota=50, threshold=45,
                                                                        account_id=2)]
    summary = overall(accounts)
    assert summary.average == 110 and summary.average_percent == 88.0 and summary.band is Efficiency.OPTIMAL
    assert recommendations(summary, accounts, NO_HANDOFFS, days=7)[:2] == [
        "Excellent! Keep this pattern.", "Target range: 85-92 credits per session"]


def test_sessions_past_95_risk_the_hard_limit() -> None:
    accounts = [figures("Hot", 96, 99, 97, 90)]
    summary = overall(accounts)
    assert summary.band is Efficiency.NEEDS_IMPROVEMENT  # 95.5
    said = recommendations(summary, accounts, NO_HANDOFFS, days=30)
    assert said[0] == ("Sessions end at 95.5 credits on average, past the 85-92 target: hand off earlier, at about "
                       "90% of the quota.")
    assert ("3 sessions of 4 ran past 95% of the quota (the highest at 99 credits): risk of losing context at the "
            "hard limit; hand off at the rotate threshold.") in said
    assert said[-1] == ("Hot reached its rotate threshold in 4 of its 4 sessions: it is exhausted often; start long "
                        "work on accounts with more credits left, or split the work into shorter sessions.")


def test_a_threshold_below_the_target_is_named() -> None:
    accounts = [figures("Low", 79, 80, threshold=80)]
    said = recommendations(overall(accounts), accounts, NO_HANDOFFS, days=30)
    assert said[0] == ("Sessions end at 79.5 credits on average, under the 85-92 target, because the rotate "
                       "threshold (80) stops them there: raise it to about 90% of the quota.")


def test_an_account_exhausted_in_one_session_of_three_is_not_often() -> None:
    accounts = [figures("Calm", 91, 86, 86), figures("Busy", 90, 91, 87, account_id=2)]
    said = recommendations(overall(accounts), accounts, NO_HANDOFFS, days=30)
    assert [line for line in said if "exhausted often" in line] == [
        "Busy reached its rotate threshold in 2 of its 3 sessions: it is exhausted often; start long work on "
        "accounts with more credits left, or split the work into shorter sessions."]


def test_few_handoffs_far_apart_and_credits_left_at_rotation() -> None:
    first = NOW - timedelta(days=10)
    handed = handoffs([ProjectHandoffs(count=3, first_at=first, last_at=first + timedelta(hours=96),
                                       left_to_threshold=30, left_to_quota=60),
                       ProjectHandoffs(count=1, first_at=NOW, last_at=NOW, left_to_threshold=6, left_to_quota=16)])
    assert handed.count == 4 and handed.avg_hours_between == 48.0  # 96 hours over the first project's 2 gaps
    assert (handed.credits_left_to_threshold, handed.credits_left_to_quota) == (36, 76)
    accounts = [figures("A", 88, 86)]
    said = recommendations(overall(accounts), accounts, handed, days=30)
    assert said[-2:] == [
        "Only 4 handoffs, 48 hours apart on average: accounts' daily credits reset unused in between; rotating "
        "through the pool more often spends them before they reset.",
        "4 handoffs left 36 credits unused below the rotate threshold (9 a handoff): hand off at the threshold, "
        "not before."]


def test_handoffs_close_together_and_at_the_threshold_say_nothing() -> None:
    handed = handoffs([ProjectHandoffs(count=2, first_at=NOW - timedelta(hours=5), last_at=NOW,
                                       left_to_threshold=2, left_to_quota=22)])
    assert handed.avg_hours_between == 5.0
    accounts = [figures("A", 88, 89)]
    assert recommendations(overall(accounts), accounts, handed, days=30) == [
        "Excellent! Keep this pattern.", "Target range: 85-92 credits per session"]


def test_no_sessions() -> None:
    summary = overall([])
    assert (summary.sessions, summary.average, summary.band) == (0, None, None)
    assert handoffs([]).avg_hours_between is None
    assert recommendations(summary, [], NO_HANDOFFS, days=7) == [
        "No finished sessions in the last 7 days: finish one (or look further back) to see a pattern."]


def test_histogram_bins_are_fixed_and_filled() -> None:
    bins = histogram({7: 1, 8: 2, 10: 4})
    assert len(bins) == 11
    assert bins[0] == (0, 10, 0) and bins[7] == (70, 80, 1) and bins[8] == (80, 90, 2)
    assert bins[-1] == (100, None, 4)


def test_credits_per_day_names_every_day_of_the_window() -> None:
    days = credits_per_day({date(2026, 11, 24): 12}, now=NOW, days=3)
    assert days == [(date(2026, 11, 22), 0), (date(2026, 11, 23), 0), (date(2026, 11, 24), 12),
                    (date(2026, 11, 25), 0)]


@pytest.mark.parametrize("days", [0, -1, 3651, True, 2.5])
def test_days_outside_the_range_are_refused(days: object) -> None:
    with pytest.raises(InvalidInput, match="days must be a whole number from 1 to 3650"):
        check_days(days)  # type: ignore[arg-type]


def test_days_at_the_range_ends_are_accepted() -> None:
    assert check_days(1) == 1 and check_days(3650) == 3650
