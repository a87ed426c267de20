"""Best-account selection: rank the accounts that can take a job, and say why.

Design:
- Hard filters first: only ``available`` accounts (never leased, throttled, exhausted or
  disabled), on the asked platform, with at least ``min_credits`` remaining, not excluded.
- The score (0..1) weighs five signals, each in 0..1:
  * similarity of the job's words to the account's name + specialization + tags (so
    "Frontend" finds "GenSpark-Frontend" whose specialization reads "React, Vue, UI/UX");
    words are compared by prefix-aware token overlap, so "front" matches "frontend";
  * remaining credits, as a share of the quota;
  * reset urgency: credits that reset soon are lost if unused, so they are spent first;
  * idleness: the least recently used account rests the others;
  * efficiency on similar work: past sessions' completion rate (neutral without history).
- A task from history (``TaskFit``: its estimate from similar sessions, ``core.history``) adds two
  adjustments: an account with fewer credits left than the estimate loses ``SHORT_PENALTY`` plus up
  to ``SHORTFALL_WEIGHT`` in proportion to what it lacks ("needs ~62, has 40": it would rotate
  mid-task, which outweighs a full match of words), and an account suited to similar work gains up
  to ``SUITED_WEIGHT``; only accounts whose quota is in the estimate's unit are compared. Such a
  ranking scores every eligible account (the early stop below assumes base order is score order).
- Speed: ``SelectionPool`` precomputes each account's query-independent part and sorts by it
  once; a query scores the few accounts whose words match and walks the rest in that order,
  stopping as soon as no unseen account can beat the ones found: accounts that match the same
  number of query words share one similarity bonus, so each such group is walked in base order
  too. An account's words are memoised per text, so rebuilding the pool for a new moment
  does not tokenise unchanged accounts again.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from paas.core import units
from paas.core.types import AccountStatus

WEIGHTS = {"similarity": 0.40, "remaining": 0.25, "reset": 0.10, "idle": 0.10, "efficiency": 0.15}
SHORT_PENALTY = 0.15
SHORTFALL_WEIGHT = 0.35
SUITED_WEIGHT = 0.15
IDLE_SATURATION_HOURS = 24.0
RESET_HORIZON_HOURS = 24.0
WORD = re.compile(r"[a-z0-9]+")
MIN_PREFIX = 3


@lru_cache(maxsize=65_536)
def words(text: str) -> frozenset[str]:
    """Lower-case word tokens, separators split ("UI/UX" -> ui, ux); CamelCase words count both
    whole and split ("GenSpark" -> genspark, gen, spark; "iOS" -> ios, i, os)."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return frozenset(WORD.findall(text.lower())) | frozenset(WORD.findall(spaced.lower()))


def query_words(text: str) -> frozenset[str]:
    """A job's words, unsplit ("iOS" -> ios): each must be found among an account's words."""
    return frozenset(WORD.findall(text.lower()))


@dataclass(frozen=True)
class Candidate:
    """One account as selection sees it at ``now``."""

    id: int
    name: str
    platform: str
    specialization: str
    tags: str
    status: AccountStatus
    remaining: int
    quota: int
    seconds_to_reset: float
    idle_hours: float | None
    efficiency: float | None = None
    threshold: int | None = None  # credits used at which work should rotate off it
    unit: str = "credits"  # the quota's unit: a task's estimate is compared only within one unit


@dataclass(frozen=True)
class TaskFit:
    """What history says of the job: credits it usually takes, and the accounts suited to it."""

    estimate: int
    unit: str = "credits"
    suited: tuple[tuple[int, float, str], ...] = ()  # (account id, strength 0..1, reason)


@dataclass(frozen=True)
class SelectionRequest:
    specialization: str = ""
    platform: str | None = None
    min_credits: int = 0
    limit: int = 1
    exclude: frozenset[int] = frozenset()
    # Hysteresis for rotations: a candidate must be this share of its quota below its own threshold,
    # so work does not rotate onto an account only to be due again at once (and back and forth).
    margin_percent: int = 0
    task: TaskFit | None = None


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    reasons: tuple[str, ...]
    signals: dict[str, float] = field(default_factory=dict)


def _base_signals(candidate: Candidate) -> dict[str, float]:
    remaining = max(0.0, min(1.0, candidate.remaining / candidate.quota)) if candidate.quota else 0.0
    hours_to_reset = candidate.seconds_to_reset / 3600
    reset = max(0.0, 1.0 - hours_to_reset / RESET_HORIZON_HOURS)
    idle = 1.0 if candidate.idle_hours is None else min(1.0, candidate.idle_hours / IDLE_SATURATION_HOURS)
    efficiency = 0.5 if candidate.efficiency is None else max(0.0, min(1.0, candidate.efficiency))
    return {"remaining": remaining, "reset": reset, "idle": idle, "efficiency": efficiency}


class SelectionPool:
    """Accounts prepared for fast repeated ranking at one moment."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._entries: list[tuple[float, Candidate, dict[str, float], frozenset[str]]] = []
        self._by_word: dict[str, list[int]] = {}
        for candidate in candidates:
            signals = _base_signals(candidate)
            base = sum(WEIGHTS[name] * value for name, value in signals.items())
            account_words = words(f"{candidate.name} {candidate.specialization} {candidate.tags}")
            self._entries.append((base, candidate, signals, account_words))
        self._entries.sort(key=lambda entry: (-entry[0], entry[1].id))
        for position, (_, _, _, account_words) in enumerate(self._entries):
            for word in account_words:
                self._by_word.setdefault(word, []).append(position)
        self._vocabulary = sorted(self._by_word)

    def __len__(self) -> int:
        return len(self._entries)

    def _positions_of(self, word: str) -> set[int]:
        """Accounts with a word equal to ``word``, extending it ("front" -> "frontend"), or that it
        extends ("frontends" -> "frontend")."""
        positions: set[int] = set(self._by_word.get(word, ()))
        if len(word) < MIN_PREFIX:
            return positions
        start = _bisect_left(self._vocabulary, word)
        for other in self._vocabulary[start:]:
            if not other.startswith(word):
                break
            positions.update(self._by_word[other])
        for cut in range(MIN_PREFIX, len(word)):
            positions.update(self._by_word.get(word[:cut], ()))
        return positions

    def matching_count(self, specialization: str) -> int:
        """How many accounts share a word with the job (they are the ones scored one by one)."""
        positions: set[int] = set()
        for word in query_words(specialization):
            positions |= self._positions_of(word)
        return len(positions)

    def rank(self, request: SelectionRequest) -> list[Ranked]:
        query = query_words(request.specialization)
        # Similarity = share of query words an account matches; count hits per position.
        hits: Counter[int] = Counter()
        for word in query:
            hits.update(self._positions_of(word))
        weight = WEIGHTS["similarity"] / len(query) if query else 0.0
        if request.task is not None:
            return self._rank_for_task(request, request.task, hits, weight)
        # Accounts with the same hit count share the same similarity bonus, so within a group the
        # order is the base order (= position order): walk each group best-first and stop early.
        groups: dict[int, list[int]] = {}
        for position, count in hits.items():
            groups.setdefault(count, []).append(position)
        found: list[tuple[float, int, int]] = []  # (score, -id, position); reasons only for the winners
        for count, positions in groups.items():
            positions.sort()
            found.extend(self._best_eligible(positions, request, weight * count))
        # Unmatched accounts score their base only.
        unmatched = (position for position in range(len(self._entries)) if position not in hits)
        found.extend(self._best_eligible(unmatched, request, 0.0))
        best = heapq.nlargest(request.limit, found)
        ranked = []
        for score, _, position in best:
            _, candidate, signals, _ = self._entries[position]
            similarity = hits.get(position, 0) / len(query) if query else 0.0
            ranked.append(_ranked(candidate, score, {**signals, "similarity": similarity}, request))
        return ranked

    def _rank_for_task(self, request: SelectionRequest, task: TaskFit, hits: Counter[int],
                       weight: float) -> list[Ranked]:
        """Every eligible account scored with the task's adjustments (few enough to score them all)."""
        suited = {account_id: strength for account_id, strength, _ in task.suited}
        scored: list[tuple[float, int, int]] = []
        for position, (base, candidate, _, _) in enumerate(self._entries):
            if eligible(candidate, request):
                score = base + weight * hits.get(position, 0) + _task_adjustment(candidate, task, suited)
                scored.append((score, -candidate.id, position))
        ranked = []
        for score, _, position in heapq.nlargest(request.limit, scored):
            _, candidate, signals, _ = self._entries[position]
            similarity = hits[position] / len(query_words(request.specialization)) if position in hits else 0.0
            extra = {"similarity": similarity, "suited": suited.get(candidate.id, 0.0)}
            if candidate.unit == task.unit:
                extra["credits_for_task"] = min(1.0, candidate.remaining / task.estimate) if task.estimate else 1.0
            ranked.append(_ranked(candidate, score, {**signals, **extra}, request))
        return ranked

    def _best_eligible(self, positions: Iterable[int], request: SelectionRequest,
                       bonus: float) -> list[tuple[float, int, int]]:
        """The first ``limit`` eligible accounts among ``positions`` (in base order), plus any that tie
        the last one's score once the bonus is added (rounding can make distinct bases equal)."""
        taken: list[tuple[float, int, int]] = []
        entries = self._entries
        for position in positions:
            base, candidate, _, _ = entries[position]
            score = base + bonus
            if len(taken) >= request.limit and score < taken[-1][0]:
                break
            if eligible(candidate, request):
                taken.append((score, -candidate.id, position))
        return taken


def _bisect_left(items: Sequence[str], value: str) -> int:
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if items[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def eligible(candidate: Candidate, request: SelectionRequest) -> bool:
    """The hard filters: only these accounts are ranked (and a locked choice must still pass them)."""
    return (
        candidate.status is AccountStatus.AVAILABLE
        and candidate.remaining >= request.min_credits
        and candidate.remaining > 0
        and (request.platform is None or candidate.platform == request.platform)
        and candidate.id not in request.exclude
        and headroom_ok(candidate, request.margin_percent)
    )


def headroom_ok(candidate: Candidate, margin_percent: int) -> bool:
    """At least ``margin_percent`` of the quota between what the account has used and its threshold."""
    if margin_percent <= 0 or candidate.threshold is None:
        return True
    used = candidate.quota - candidate.remaining
    return candidate.threshold - used >= -(-candidate.quota * margin_percent // 100)


def _task_adjustment(candidate: Candidate, task: TaskFit, suited: dict[int, float]) -> float:
    penalty = 0.0
    if candidate.unit == task.unit and candidate.remaining < task.estimate:
        penalty = SHORT_PENALTY + SHORTFALL_WEIGHT * (task.estimate - candidate.remaining) / task.estimate
    return SUITED_WEIGHT * suited.get(candidate.id, 0.0) - penalty


def _task_reasons(candidate: Candidate, task: TaskFit) -> list[str]:
    reasons = []
    if candidate.unit == task.unit:
        needs, has = units.amount(task.estimate, task.unit), units.amount(candidate.remaining, task.unit)
        if candidate.remaining < task.estimate:
            reasons.append(f"needs ~{needs}, has {has}")
        else:
            reasons.append(f"enough {task.unit} for the task (needs ~{needs}, has {has})")
    reasons += [reason for account_id, _, reason in task.suited if account_id == candidate.id]
    return reasons


def _ranked(candidate: Candidate, score: float, signals: dict[str, float], request: SelectionRequest) -> Ranked:
    reasons = []
    if signals["similarity"] > 0:
        reasons.append(f"matches {request.specialization!r} ({signals['similarity']:.0%} of its words)")
    reasons.append(f"{units.part_of(candidate.remaining, candidate.quota, candidate.unit)} left")  # usd: $0.88
    hours = candidate.seconds_to_reset / 3600
    reasons.append(f"credits reset in {hours:.1f} h" + (" (use them or lose them)" if signals["reset"] > 0.5 else ""))
    reasons.append("never used" if candidate.idle_hours is None else f"idle for {candidate.idle_hours:.1f} h")
    if candidate.efficiency is not None:
        reasons.append(f"completed {candidate.efficiency:.0%} of past similar sessions")
    if request.task is not None:
        reasons += _task_reasons(candidate, request.task)
    return Ranked(candidate=candidate, score=round(score, 4), reasons=tuple(reasons),
                  signals={name: round(value, 4) for name, value in signals.items()})


def rank_accounts(candidates: Iterable[Candidate], request: SelectionRequest) -> list[Ranked]:
    """Rank once (builds a pool; reuse ``SelectionPool`` to rank repeatedly)."""
    return SelectionPool(candidates).rank(request)


def idle_hours(last_used_at: datetime | None, now: datetime) -> float | None:
    return None if last_used_at is None else max(0.0, (now - last_used_at).total_seconds() / 3600)
