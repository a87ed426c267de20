"""Learning from earlier sessions: the previous briefing, knowledge entries, past terms.

Design: the previous briefing is Markdown this package wrote, so it is read by its own
section headings. Three things carry over:

* Open items (``- [ ] ...`` under "Open work"; "Open items" in older briefings) stay open,
  marked "(carried over)", until this
  transcript shows them done: the same text checked (``- [x]``), or a commit message or an
  assistant ✅ line sharing most of the item's words (at least two, and 60% of them).
  Evidence must be explicit; an item is never closed because a related file was touched.
* Done items (``done...`` and ``commits...`` lines under "Where it stands"; "State" in older
  briefings) are remembered so the new briefing
  does not repeat them.
* Constraints stay (the user's rules outlive a session) unless this transcript states them again.

Knowledge entries are linked when one of their tags, or two words of their title, appear
among the transcript's terms (its user turns and the extracted facts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paas.core.briefing.model import Facts, KnowledgeRef
from paas.core.briefing.text import STOPWORDS, normalise, words
from paas.core.transcripts.model import Transcript

_META_RE = re.compile(r"\s*\((?:carried over|turns? \d[^)]*)\)\s*$")
_CHECKED_RE = re.compile(r"^[ \t]*[-*][ \t]+\[[xX]\][ \t]+(.+)$", re.MULTILINE)
_SHA_IN_LINE_RE = re.compile(r"`([0-9a-f]{7,40})`")


@dataclass(frozen=True)
class PreviousBriefing:
    open_items: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Carried:
    still_open: tuple[str, ...] = ()
    now_done: tuple[tuple[str, str], ...] = ()  # (item, evidence)
    done_keys: frozenset[str] = field(default_factory=frozenset)  # shas and normalised texts already reported
    constraints: tuple[str, ...] = ()


def _strip_meta(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _META_RE.sub("", text).strip()
    return text


def parse_previous(markdown: str | None) -> PreviousBriefing:
    if not markdown:
        return PreviousBriefing()
    sections: dict[str, list[str]] = {}
    current = ""
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = line[3:].split(" (", 1)[0].strip().lower()
            continue
        if line.startswith("- "):
            sections.setdefault(current, []).append(line[2:].strip())
    open_items: list[str] = []
    for entry in sections.get("open work", []) + sections.get("open items", []):
        if entry.startswith("[ ] "):
            text = _strip_meta(entry[4:])
            if text.startswith(("the assistant asked, no answer yet", "in progress (the agent's plan",
                                "pending (the agent's plan")):
                continue  # a question to the user, not work to carry
            open_items.append(text)
    done = [entry for entry in sections.get("where it stands", []) + sections.get("state", [])
            if entry.startswith(("done", "commits"))]
    constraints = [_strip_meta(entry) for entry in sections.get("constraints", [])]
    return PreviousBriefing(tuple(open_items), tuple(done), tuple(c for c in constraints if c))


_SUFFIXES = ("ing", "ers", "er", "ed", "es", "s")


def _stem(word: str) -> str:
    """A crude stem so "limiter", "limiting" and "limits" compare equal."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _key_terms(text: str) -> set[str]:
    return {_stem(w) for w in words(text) if w not in STOPWORDS}


def carry_over(previous: PreviousBriefing, facts: Facts, transcript: Transcript) -> Carried:
    if not previous.open_items and not previous.done and not previous.constraints:
        return Carried()
    done_keys: set[str] = set()
    for entry in previous.done:
        done_keys.update(_SHA_IN_LINE_RE.findall(entry))
        done_keys.add(normalise(_strip_meta(entry.split(":", 1)[-1])))
    checked = _checked_items(transcript)
    evidence_lines = [(f"commit `{f.key}` (turn {f.turn})", f.text) for f in facts.commits]
    evidence_lines += [(f"assistant marked ✅ (turn {f.turn})", f.text) for f in facts.markers
                       if f.status == "done-claim"]
    still_open: list[str] = []
    now_done: list[tuple[str, str]] = []
    for item in previous.open_items:
        key = normalise(item)
        if key in checked:
            now_done.append((item, f"checked off at turn {checked[key]}"))
            continue
        terms = _key_terms(item)
        proof = None
        for label, line in evidence_lines:
            overlap = len(terms & _key_terms(line))
            if len(terms) >= 2 and overlap >= 2 and overlap >= 0.6 * len(terms):
                proof = label
        if proof is not None:
            now_done.append((item, f"evidence: {proof}"))
        else:
            still_open.append(item)
    current = {f.key for f in facts.constraints}
    constraints = tuple(c for c in previous.constraints if normalise(c) not in current)
    return Carried(tuple(still_open), tuple(now_done), frozenset(done_keys), constraints)


def _checked_items(transcript: Transcript) -> dict[str, int]:
    checked: dict[str, int] = {}
    for turn in transcript.turns:
        if "[x]" in turn.text or "[X]" in turn.text:
            for match in _CHECKED_RE.finditer(turn.text):
                checked[normalise(match.group(1))] = turn.index
    return checked


def transcript_terms(facts: Facts, transcript: Transcript, limit_chars: int = 400_000) -> set[str]:
    """Lower-cased words of the user turns and of every extracted fact (file names split up)."""
    terms: set[str] = set()
    budget = limit_chars
    for turn in transcript.turns:
        if turn.role == "user" and budget > 0:
            terms |= words(turn.text[:budget])
            budget -= len(turn.text)
    for group in facts.by_category().values():
        for fact in group:
            terms |= words(fact.text.replace("/", " ").replace("\\", " ").replace(".", " ").replace("_", " "))
    return terms


def link_knowledge(refs: tuple[KnowledgeRef, ...], terms: set[str], limit: int = 3) -> list[KnowledgeRef]:
    scored: list[tuple[int, int, KnowledgeRef]] = []
    for order, ref in enumerate(refs):
        tags = [t.strip().lower() for t in ref.tags.split(",") if t.strip()]
        tag_hits = sum(1 for tag in tags if all(part in terms for part in tag.split()))
        title_terms = {w for w in words(ref.title) if w not in STOPWORDS and len(w) >= 4}
        title_hits = len(title_terms & terms)
        if tag_hits >= 1 or title_hits >= 2:
            scored.append((-(2 * tag_hits + title_hits), order, ref))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [ref for _, _, ref in scored[:limit]]
