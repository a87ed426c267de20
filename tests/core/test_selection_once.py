"""rank_once (one ranking, no pool) answers what SelectionPool.rank answers: ids, scores, reasons."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paas.core.selection import Candidate, SelectionPool, SelectionRequest
from paas.core.selection_once import rank_once
from paas.core.types import AccountStatus

WORDS = ("GenSpark", "Frontend", "React", "Vue", "UI/UX", "Python", "FastAPI", "iOS", "Data", "Pandas", "front",
         "docs", "Technical Writing", "Kubernetes")
QUERIES = ("", "front", "frontends", "react vue", "ui", "ios", "python fast", "data pandas writing", "kube", "x")


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(min_value=0, max_value=25))
    found = []
    for index in range(count):
        quota = draw(st.sampled_from((10, 100, 500)))
        found.append(Candidate(
            id=index + 1, name=f"{draw(st.sampled_from(WORDS))}-{index}", platform=draw(st.sampled_from(("a", "b"))),
            specialization=", ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
            tags=draw(st.sampled_from(("", "fast", "team,eu"))),
            status=draw(st.sampled_from((AccountStatus.AVAILABLE,) * 3 + (AccountStatus.EXHAUSTED,))),
            remaining=draw(st.integers(min_value=0, max_value=quota)), quota=quota,
            seconds_to_reset=draw(st.sampled_from((0.0, 3600.0, 50_000.0, 90_000.0))),
            idle_hours=draw(st.sampled_from((None, 0.5, 12.0, 30.0))),
            efficiency=draw(st.sampled_from((None, 0.0, 0.5, 1.0))), threshold=draw(st.sampled_from((None, 5)))))
    return found


@settings(max_examples=300, deadline=None)
@given(pool=candidates(), query=st.sampled_from(QUERIES), platform=st.sampled_from((None, "a")),
       min_credits=st.sampled_from((0, 1, 50)), limit=st.sampled_from((1, 2, 5, 100)),
       margin=st.sampled_from((0, 5)), excluded=st.sets(st.integers(min_value=1, max_value=25), max_size=3))
def test_rank_once_is_the_pools_ranking(pool: list[Candidate], query: str, platform: str | None, min_credits: int,
                                        limit: int, margin: int, excluded: set[int]) -> None:
    request = SelectionRequest(specialization=query, platform=platform, min_credits=min_credits, limit=limit,
                               exclude=frozenset(excluded), margin_percent=margin)
    expected = SelectionPool(pool).rank(request)
    assert rank_once(pool, request) == expected
