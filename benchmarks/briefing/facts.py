"""Gold facts and the rules that decide whether a briefing recalls one.

A ``Fact`` is one thing a handoff briefing should carry (a file the agent edited, a commit, a
command, an error, the latest user request). It is matched against the briefing's Markdown by
the rule of its kind; ``alternatives`` are other forms of the same fact, any of which counts.
"Normalised" below means: runs of whitespace collapsed to one space and the Markdown escapes
``\\|``, ``\\_``, ``\\*``, ``\\[``... undone; matching is case-sensitive unless said otherwise.

Matching rules (one per ``Fact.rule``):

* ``path`` (edited files): the full path or its basename occurs in the briefing (``\\`` read
  as ``/`` on both sides) as a whole token: not preceded by a word character, ``.`` or ``-``,
  not followed by a word character or ``-``. ``/home/me/app/src/a.py`` is recalled by
  ``src/a.py``, ``a.py`` or the full path; ``data.py`` does not recall ``a.py``.
* ``sha`` (aider commits, JSONL commits whose output printed a SHA): the SHA's first 7 hex
  characters occur, case-insensitively, not preceded by another hex character.
* ``phrase`` (a JSONL commit: the first 6 words of its message; a synthetic commit's message
  as an alternative to its SHA): the phrase occurs, normalised, case-insensitively.
* ``command``: the command's first 40 characters, normalised, occur in the normalised briefing;
  a command that opens with ``cd <dir> &&`` (or ``;``) may be stated without it.
* ``error`` (errors and unresolved errors): the error line's first 60 characters, normalised,
  occur in the normalised briefing.
* ``request`` (the latest user request): the normalised request (or its first 200 characters)
  is contained in the briefing, case-insensitively; or at least 80% of the words (``\\w+``,
  casefolded) of its first 200 characters appear in the briefing in the same order within one
  stretch of ``1.5 × words + 6`` briefing words (so the same words scattered across the
  briefing do not count).
* ``token``: exact containment (the needle; the synthetic set's planted constraint).

A category with no gold fact in a file has no recall for that file (``None``): it is left out
of the averages instead of counting as 0 or 1.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

CATEGORIES: tuple[str, ...] = (
    "edited_files",
    "commits",
    "commands",
    "errors",
    "unresolved_errors",
    "latest_request",
)
CATEGORY_LABELS: dict[str, str] = {
    "edited_files": "edited files",
    "commits": "commits",
    "commands": "commands",
    "errors": "errors",
    "unresolved_errors": "unresolved",
    "latest_request": "latest request",
}

REQUEST_HEAD_CHARS = 200
REQUEST_WORD_SHARE = 0.8
REQUEST_SLACK = 6  # words a matching stretch of the briefing may have beyond 1.5 × the request's
COMMAND_PREFIX = 40
ERROR_PREFIX = 60
SHA_PREFIX = 7

_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
_MD_ESCAPE_RE = re.compile(r"\\([|_*`\[\]#<>])")


@dataclass(frozen=True)
class Fact:
    """One gold fact: its category, the text to look for, the rule to look with."""

    category: str
    text: str
    rule: str
    alternatives: tuple[tuple[str, str], ...] = ()

    def forms(self) -> tuple[tuple[str, str], ...]:
        return ((self.rule, self.text), *self.alternatives)


@dataclass
class GoldFacts:
    """The gold facts of one transcript, by category, in order of first appearance."""

    facts: dict[str, list[Fact]] = field(default_factory=lambda: {name: [] for name in CATEGORIES})

    def add(self, fact: Fact) -> None:
        bucket = self.facts.setdefault(fact.category, [])
        key = fact_key(fact)
        if all(fact_key(other) != key for other in bucket):
            bucket.append(fact)

    def counts(self) -> dict[str, int]:
        return {name: len(items) for name, items in self.facts.items()}

    def as_json(self) -> dict[str, list[str]]:
        return {name: [fact.text for fact in items] for name, items in self.facts.items()}


def fact_key(fact: Fact) -> tuple[str, str]:
    """What makes two facts the same: the part of the text their rule looks at."""
    text = normalise(fact.text)
    if fact.rule == "command":
        text = text[:COMMAND_PREFIX]
    elif fact.rule == "error":
        text = text[:ERROR_PREFIX]
    elif fact.rule == "sha":
        text = text[:SHA_PREFIX].lower()
    elif fact.rule == "path":
        text = text.replace("\\", "/")
    return fact.rule, text


def unescape_markdown(text: str) -> str:
    r"""Markdown escapes undone (``\_`` -> ``_``)."""
    return _MD_ESCAPE_RE.sub(r"\1", text)


def normalise(text: str) -> str:
    """Whitespace collapsed and Markdown escapes undone."""
    return _SPACE_RE.sub(" ", unescape_markdown(text)).strip()


class BriefingIndex:
    """A briefing prepared once for many fact lookups."""

    def __init__(self, markdown: str) -> None:
        self.text = normalise(markdown)
        self.folded = self.text.casefold()
        self.slashed = self.text.replace("\\", "/")
        self.words = _WORD_RE.findall(self.folded)
        self.word_positions: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(self.words):
            self.word_positions[word].append(position)

    def recalls(self, fact: Fact) -> bool:
        return any(matches(rule, text, self) for rule, text in fact.forms())


_CD_PREFIX_RE = re.compile(r"^cd\s+(?:\"[^\"]*\"|'[^']*'|\S+)\s*(?:&&|;)\s*")


def matches(rule: str, text: str, index: BriefingIndex) -> bool:
    """Whether ``text`` is found in the briefing under ``rule`` (see the module docstring)."""
    if rule == "path":
        return _path_found(text, index)
    if rule == "sha":
        prefix = re.escape(text[:SHA_PREFIX].lower())
        return re.search(rf"(?<![0-9a-f]){prefix}", index.folded) is not None
    if rule == "phrase":
        return normalise(text).casefold() in index.folded
    if rule == "command":
        command = normalise(text)
        bare = _CD_PREFIX_RE.sub("", command, count=1)
        return command[:COMMAND_PREFIX] in index.text or bool(bare) and bare[:COMMAND_PREFIX] in index.text
    if rule == "error":
        return normalise(text)[:ERROR_PREFIX] in index.text
    if rule == "request":
        return request_found(text, index)
    if rule == "token":
        return text in index.text
    raise ValueError(f"unknown matching rule {rule!r}")


def _path_found(path: str, index: BriefingIndex) -> bool:
    slashed = " ".join(path.replace("\\", "/").split()).rstrip("/")  # before unescaping: \[ in a path is a separator
    full = normalise(path).replace("\\", "/").rstrip("/")
    candidates = (full, full.rsplit("/", 1)[-1], slashed, slashed.rsplit("/", 1)[-1])
    for candidate in dict.fromkeys(candidates):
        if candidate and re.search(rf"(?<![\w.-]){re.escape(candidate)}(?![\w-])", index.slashed):
            return True
    return False


def request_words(request: str) -> list[str]:
    """The casefolded words of the request's first 200 characters (a word cut at 200 is dropped)."""
    words = _WORD_RE.findall(request[:REQUEST_HEAD_CHARS].casefold())
    boundary = request[REQUEST_HEAD_CHARS - 1 : REQUEST_HEAD_CHARS + 1]
    if len(words) > 1 and len(boundary) == 2 and re.fullmatch(r"\w\w", boundary):
        words = words[:-1]
    return words


def request_found(request: str, index: BriefingIndex) -> bool:
    folded = normalise(request).casefold()
    if folded and (folded in index.folded or folded[:REQUEST_HEAD_CHARS] in index.folded):
        return True
    words = request_words(request)
    if not words:
        return False
    return in_order_share(words, index) >= REQUEST_WORD_SHARE - 1e-9


def in_order_share(words: list[str], index: BriefingIndex) -> float:
    """The best share of ``words`` found in order within one stretch of the briefing.

    A stretch starts where one of the first 5 words occurs and is ``1.5 × len(words) + 6`` words
    long, so a paraphrase with a few words dropped or changed still counts, while the same words
    scattered over the briefing do not.
    """
    span = int(1.5 * len(words)) + REQUEST_SLACK
    starts = sorted({position for word in words[:5] for position in index.word_positions.get(word, ())})
    best = 0
    for start in starts:
        best = max(best, lcs_length(words, index.words[start : start + span]))
        if best == len(words):
            break
    return best / len(words)


def lcs_length(first: list[str], second: list[str]) -> int:
    """Length of the longest common subsequence, bit-parallel over ``first`` (Allison-Dix / Hyyrö)."""
    masks: dict[str, int] = {}
    for position, word in enumerate(first):
        masks[word] = masks.get(word, 0) | (1 << position)
    full = (1 << len(first)) - 1
    row = full
    for word in second:
        matched = row & masks.get(word, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(first) - bin(row).count("1")


def recall_by_category(gold: GoldFacts, markdown: str) -> tuple[dict[str, float | None], dict[str, list[str]]]:
    """Per category: the share of gold facts the briefing recalls (None when there are none), and the misses."""
    index = BriefingIndex(markdown)
    recall: dict[str, float | None] = {}
    missed: dict[str, list[str]] = {}
    for name in CATEGORIES:
        facts = gold.facts.get(name, [])
        if not facts:
            recall[name] = None
            continue
        misses = [fact.text for fact in facts if not index.recalls(fact)]
        recall[name] = 1 - len(misses) / len(facts)
        if misses:
            missed[name] = misses
    return recall, missed


def macro(recall: dict[str, float | None]) -> float | None:
    """The mean of the categories that have gold facts."""
    values = [value for value in recall.values() if value is not None]
    return sum(values) / len(values) if values else None
