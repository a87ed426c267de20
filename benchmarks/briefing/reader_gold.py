"""Reader gold: what a careful reader says the next session needs, and whether a briefing states it.

The rule is ``../shared/corpus/READER_GOLD.md``; the gold files are
``../shared/corpus/dev/reader_gold/<transcript>.json``, read in place, never copied. Each item
has a ``kind`` (goal, done, open, unresolved_error, constraint, next_step, file, decision) and
``terms``: groups of alternatives. A briefing *states* an item when every group has at least one
alternative in it, compared case-insensitively with whitespace collapsed and Markdown escapes
undone (``\\_`` -> ``_``); backslashes in paths are read as slashes on both sides.

Scores: recall per kind within a transcript (items stated / items); a transcript's score is the
mean over the kinds it has; the set's score the mean over transcripts; a kind's set recall is
the mean over the transcripts that have that kind. ``must_not`` entries are checked too:
any ``secret`` whose exact ``value`` appears is a carried secret (a failure, whatever else the
briefing keeps); the other entries (stale errors, reversed rules, noise) are counted when all
their term groups appear, which is a hint for a reader, not a verdict: a briefing may name a
stale error correctly as resolved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

from benchmarks.briefing.facts import normalise

KINDS: tuple[str, ...] = ("goal", "done", "open", "unresolved_error", "constraint", "next_step", "file", "decision")
KIND_LABELS: dict[str, str] = {
    "goal": "goal",
    "done": "done",
    "open": "open",
    "unresolved_error": "unresolved",
    "constraint": "constraints",
    "next_step": "next step",
    "file": "files",
    "decision": "decisions",
}
MUST_NOT_KINDS: tuple[str, ...] = ("stale_error", "superseded_constraint", "noise")


def _fold(text: str) -> str:
    return normalise(text).replace("\\", "/").casefold()


@dataclass(frozen=True)
class GoldItem:
    kind: str
    text: str
    terms: tuple[tuple[str, ...], ...]

    def stated_in(self, folded: str) -> bool:
        return all(any(_fold(alt) in folded for alt in group if alt.strip()) for group in self.terms if group)


@dataclass(frozen=True)
class ReaderGold:
    file: str
    items: tuple[GoldItem, ...]
    must_not: tuple[GoldItem, ...] = ()
    secrets: tuple[str, ...] = ()

    def kinds(self) -> list[str]:
        return [kind for kind in KINDS if any(item.kind == kind for item in self.items)]


@dataclass
class ReaderScore:
    recall: dict[str, float | None]
    score: float | None
    missed: dict[str, list[str]] = field(default_factory=dict)
    secrets_carried: int = 0
    must_not_present: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"recall": self.recall, "score": self.score, "missed": self.missed,
                "secrets_carried": self.secrets_carried, "must_not_present": self.must_not_present}


def _item(raw: dict[str, Any]) -> GoldItem:
    terms = tuple(tuple(str(alt) for alt in group) for group in raw.get("terms", []) if group)
    return GoldItem(str(raw.get("kind", "")), str(raw.get("text", "")), terms)


def load(path: Path) -> ReaderGold:
    data = json.loads(path.read_text(encoding="utf-8"))
    items = tuple(_item(raw) for raw in data.get("items", []) if raw.get("kind") in KINDS)
    must_not = tuple(_item(raw) for raw in data.get("must_not", []) if raw.get("kind") in MUST_NOT_KINDS)
    secrets = tuple(str(raw["value"]) for raw in data.get("must_not", [])
                    if raw.get("kind") == "secret" and str(raw.get("value", "")).strip())
    return ReaderGold(str(data.get("file", path.stem)), items, must_not, secrets)


def load_for(corpus: Path, file_name: str) -> ReaderGold | None:
    path = corpus / "reader_gold" / f"{file_name}.json"
    return load(path) if path.is_file() else None


_SPACE_RE = re.compile(r"\s+")


def score(gold: ReaderGold, markdown: str) -> ReaderScore:
    folded = _fold(markdown)
    recall: dict[str, float | None] = {}
    missed: dict[str, list[str]] = {}
    for kind in KINDS:
        items = [item for item in gold.items if item.kind == kind]
        if not items:
            recall[kind] = None
            continue
        stated = [item.stated_in(folded) for item in items]
        recall[kind] = sum(stated) / len(items)
        lost = [item.text[:140] for item, ok in zip(items, stated, strict=True) if not ok]
        if lost:
            missed[kind] = lost
    present = [value for value in recall.values() if value is not None]
    squeezed = _SPACE_RE.sub(" ", markdown)
    secrets = sum(1 for value in gold.secrets if value in markdown or _SPACE_RE.sub(" ", value) in squeezed)
    must_not = {kind: sum(1 for item in gold.must_not if item.kind == kind and item.terms and item.stated_in(folded))
                for kind in MUST_NOT_KINDS}
    return ReaderScore(recall, mean(present) if present else None, missed, secrets, must_not)


def aggregate(scores: list[ReaderScore]) -> dict[str, Any]:
    """Set figures: the mean transcript score, each kind's mean over transcripts that have it, secrets."""
    by_kind: dict[str, float | None] = {}
    for kind in KINDS:
        values = [s.recall[kind] for s in scores if s.recall.get(kind) is not None]
        by_kind[kind] = mean(v for v in values if v is not None) if values else None
    totals = [s.score for s in scores if s.score is not None]
    return {
        "files": len(scores),
        "score": mean(totals) if totals else None,
        "recall": by_kind,
        "secrets_carried": sum(s.secrets_carried for s in scores),
        "must_not_present": {kind: sum(s.must_not_present.get(kind, 0) for s in scores) for kind in MUST_NOT_KINDS},
    }
