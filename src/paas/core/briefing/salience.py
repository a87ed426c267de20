"""Ranking helpers shared by the renderers: the never-cut priority, recency, past-terms salience.

Design: a priority is a plain float; ``NEVER`` marks the never-cut set. ``Salience`` adds the
two boosts every category uses: recency (0 at the first turn, 1 at the last) and the salience
of terms past briefings of the project kept naming (``BriefingOptions.past_terms``), up to 6
points for a term named in many past briefings. ``top_keys`` picks the few facts of a category
that are promoted to a higher band.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from paas.core.briefing.model import Fact
from paas.core.briefing.text import words

NEVER = 1000.0


class Salience:
    """Recency and past-terms boosts for one transcript."""

    def __init__(self, turn_count: int, past_terms: dict[str, int]) -> None:
        self.span = max(turn_count - 1, 1)
        self.words: dict[str, float] = {}  # plain words, matched as words
        self.others: list[tuple[str, float]] = []  # anything else (config.py, NEEDLE-1, two words): substring
        for term, count in past_terms.items():
            if not isinstance(term, str) or not term.strip() or not isinstance(count, int) or count <= 0:
                continue
            boost = min(6.0, 2.0 + math.log2(1 + count))
            key = term.strip().lower()
            if key.isalpha() and len(key) >= 3:
                self.words[key] = max(boost, self.words.get(key, 0.0))
            else:
                self.others.append((key, boost))

    def recency(self, turn: int) -> float:
        return max(0.0, min(1.0, turn / self.span))

    def past(self, text: str) -> float:
        """The boost of the most-used past term ``text`` names (0 when none)."""
        if not self.words and not self.others:
            return 0.0
        lowered = text.lower()
        best = max((self.words.get(w, 0.0) for w in words(lowered)), default=0.0)
        for term, boost in self.others:
            if boost > best and term in lowered:
                best = boost
        return best


def turn_ref(turn: int) -> str:
    return f"turn {turn}"


def top_keys(facts: Iterable[Fact], limit: int) -> set[str]:
    ranked = sorted(facts, key=lambda f: (f.score, f.turn), reverse=True)
    return {f.key for f in ranked[:limit]}


def few_per_turn(facts: Iterable[Fact], limit: int) -> list[Fact]:
    """The best ``limit`` facts of each turn (highest score, then earliest), in the order given."""
    given = list(facts)
    by_turn: dict[int, list[Fact]] = {}
    for fact in given:
        by_turn.setdefault(fact.turn, []).append(fact)
    kept = {id(f) for group in by_turn.values() for f in sorted(group, key=lambda f: -f.score)[:limit]}
    return [f for f in given if id(f) in kept]
