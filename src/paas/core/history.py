"""Learning from history: what a new task will cost, from the past sessions most like it, and
which account did such work most efficiently.

Design:
- A document per ended session: its words (objectives, accomplishments, handoff notes, the first
  lines of its saved briefing) and two marker terms, its session type and its project, so at equal
  wording a bugfix on the same project is nearer than one elsewhere. Words are lower-case
  ``[a-z0-9]+`` of two letters or more, stop words dropped, a light suffix strip ("tests",
  "testing" -> "test"); no model, no download.
- TF-IDF (sublinear tf ``1 + ln tf``, smoothed idf ``ln((1 + N) / (1 + df)) + 1``), unit vectors,
  cosine similarity through an inverted index: a query touches only documents sharing a term.
  A query's words the history never saw still count in its length, so a task mostly made of
  new words is honestly less similar to anything.
- Estimate: the ``k`` nearest sessions that did the work (completed or handed off, similarity
  >= ``MIN_SIMILARITY``; at least ``MIN_NEIGHBOURS`` of them) vote with their similarity as
  weight: the weighted median of their credits, ``low``/``high`` the weighted 20th and 80th
  percentiles. Too few similar sessions: the global mean of all of them (basis ``global_mean``,
  low/high the global percentiles, no neighbours); none at all: basis ``no_history``, no figures.
- Suitability: among up to ``SUITABILITY_POOL`` similar sessions (failed ones included: their
  credits bought nothing), per account: sessions, completed (or handed off), average credits,
  and credits per completed session; only an account with ``MIN_SAMPLE`` similar sessions, one
  of them done, qualifies (one lucky session decides nothing). Best first: fewest credits per
  completed session, then more sessions, then the lower account id.
- Ties are deterministic: higher similarity first, then the newer session (higher id).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

K = 15
MIN_SIMILARITY = 0.12
MIN_NEIGHBOURS = 3
SUITABILITY_POOL = 150
MIN_SAMPLE = 3
LOW_QUANTILE, HIGH_QUANTILE = 0.2, 0.8
DONE = frozenset({"completed", "handed_off"})

WORD = re.compile(r"[a-z0-9]+")
_STOP_TEXT = """
a an and are as at be been but by can do for from has have in into is it its of on or our so that the
their them then there these this to was we were will with without you your not no all any each
also more most some such than too very just up out over under new now use using used via per
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def _stem(word: str) -> str:
    """A light suffix strip: enough for "tests"/"testing"/"tested" to meet, never a dictionary."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=32_768)
def terms(text: str) -> tuple[str, ...]:
    """The text's terms in order (repeats kept: term frequency counts them); memoised per text,
    so re-reading an unchanged history does not tokenise it again."""
    return tuple(_stem(word) for word in WORD.findall(text.lower()) if len(word) > 1 and word not in STOP_WORDS)


def type_term(session_type: str) -> str:
    return f"~type:{session_type}"


def project_term(project_id: int) -> str:
    return f"~project:{project_id}"


@dataclass(frozen=True)
class PastSession:
    """One ended session as history reads it."""

    id: int
    account_id: int
    project_id: int
    session_type: str
    status: str  # completed, handed_off or failed
    credits: int
    text: str

    @property
    def done(self) -> bool:
        return self.status in DONE


@dataclass(frozen=True)
class Neighbour:
    session: PastSession
    similarity: float


@dataclass(frozen=True)
class Suited:
    """An account's record on work like the task's."""

    account_id: int
    sessions: int
    completed: int
    avg_credits: float
    credits_per_completed: float


@dataclass(frozen=True)
class Estimate:
    credits: int | None
    low: int | None
    high: int | None
    basis: str  # similar_sessions, global_mean or no_history
    neighbours: tuple[Neighbour, ...]
    suited: tuple[Suited, ...]
    sessions_considered: int


def weighted_quantile(pairs: Iterable[tuple[float, float]], quantile: float) -> float:
    """The smallest value whose cumulative weight reaches ``quantile`` of the total ((value, weight) pairs)."""
    ordered = sorted(pairs)
    total = sum(weight for _, weight in ordered)
    if not ordered or total <= 0:
        raise ValueError("no weighted values")
    reached = 0.0
    for value, weight in ordered:
        reached += weight
        if reached >= quantile * total - 1e-12:
            return value
    return ordered[-1][0]


class HistoryIndex:
    """Past sessions prepared for similarity queries (build once, query many times)."""

    def __init__(self, sessions: Sequence[PastSession]) -> None:
        self.sessions = list(sessions)
        documents = [self._document(past) for past in self.sessions]
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(document.keys())
        count = len(documents)
        self._idf = {term: math.log((1 + count) / (1 + seen)) + 1 for term, seen in frequency.items()}
        self._unseen_idf = math.log(1 + count) + 1
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for position, document in enumerate(documents):
            weights = {term: (1 + math.log(tf)) * self._idf[term] for term, tf in document.items()}
            norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
            for term, weight in weights.items():
                self._postings.setdefault(term, []).append((position, weight / norm))
        self.done_credits = [past.credits for past in self.sessions if past.done]

    @staticmethod
    def _document(past: PastSession) -> Counter[str]:
        document = Counter(terms(past.text))
        document[type_term(past.session_type)] += 1
        document[project_term(past.project_id)] += 1
        return document

    def similar(self, text: str, *, session_type: str | None = None, project_id: int | None = None,
                min_similarity: float = MIN_SIMILARITY) -> list[Neighbour]:
        """Every session at least ``min_similarity`` like the task, nearest first (ties: newer first)."""
        query = Counter(terms(text))
        if session_type is not None:
            query[type_term(session_type)] += 1
        if project_id is not None:
            query[project_term(project_id)] += 1
        weights = {term: (1 + math.log(tf)) * self._idf.get(term, self._unseen_idf) for term, tf in query.items()}
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        if not norm:
            return []
        scores: dict[int, float] = {}
        for term, weight in weights.items():
            for position, document_weight in self._postings.get(term, ()):
                scores[position] = scores.get(position, 0.0) + weight * document_weight
        found = [(round(score / norm, 6), self.sessions[position]) for position, score in scores.items()
                 if score / norm >= min_similarity]
        found.sort(key=lambda item: (-item[0], -item[1].id))
        return [Neighbour(session=past, similarity=similarity) for similarity, past in found]


def estimate(index: HistoryIndex, text: str, *, session_type: str | None = None, project_id: int | None = None,
             k: int = K, min_neighbours: int = MIN_NEIGHBOURS, min_sample: int = MIN_SAMPLE) -> Estimate:
    """What the task will take, from its nearest past sessions (or the global mean, and said so)."""
    considered = len(index.sessions)
    if not index.done_credits:
        return Estimate(None, None, None, "no_history", (), (), considered)
    similar = index.similar(text, session_type=session_type, project_id=project_id)
    nearest = tuple(heapq.nsmallest(k, (item for item in similar if item.session.done),
                                    key=lambda item: (-item.similarity, -item.session.id)))
    if len(nearest) < min_neighbours:
        everything = [(float(credits), 1.0) for credits in index.done_credits]
        mean = sum(index.done_credits) / len(index.done_credits)
        return Estimate(round(mean), round(weighted_quantile(everything, LOW_QUANTILE)),
                        round(weighted_quantile(everything, HIGH_QUANTILE)), "global_mean", (), (), considered)
    votes = [(float(item.session.credits), item.similarity) for item in nearest]
    return Estimate(
        credits=round(weighted_quantile(votes, 0.5)),
        low=round(weighted_quantile(votes, LOW_QUANTILE)),
        high=round(weighted_quantile(votes, HIGH_QUANTILE)),
        basis="similar_sessions",
        neighbours=nearest,
        suited=suited_accounts(similar[:SUITABILITY_POOL], min_sample=min_sample),
        sessions_considered=considered,
    )


def suited_accounts(similar: Iterable[Neighbour], *, min_sample: int = MIN_SAMPLE) -> tuple[Suited, ...]:
    """Accounts with at least ``min_sample`` similar sessions (one done), the most efficient first."""
    records: dict[int, list[int]] = {}  # account id -> [sessions, done, credits]
    for item in similar:
        record = records.setdefault(item.session.account_id, [0, 0, 0])
        record[0] += 1
        record[1] += 1 if item.session.done else 0
        record[2] += item.session.credits
    suited = [Suited(account_id=account_id, sessions=sessions, completed=done, avg_credits=round(spent / sessions, 2),
                     credits_per_completed=round(spent / done, 2))
              for account_id, (sessions, done, spent) in records.items() if sessions >= min_sample and done]
    suited.sort(key=lambda item: (item.credits_per_completed, -item.sessions, item.account_id))
    return tuple(suited)


class SuitedRecord(Protocol):
    @property
    def account_id(self) -> int: ...
    @property
    def credits_per_completed(self) -> float: ...


def suitability(suited: Sequence[SuitedRecord]) -> dict[int, float]:
    """Each suited account's strength in 0..1: 1 for the most efficient, falling to 0 for one that
    needs twice its credits per completed session."""
    if not suited:
        return {}
    best = suited[0].credits_per_completed or 1.0
    return {item.account_id: max(0.0, min(1.0, 2.0 - item.credits_per_completed / best)) for item in suited}
