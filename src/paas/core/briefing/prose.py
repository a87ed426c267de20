"""Facts from words: constraints, open items, status markers, anchors, mentioned paths.

Design: each category is one cue regex run over whole turn texts; only around a match does
Python look closer (is it inside a code fence? is the line code? which sentence holds it?).
So the cost is one C-speed scan per category plus a little work per hit, linear in the text.

* Constraints come from user turns only (the user's rules, not the agent's musings): sentences
  with a rule word (never, always, must, only, make sure...; ``rule_cues`` has them in the
  languages people write to agents in), the ones said with force (several strong words) first.
* Decisions: ``decisions`` (the same hits, over the same conversation window).
* Open items: unchecked ``- [ ]`` boxes (dropped when the same text is later checked), ``TODO:``
  lines, "next step" / "still need" / "remaining" sentences (the user's, and the assistant's
  last three replies'), and a question the assistant asked last that nobody answered.
* Status markers (✅ ⚠️ 🚧 ❌) are a weak signal: the assistant's own claim, kept as such.
* Anchors and paths mentioned in words: ``mentions``.

Code blocks and code-looking lines are skipped for constraints, decisions and open items:
pasted or generated code says "must" and "TODO" without being a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from paas.core.briefing import rule_cues
from paas.core.briefing.anchors import specificity
from paas.core.briefing.model import Fact
from paas.core.briefing.terminal import TerminalPastes
from paas.core.briefing.text import (
    STOPWORDS,
    Fences,
    clip,
    line_at,
    looks_like_code,
    normalise,
    sentence_at,
    words,
)
from paas.core.transcripts.model import Transcript, Turn

RECENT_ASSISTANT_PROSE = 60  # decisions of the assistant
RECENT_ASSISTANT_OPEN_ITEMS = 3  # open items of the assistant: what its last replies say is left
_OPEN_ITEMS_PER_TURN = 6
_HITS_LOOKED_PER_TURN = 300  # cue matches examined in one turn, kept or not
_CONSTRAINTS_PER_TURN = 12
_OBSERVATION_RE = re.compile(r"\bi (?:don[’']?t|do not|didn[’']?t|did not|can[’']?t|cannot) (?:see|know|think|"
                             r"understand|get|have|remember|mind|care|find|notice)\b", re.IGNORECASE)

_NOT_A_RULE_STARTS = ("#", ">", "//", "/*", "*/", "--", "<!--", chr(34) * 3, chr(39) * 3, "|")
_CHECKBOX_RE = re.compile(r"^[ \t]*[-*][ \t]+\[([ xX])\][ \t]+(.+)$", re.MULTILINE)
_TODO_RE = re.compile(r"\b(?:TODO|FIXME)(?:\([^)\n]{0,40}\))?:\s*\w")
_NEXT_RE = re.compile(
    r"\b(?:next,? (?:I|we)[’']ll|(?:I|we)[’']ll [^.\n?!]{0,60}\bnext\b|next steps?\b|still (?:need|needs|to do|"
    r"missing|pending|failing|broken)|remaining (?:work|tasks?|items?|steps?|issues?)|left to do|"
    r"not yet (?:implemented|done|supported|working)|follow[- ]up)",
    re.IGNORECASE,
)
_QUOTES = frozenset("\"“”'‘’`*")
_MARKER_RE = re.compile(r"✅|⚠️|⚠|🚧|❌")
# Cheap literal tests on the lower-cased turn: the cue regexes only run on turns that pass.
_NEXT_NEEDLES = ("next", "still ", "remaining ", "left to do", "not yet", "follow-up", "follow up")
_MARKER_STATUS = {"✅": "done-claim", "⚠️": "warning", "⚠": "warning", "🚧": "in-progress-claim", "❌": "failed-claim"}


def _mentions(turn: Turn, needles: tuple[str, ...]) -> bool:
    lowered = turn.text.lower()
    return any(needle in lowered for needle in needles)


def prose_hits(regex: re.Pattern[str], turn: Turn, limit: int = 260,
                needles: tuple[str, ...] = ()) -> Iterable[tuple[int, str]]:
    """``(offset, sentence)`` for each match outside code fences, pasted terminal output and
    code-looking lines."""
    text = turn.text
    if needles and not _mentions(turn, needles):
        return
    fences: Fences | None = None
    terminal: TerminalPastes | None = None
    code_lines: dict[int, bool] = {}
    seen: set[str] = set()
    for looked, match in enumerate(regex.finditer(text)):
        if looked >= _HITS_LOOKED_PER_TURN:
            break  # a paste repeating the same words thousands of times: enough
        if fences is None or terminal is None:
            fences, terminal = Fences(text), TerminalPastes(text)
        if fences.inside(match.start()) or terminal.inside(match.start()):
            continue
        start, end = line_at(text, match.start())
        is_code = code_lines.get(start)
        if is_code is None:
            is_code = code_lines[start] = looks_like_code(text[start:end])
        if is_code:
            continue
        sentence = sentence_at(text, match.start(), match.end(), limit)
        if sentence not in seen:  # two cues in one sentence: one hit
            seen.add(sentence)
            yield match.start(), sentence


def merge_facts(facts: list[Fact]) -> list[Fact]:
    """One fact per key: the latest mention's text and turn, the first turn and the count kept."""
    latest: dict[str, Fact] = {}
    first: dict[str, tuple[int, int, float]] = {}  # key -> (first turn, count, best score)
    for fact in facts:
        seen = first.get(fact.key)
        if seen is None:
            first[fact.key] = (fact.first_turn, 1, fact.score)
        else:
            first[fact.key] = (seen[0], seen[1] + 1, max(seen[2], fact.score))
            del latest[fact.key]
        latest[fact.key] = fact  # re-inserted: dict order follows the latest mention
    merged = []
    for key, fact in latest.items():
        first_turn, count, score = first[key]
        merged.append(fact if count == 1 else replace(fact, first_turn=first_turn, count=count, score=score))
    return merged


def constraints(transcript: Transcript) -> list[Fact]:
    found: list[Fact] = []
    for turn in transcript.turns:
        if turn.role != "user" or getattr(turn, "sidechain", False):
            continue
        taken = 0
        for offset, sentence in prose_hits(rule_cues.ANY_RE, turn, needles=rule_cues.NEEDLES):
            if (len(sentence.split()) < 3 or sentence.rstrip(" )*_").endswith("?")
                    or _not_a_rule(turn.text, offset) or sentence.count('"') % 2):  # odd quotes: a cut quote
                continue
            observed = len(_OBSERVATION_RE.findall(sentence))
            if observed and len(rule_cues.ANY_RE.findall(sentence)) <= observed:
                continue  # "i don't see this change": what the person saw, not a rule
            taken += 1
            if taken > _CONSTRAINTS_PER_TURN:
                break  # a pasted document is not a list of rules
            cues = len(rule_cues.STRONG_RE.findall(sentence))  # "ONLY ... strictly forbidden": said with force
            strong = 1.0 + 0.25 * min(cues - 1, 2) if cues else 0.5
            found.append(Fact("constraint", sentence, turn.index, key=normalise(sentence), first_turn=turn.index,
                              source="user", score=strong))
    # scored once per distinct sentence, after merging (a rule repeated in every prompt costs one scan)
    merged = [replace(f, score=f.score + specificity(f.text)) for f in merge_facts(found)]
    asked = [t.index for t in transcript.turns if t.role == "user" and len(t.text.split()) >= 4]
    # "nothing else for now": a rule for the moment, over once the person asks for more
    lasting = [f for f in merged if not (_FOR_NOW_RE.search(f.text) and asked and asked[-1] > f.turn)]
    return _latest_rule_per_subject(lasting)


_FOR_NOW_RE = re.compile(r"\b(?:for now|for the moment|for the time being|at this point|pour l[’']instant|"
                         r"por ahora|por enquanto|per ora|vorerst|zatím|şimdilik)\b", re.IGNORECASE)


def _not_a_rule(text: str, offset: int) -> bool:
    """A heading, a quoted or pasted line, a comment: says "must" without being the person's rule."""
    start = text.rfind("\n", 0, offset) + 1
    return text[start:offset + 1].lstrip().startswith(_NOT_A_RULE_STARTS)


_SUBJECT_STOP = STOPWORDS | {"don't", "dont", "never", "always", "must", "only", "should", "keep", "avoid", "want",
                             "need", "prefer", "make", "sure", "without", "nothing", "else", "please"}


def _subject(text: str) -> set[str]:
    return {w for w in words(text) if w not in _SUBJECT_STOP and len(w) >= 4}


def _latest_rule_per_subject(rules: list[Fact]) -> list[Fact]:
    """A later rule on the same subject (most of its content words shared) replaces the earlier one."""
    kept: list[Fact] = []
    for rule in sorted(rules, key=lambda f: f.turn):
        subject = _subject(rule.text)
        survivors = []
        for earlier in kept:
            theirs = _subject(earlier.text)
            shared = len(subject & theirs)
            if earlier.turn < rule.turn and theirs and shared >= 2 and shared >= 0.6 * min(len(theirs), len(subject)):
                continue  # restated or reversed later: the later wording holds
            survivors.append(earlier)
        kept = [*survivors, rule]
    return kept


def conversation(transcript: Transcript) -> list[Turn]:
    """User turns, and the assistant's latest turns (older assistant prose is mostly superseded).

    Bounding the assistant's share keeps the cost of the sentence cues proportional to what
    people typed plus a fixed tail, however long the agent's replies were.
    """
    recent = {t.index for t in recent_assistant_turns(transcript, RECENT_ASSISTANT_PROSE)}
    return [t for t in transcript.turns if t.text and (t.role == "user" or t.index in recent)]


def open_items(transcript: Transcript) -> list[Fact]:
    """Unchecked boxes, TODOs and "next"/"still need" sentences; the assistant's only from its last turns.

    Earlier assistant checklists are mostly plans since carried out or specs it wrote into files;
    its last few replies say what is actually left. A box checked later closes the same text.
    """
    found: list[Fact] = []
    checked: dict[str, int] = {}
    last_replies = {t.index for t in recent_assistant_turns(transcript, RECENT_ASSISTANT_OPEN_ITEMS)}
    for turn in conversation(transcript):
        text = turn.text
        open_here = turn.role == "user" or turn.index in last_replies
        taken = 0
        fences = Fences(text) if "- [" in text or "* [" in text else None
        for match in _CHECKBOX_RE.finditer(text) if fences is not None else ():
            if fences is not None and fences.inside(match.start()):
                continue
            item = clip(match.group(2).strip(), 200)
            key = normalise(item)
            if match.group(1) != " ":
                checked[key] = turn.index
            elif open_here and taken < _OPEN_ITEMS_PER_TURN:
                taken += 1
                found.append(Fact("open_item", item, turn.index, status="unchecked", key=key, first_turn=turn.index,
                                  source=turn.role, score=0.6))
        if not open_here:
            continue
        cues = ((_TODO_RE, "todo", ()), (_NEXT_RE, "next", _NEXT_NEEDLES))
        for regex, status, needles in cues:
            if status == "todo" and "TODO" not in text and "FIXME" not in text:
                continue
            for offset, sentence in prose_hits(regex, turn, 220, needles):
                if taken >= _OPEN_ITEMS_PER_TURN:
                    break
                if text[offset - 1 : offset] in _QUOTES:
                    continue  # the "Next Steps" section: a name in quotes, not something left to do
                if len(sentence) >= 12:
                    taken += 1
                    found.append(Fact("open_item", sentence, turn.index, status=status, key=normalise(sentence),
                                      first_turn=turn.index, source=turn.role, score=0.8))
    kept = [f for f in found if checked.get(f.key, -1) < f.turn]
    question = _unanswered_question(transcript)
    if question is not None:
        kept.append(question)
    return merge_facts(kept)


def last_question(text: str) -> str | None:
    """The assistant's closing question: the last sentence ending with "?", with the question before
    it when that one is short ("Want me to commit it? Something like `x.jsonl`?")."""
    tail = text.rstrip()[-800:]
    end = tail.rfind("?")
    if end < 0:
        return None
    start = _sentence_start(tail, end)
    if end + 1 - start < 60 and start >= 2 and tail[start - 2] == "?":
        start = _sentence_start(tail, start - 2)
    question = tail[start : end + 1].strip(" *_-#>")
    return clip(question, 220) if len(question) > 3 else None


def _sentence_start(text: str, end: int) -> int:
    """Offset of the first character of the sentence ending at ``end``."""
    head = text[:end]
    starts = [head.rfind(sep) + 2 for sep in (". ", "! ", "? ") if sep in head]
    if "\n" in head:
        starts.append(head.rfind("\n") + 1)
    return max(starts, default=0)


def _unanswered_question(transcript: Transcript) -> Fact | None:
    """The question ending the assistant's last reply when no user turn came after it."""
    for turn in reversed(transcript.turns):
        if turn.role == "user":
            return None
        if turn.role == "assistant" and turn.text.strip():
            text = turn.text.strip()
            if not text.rstrip("*_ `)").endswith("?"):
                return None
            question = last_question(text)
            if question is None:
                return None
            return Fact("open_item", question, turn.index, status="asked", key=normalise(question),
                        first_turn=turn.index, source="assistant", score=1.0)
    return None


def last_question_before(transcript: Transcript, index: int) -> Fact | None:
    """The question the assistant's last words before turn ``index`` asked (context for "yes please")."""
    for turn in reversed(transcript.turns[:index]):
        if turn.role == "user":
            return None
        if turn.role == "assistant" and turn.text.strip():
            text = turn.text.strip()
            if "?" not in text[-600:]:
                return None
            question = last_question(text)
            if question is None:
                return None
            return Fact("request", question, turn.index, status="context", key=normalise(question),
                        first_turn=turn.index, source="assistant", detail=_referent(text, question))
    return None


_PRONOUN_RE = re.compile(r"\b(?:it|this|that|them|these|those)\b", re.IGNORECASE)
_SPAN_RE = re.compile(r"`([^`\n]{3,200})`")
_REFERENT_CHARS = 400


def _referent(text: str, question: str) -> str:
    """What "it" is in a question that says "copy it": the last code span of the reply before the
    question (``Found it: `~/.claude/x.jsonl`. Want me to copy it?``); "" when the question has no
    pronoun or names that span itself."""
    at = text.rfind(question[:40])
    if at <= 0 or not _PRONOUN_RE.search(question):
        return ""
    spans = _SPAN_RE.findall(text[max(0, at - _REFERENT_CHARS) : at])
    return spans[-1] if spans and spans[-1] not in question else ""


def markers(transcript: Transcript) -> list[Fact]:
    found: list[Fact] = []
    for turn in recent_assistant_turns(transcript, 20):
        if not _MARKER_RE.search(turn.text):
            continue
        fences = Fences(turn.text)
        for match in _MARKER_RE.finditer(turn.text):
            if fences.inside(match.start()):
                continue
            start, end = line_at(turn.text, match.start())
            line = clip(turn.text[start:end].strip(" -*#|"), 160)
            if len(line) > 3:
                found.append(Fact("marker", line, turn.index, status=_MARKER_STATUS[match.group(0)],
                                  key=normalise(line), first_turn=turn.index, source="assistant", score=0.3))
    return merge_facts(found)


def recent_assistant_turns(transcript: Transcript, count: int) -> list[Turn]:
    recent: list[Turn] = []
    for turn in reversed(transcript.turns):
        if turn.role == "assistant" and turn.text:
            recent.append(turn)
            if len(recent) >= count:
                break
    recent.reverse()
    return recent


