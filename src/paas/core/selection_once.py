"""One ranking without a pool: ``rank_once`` scores every eligible account once.

``core.selection.SelectionPool`` indexes the accounts' words and sorts them by their base score
so that repeated rankings at one moment stop early; a service that ranks once per request (select
best, a rotation) pays for that index and sort at every call, and at 10,000 accounts they were
most of the ranking's time. Here a query word's matches are found once in the accounts'
vocabulary (the pool's matching rule, ``_word_matches``), each account then needs only set tests,
and ``heapq.nlargest`` keeps the best. The scores are the pool's to the bit (the same float
operations in the same order), ties go to the lower id as in the pool, and the reasons are the
pool's (``_ranked``); a task's ranking goes to the pool, which scores every account anyway.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from paas.core.selection import (
    MIN_PREFIX,
    WEIGHTS,
    Candidate,
    Ranked,
    SelectionPool,
    SelectionRequest,
    _base_signals,
    _ranked,
    eligible,
    query_words,
    words,
)


def rank_once(candidates: Iterable[Candidate], request: SelectionRequest) -> list[Ranked]:
    """``SelectionPool(candidates).rank(request)`` for a single ranking, without building the pool:
    every eligible account scored once (the pool's index and order pay off only when ranked again).
    A query word's matches are looked up once in the accounts' vocabulary, then each account needs
    only set tests. Same scores (the same float operations), same order, same reasons."""
    if request.task is not None:
        return SelectionPool(candidates).rank(request)
    query = query_words(request.specialization)
    weight = WEIGHTS["similarity"] / len(query) if query else 0.0
    chosen = [(candidate, words(f"{candidate.name} {candidate.specialization} {candidate.tags}"))
              for candidate in candidates if eligible(candidate, request)]
    vocabulary: set[str] = set().union(*(account_words for _, account_words in chosen)) if query else set()
    matching = [frozenset(other for other in vocabulary if _word_matches(word, other)) for word in query]
    scored = []
    for candidate, account_words in chosen:
        hits = sum(1 for found in matching if not account_words.isdisjoint(found))
        scored.append((_base(candidate) + weight * hits, -candidate.id, hits, candidate))
    ranked = []
    for score, _, hits, candidate in heapq.nlargest(request.limit, scored, key=lambda item: item[:2]):
        signals = {**_base_signals(candidate), "similarity": hits / len(query) if query else 0.0}
        ranked.append(_ranked(candidate, score, signals, request))
    return ranked


def _word_matches(word: str, other: str) -> bool:
    """``SelectionPool._positions_of``'s rule: equal, extending ``word``, or extended by it (3+ letters)."""
    if other == word:
        return True
    if len(word) < MIN_PREFIX:
        return False
    return other.startswith(word) or (len(other) >= MIN_PREFIX and word.startswith(other))


def _base(candidate: Candidate) -> float:
    """The pool's base score, summed in the pool's order (so the floats are the same)."""
    return sum(WEIGHTS[name] * value for name, value in _base_signals(candidate).items())
