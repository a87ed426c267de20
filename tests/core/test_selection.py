"""Best-account selection (core.selection): filters, similarity, ranking, and the fast pool's
equivalence with scoring every account."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from paas.core.selection import (
    WEIGHTS,
    Candidate,
    SelectionPool,
    SelectionRequest,
    TaskFit,
    idle_hours,
    query_words,
    rank_accounts,
    words,
)
from paas.core.types import AccountStatus


def make(id: int, name: str = "acct", *, platform: str = "genspark", specialization: str = "", tags: str = "",
         status: AccountStatus = AccountStatus.AVAILABLE, remaining: int = 50, quota: int = 100,
         seconds_to_reset: float = 12 * 3600, idle: float | None = 12.0, efficiency: float | None = None,
         ) -> Candidate:
    return Candidate(id=id, name=name, platform=platform, specialization=specialization, tags=tags, status=status,
                     remaining=remaining, quota=quota, seconds_to_reset=seconds_to_reset, idle_hours=idle,
                     efficiency=efficiency)


def ids(ranked: list) -> list[int]:
    return [item.candidate.id for item in ranked]


# --- filters ---------------------------------------------------------------------------------


def test_only_available_accounts_are_returned() -> None:
    pool = [make(index + 1, status=status) for index, status in enumerate(AccountStatus)]
    ranked = rank_accounts(pool, SelectionRequest(limit=10))
    assert ids(ranked) == [1]
    assert ranked[0].candidate.status is AccountStatus.AVAILABLE


def test_filters_status_even_when_words_match() -> None:
    pool = [make(1, "Frontend", status=AccountStatus.ACTIVE), make(2, "Frontend", status=AccountStatus.THROTTLED),
            make(3, "Frontend", status=AccountStatus.DISABLED), make(4, "Frontend", status=AccountStatus.EXHAUSTED),
            make(5, "Backend")]
    assert ids(rank_accounts(pool, SelectionRequest(specialization="frontend", limit=10))) == [5]


def test_min_credits_filter_and_zero_remaining_excluded() -> None:
    pool = [make(1, remaining=9), make(2, remaining=10), make(3, remaining=0), make(4, remaining=80)]
    assert set(ids(rank_accounts(pool, SelectionRequest(min_credits=10, limit=10)))) == {2, 4}
    # Even with min_credits=0, an account with nothing left is never chosen.
    assert 3 not in ids(rank_accounts(pool, SelectionRequest(min_credits=0, limit=10)))


def test_platform_filter() -> None:
    pool = [make(1, "Frontend", platform="claude"), make(2, platform="genspark"), make(3, platform="claude")]
    assert set(ids(rank_accounts(pool, SelectionRequest(platform="claude", limit=10)))) == {1, 3}
    assert set(ids(rank_accounts(pool, SelectionRequest(specialization="frontend", platform="genspark",
                                                          limit=10)))) == {2}


def test_exclude_filter() -> None:
    pool = [make(1, "Frontend"), make(2, "Frontend"), make(3)]
    ranked = rank_accounts(pool, SelectionRequest(specialization="frontend", exclude=frozenset({1}), limit=10))
    assert 1 not in ids(ranked)
    assert set(ids(ranked)) == {2, 3}


def test_empty_pool_and_all_filtered() -> None:
    assert rank_accounts([], SelectionRequest(specialization="anything", limit=5)) == []
    assert len(SelectionPool([])) == 0
    pool = [make(1, status=AccountStatus.DISABLED)]
    assert rank_accounts(pool, SelectionRequest(specialization="acct")) == []


# --- similarity ------------------------------------------------------------------------------


def test_words_split_camel_case_and_separators() -> None:
    assert words("GenSpark-Frontend") == {"genspark", "gen", "spark", "frontend"}
    assert words("React, Vue, UI/UX Design") == {"react", "vue", "ui", "ux", "design"}
    assert words("") == frozenset()


def test_frontend_finds_genspark_frontend_via_name_or_specialization() -> None:
    target = make(7, "GenSpark-Frontend", specialization="React, Vue, UI/UX Design", remaining=10)
    other = make(8, "GenSpark-Backend", specialization="Python, Django", remaining=100, idle=None,
                 efficiency=1.0, seconds_to_reset=0)
    for query in ("Frontend", "front", "React UI", "vue", "FRONTEND"):
        ranked = rank_accounts([target, other], SelectionRequest(specialization=query))
        assert ids(ranked) == [7], query
        assert ranked[0].signals["similarity"] > 0
        assert any("matches" in reason for reason in ranked[0].reasons)


def test_prefix_matching_both_ways_but_not_below_three_letters() -> None:
    pool = [make(1, "Frontend"), make(2, "Back")]
    assert rank_accounts(pool, SelectionRequest(specialization="front"))[0].signals["similarity"] == 1.0
    assert rank_accounts(pool, SelectionRequest(specialization="frontends"))[0].candidate.id == 1
    # "fr" is too short to count as a prefix.
    ranked = rank_accounts(pool, SelectionRequest(specialization="fr", limit=2))
    assert all(item.signals["similarity"] == 0 for item in ranked)


def test_tags_count_for_similarity() -> None:
    pool = [make(1, "A", tags="mobile,ios"), make(2, "B", tags="web")]
    ranked = rank_accounts(pool, SelectionRequest(specialization="Mobile", limit=2))
    assert ids(ranked)[0] == 1
    assert ranked[0].signals["similarity"] == 1.0
    assert ranked[1].signals["similarity"] == 0.0


def test_matching_is_case_insensitive_for_mixed_case_words() -> None:
    """A query "iOS" must find the tag "ios" (and "GitHub" the tag "github"): the CamelCase split
    turns "iOS" into {"i", "os"}, neither of which matches "ios"."""
    pool = [make(1, "A", tags="mobile,ios"), make(2, "B", tags="web")]
    ranked = rank_accounts(pool, SelectionRequest(specialization="iOS", limit=2))
    assert ids(ranked)[0] == 1
    assert ranked[0].signals["similarity"] == 1.0
    assert ranked[1].signals["similarity"] == 0.0


def test_similarity_is_share_of_query_words() -> None:
    pool = [make(1, "Frontend", specialization="React")]
    ranked = rank_accounts(pool, SelectionRequest(specialization="frontend react rust golang"))
    assert ranked[0].signals["similarity"] == 0.5


# --- ranking signals -------------------------------------------------------------------------


def test_more_remaining_credits_rank_higher() -> None:
    pool = [make(1, remaining=20), make(2, remaining=90), make(3, remaining=50)]
    ranked = rank_accounts(pool, SelectionRequest(limit=3))
    assert ids(ranked) == [2, 3, 1]
    assert [item.signals["remaining"] for item in ranked] == [0.9, 0.5, 0.2]
    assert "90 of 100 credits left" in ranked[0].reasons


def test_what_is_left_is_said_in_the_account_unit() -> None:
    # a usd account said "88 of 2000 credits left": its cents called credits
    dollars = replace(make(1, remaining=88, quota=2000), unit="usd")
    tokens = replace(make(2, remaining=4_900_000, quota=5_000_000), unit="tokens")
    ranked = {item.candidate.id: item.reasons for item in rank_accounts(
        [dollars, tokens], SelectionRequest(limit=2, task=TaskFit(estimate=207, unit="usd")))}
    assert "$0.88 of $20.00 left" in ranked[1] and "needs ~$2.07, has $0.88" in ranked[1]
    assert "4.9M of 5M tokens left" in ranked[2]
    assert not any("credits" in reason for reason in ranked[1] + ranked[2] if "left" in reason)


def test_sooner_reset_ranks_higher() -> None:
    pool = [make(1, seconds_to_reset=20 * 3600), make(2, seconds_to_reset=3600)]
    ranked = rank_accounts(pool, SelectionRequest(limit=2))
    assert ids(ranked) == [2, 1]
    assert any("use them or lose them" in reason for reason in ranked[0].reasons)
    assert any("reset in 20.0 h" in reason for reason in ranked[1].reasons)


def test_least_recently_used_ranks_higher() -> None:
    pool = [make(1, idle=1.0), make(2, idle=None), make(3, idle=10.0)]
    ranked = rank_accounts(pool, SelectionRequest(limit=3))
    assert ids(ranked) == [2, 3, 1]
    assert "never used" in ranked[0].reasons
    assert "idle for 10.0 h" in ranked[1].reasons


def test_efficiency_ranks_higher_and_is_neutral_without_history() -> None:
    pool = [make(1, efficiency=0.2), make(2, efficiency=None), make(3, efficiency=0.9)]
    ranked = rank_accounts(pool, SelectionRequest(limit=3))
    assert ids(ranked) == [3, 2, 1]
    assert ranked[1].signals["efficiency"] == 0.5
    assert any("completed 90%" in reason for reason in ranked[0].reasons)
    assert not any("completed" in reason for reason in ranked[1].reasons)


def test_similarity_outweighs_a_single_other_signal() -> None:
    pool = [make(1, "Frontend", remaining=30), make(2, "Backend", remaining=100)]
    assert ids(rank_accounts(pool, SelectionRequest(specialization="frontend", limit=2))) == [1, 2]


def test_limit_and_order_and_ties_by_id() -> None:
    pool = [make(index) for index in range(10, 0, -1)]  # all identical but the id
    ranked = rank_accounts(pool, SelectionRequest(limit=4))
    assert ids(ranked) == [1, 2, 3, 4]
    assert all(item.reasons for item in ranked)
    scores = [item.score for item in rank_accounts([make(i, remaining=i * 10) for i in range(1, 8)],
                                                   SelectionRequest(limit=5))]
    assert scores == sorted(scores, reverse=True)
    assert len(scores) == 5


def test_score_is_the_weighted_sum_in_zero_one() -> None:
    candidate = make(1, "Frontend", remaining=100, seconds_to_reset=0, idle=None, efficiency=1.0)
    assert rank_accounts([candidate], SelectionRequest(specialization="frontend"))[0].score == 1.0
    low = make(2, remaining=1, quota=100, seconds_to_reset=48 * 3600, idle=0.0, efficiency=0.0)
    assert rank_accounts([low], SelectionRequest())[0].score == round(WEIGHTS["remaining"] * 0.01, 4)


def test_idle_hours_helper() -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    assert idle_hours(None, now) is None
    assert idle_hours(now - timedelta(hours=3), now) == 3.0
    assert idle_hours(now + timedelta(hours=1), now) == 0.0


def test_pool_is_reusable_across_requests() -> None:
    pool = SelectionPool([make(1, "Frontend"), make(2, "Backend"), make(3, "Mobile", platform="claude")])
    assert ids(pool.rank(SelectionRequest(specialization="backend"))) == [2]
    assert ids(pool.rank(SelectionRequest(specialization="frontend"))) == [1]
    assert ids(pool.rank(SelectionRequest(platform="claude"))) == [3]


# --- equivalence with brute force --------------------------------------------------------------

VOCABULARY = ["front", "frontend", "frontends", "back", "backend", "react", "vue", "ui", "ux", "fr", "design",
              "python", "py", "mobile", "ios", "gen", "spark", "data", "dat", "database"]


def brute_force(candidates: list[Candidate], request: SelectionRequest) -> list[tuple[float, int]]:
    """Score every eligible account from the documented rules, independently of the pool."""
    query = query_words(request.specialization)
    scored = []
    for c in candidates:
        if (c.status is not AccountStatus.AVAILABLE or c.remaining <= 0 or c.remaining < request.min_credits
                or (request.platform is not None and c.platform != request.platform) or c.id in request.exclude):
            continue
        account = words(f"{c.name} {c.specialization} {c.tags}")
        hits = 0
        for word in query:
            if word in account or (len(word) >= 3 and any(
                    len(other) >= 3 and (other.startswith(word) or word.startswith(other)) for other in account)):
                hits += 1
        similarity = hits / len(query) if query else 0.0
        remaining = max(0.0, min(1.0, c.remaining / c.quota))
        reset = max(0.0, 1.0 - c.seconds_to_reset / 3600 / 24)
        idle = 1.0 if c.idle_hours is None else min(1.0, c.idle_hours / 24)
        efficiency = 0.5 if c.efficiency is None else c.efficiency
        score = (0.40 * similarity + 0.25 * remaining + 0.10 * reset + 0.10 * idle + 0.15 * efficiency)
        scored.append((score, c.id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[: request.limit]


candidate_strategy = st.builds(
    lambda name_words, spec_words, tag_words, status, remaining, quota, reset_h, idle, eff, platform: (
        name_words, spec_words, tag_words, status, remaining, quota, reset_h, idle, eff, platform),
    st.lists(st.sampled_from(VOCABULARY + ["GenSpark", "FrontEnd", "UI/UX"]), max_size=2),
    st.lists(st.sampled_from(VOCABULARY), max_size=3),
    st.lists(st.sampled_from(VOCABULARY), max_size=2),
    st.sampled_from(list(AccountStatus)),
    st.integers(0, 120),
    st.integers(1, 100),
    st.sampled_from([0.0, 1.0, 6.0, 12.0, 24.0, 36.0]),
    st.one_of(st.none(), st.sampled_from([0.0, 2.0, 12.0, 48.0])),
    st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 1.0])),
    st.sampled_from(["genspark", "claude"]),
)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.lists(candidate_strategy, max_size=30),
    query=st.lists(st.sampled_from(VOCABULARY + ["FrontEnd", "xyz"]), max_size=3),
    limit=st.integers(1, 8),
    min_credits=st.sampled_from([0, 1, 30]),
    platform=st.sampled_from([None, "genspark", "claude"]),
    exclude=st.frozensets(st.integers(1, 30), max_size=4),
)
def test_pool_rank_equals_brute_force(raw: list, query: list[str], limit: int, min_credits: int,
                                      platform: str | None, exclude: frozenset[int]) -> None:
    candidates = [
        make(index + 1, " ".join(name) or f"n{index}", specialization=", ".join(spec), tags=",".join(tags),
             status=status, remaining=remaining, quota=quota, seconds_to_reset=reset_h * 3600, idle=idle,
             efficiency=eff, platform=plat)
        for index, (name, spec, tags, status, remaining, quota, reset_h, idle, eff, plat) in enumerate(raw)
    ]
    request = SelectionRequest(specialization=" ".join(query), platform=platform, min_credits=min_credits,
                               limit=limit, exclude=exclude)
    ranked = SelectionPool(candidates).rank(request)
    expected = brute_force(candidates, request)
    assert len(ranked) == len(expected)
    for got, (score, _) in zip(ranked, expected, strict=True):
        assert math.isclose(got.score, score, abs_tol=1e-4)
    # Same accounts, modulo ties within float noise.
    for position, (got, (score, account_id)) in enumerate(zip(ranked, expected, strict=True)):
        if got.candidate.id != account_id:
            tied = [cid for s, cid in brute_force(candidates, replace(request, limit=len(candidates)))
                    if math.isclose(s, score, abs_tol=1e-9)]
            assert got.candidate.id in tied, position
    assert len({item.candidate.id for item in ranked}) == len(ranked)
