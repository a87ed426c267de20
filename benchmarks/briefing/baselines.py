"""Baselines the briefing must beat, each given the same token budget as the level it is compared at.

All three read the same plain rendering of the parsed transcript (``render_transcript``: one
``role: text`` block per turn, one ``[tool] command-or-path`` line per tool call followed by its
output), i.e. what the compressor sees, minus structure.

* ``tail``: the last non-empty lines that fit the budget (the interim engine's idea, by tokens).
* ``original``: the original product's rule (its README, "Smart Context Compression"): the first
  25 / 15 / 5 non-empty lines for low / medium / high, and at ``high`` also every line with a
  marker (✅, ⚠, 🚧, "important", "critical"); lines are added in that order while they fit.
* ``textrank``: sumy's ``TextRankSummarizer`` over sentences split by a regex (no NLTK data: the
  tokenizer below replaces sumy's), sentences added best-first while they fit, printed in
  transcript order. TextRank compares every pair of sentences, so a long transcript's sentences
  (after dropping exact duplicates) are grouped into at most ``TEXTRANK_MAX_UNITS`` runs of
  neighbouring sentences, each run ranked as one unit.

Every output is cut to the budget by token count, so no baseline ever exceeds it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

ORIGINAL_LINES = {"low": 25, "medium": 15, "high": 5}
ORIGINAL_MARKERS = re.compile(r"✅|⚠|🚧|important|critical", re.I)
TEXTRANK_MAX_UNITS = 600
TOOL_INPUT_CHARS = 300

CountTokens = Callable[[str], int]

_WORD_RE = re.compile(r"\w+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")


def render_transcript(transcript: Any) -> str:
    """A ``paas.core.transcripts.Transcript`` as plain text, for the baselines."""
    blocks: list[str] = []
    for turn in transcript.turns:
        lines = [f"{turn.role}: {turn.text.strip()}"] if turn.text.strip() else []
        for call in turn.tool_calls:
            lines.append(f"[{call.name}] {_call_input(call.input)}")
            if call.output:
                lines.append(call.output.rstrip())
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _call_input(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("command", "cmd", "file_path", "path", "notebook_path", "sha"):
            if isinstance(value.get(key), str | list):
                item = value[key]
                return " ".join(item) if isinstance(item, list) else str(item)
        value = json.dumps(value, ensure_ascii=False)
    return str(value)[:TOOL_INPUT_CHARS]


def fit_lines(lines: Sequence[str], budget: int, count_tokens: CountTokens) -> list[str]:
    """The longest prefix of ``lines`` whose joined text has at most ``budget`` tokens (a last line may be cut)."""
    kept: list[str] = []
    used = 0
    for line in lines:
        cost = count_tokens(line) + 1  # + the newline joining it
        if used + cost <= budget:
            kept.append(line)
            used += cost
            continue
        room = budget - used - 1
        if room > 0:
            kept.append(cut_to_tokens(line, room, count_tokens))
        break
    while kept and count_tokens("\n".join(kept)) > budget:  # joins can merge tokens differently
        kept[-1] = cut_to_tokens(kept[-1], max(count_tokens(kept[-1]) - 2, 0), count_tokens)
        if not kept[-1]:
            kept.pop()
    return kept


def cut_to_tokens(text: str, budget: int, count_tokens: CountTokens, from_end: bool = False) -> str:
    """The longest prefix (or suffix) of ``text`` of at most ``budget`` tokens, by bisection on characters."""
    if budget <= 0:
        return ""
    if count_tokens(text) <= budget:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        piece = text[-middle:] if from_end else text[:middle]
        if count_tokens(piece) <= budget:
            low = middle
        else:
            high = middle - 1
    return text[-low:] if from_end and low else text[:low]


def tail_baseline(text: str, budget: int, count_tokens: CountTokens) -> str:
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        cost = count_tokens(line) + 1
        if used + cost > budget:
            room = budget - used - 1
            if room > 0:
                kept.append(cut_to_tokens(line, room, count_tokens, from_end=True))
            break
        kept.append(line)
        used += cost
    result = "\n".join(reversed(kept))
    while result and count_tokens(result) > budget:
        result = result.split("\n", 1)[1] if "\n" in result else ""
    return result


def original_baseline(text: str, level: str, budget: int, count_tokens: CountTokens) -> str:
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    chosen = list(range(min(ORIGINAL_LINES[level], len(lines))))
    if level == "high":
        chosen += [i for i in range(len(chosen), len(lines)) if ORIGINAL_MARKERS.search(lines[i])]
    return "\n".join(fit_lines([lines[i] for i in chosen], budget, count_tokens))


# --- TextRank ----------------------------------------------------------------------------------


class RegexTokenizer:
    """sumy's tokenizer interface without NLTK's punkt data: lines, then sentence punctuation."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(sentence.strip() for line in paragraph.splitlines() for sentence in _SENTENCE_END_RE.split(line)
                     if _WORD_RE.search(sentence))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD_RE.findall(sentence))


@dataclass(frozen=True)
class TextRankRanking:
    """A transcript's units in order and their TextRank scores (computed once, cut per budget)."""

    units: tuple[str, ...]
    scores: tuple[float, ...]

    def summary(self, budget: int, count_tokens: CountTokens) -> str:
        order = sorted(range(len(self.units)), key=lambda i: (-self.scores[i], i))
        chosen: list[int] = []
        used = 0
        for index in order:
            cost = count_tokens(self.units[index]) + 1
            if used + cost <= budget:
                chosen.append(index)
                used += cost
            if budget - used < 8:
                break
        return "\n".join(fit_lines([self.units[i] for i in sorted(chosen)], budget, count_tokens))


def textrank_ranking(text: str, max_units: int = TEXTRANK_MAX_UNITS) -> TextRankRanking:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = RegexTokenizer()
    sentences = list(dict.fromkeys(tokenizer.to_sentences(text)))
    group = max(1, -(-len(sentences) // max_units))
    units = tuple(" ".join(sentences[i : i + group]) for i in range(0, len(sentences), group))
    if not units:
        return TextRankRanking((), ())
    summarizer = TextRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    document = ObjectDocumentModel([Paragraph([Sentence(unit, tokenizer) for unit in units])])
    ratings = summarizer.rate_sentences(document)
    scores = tuple(float(ratings[sentence]) for sentence in document.sentences)
    return TextRankRanking(units, scores)
