"""Shortening the quoted request by its sentences: keep what asks for something, drop the rest.

Design: the latest request is quoted verbatim; when it is longer than its share of the budget,
cutting its middle (``budget.elide_middle``) often drops exactly what was asked: "URGENCE ...
FAIS CES 2 MODIFS PRÉCISES : - Dans index.astro : remplace post.slug par post.id [...]" loses
the two edits and keeps the preamble. ``elide_sentences`` splits the request into sentences
and lines, keeps the opening whole (up to ``HEAD_CHARS``), scores the rest by what a successor
needs (something exact named: a code span, a quoted string, a file; an ask: an imperative or
"please" / "can you" / "I want"), adds the best-scoring ones while they fit, and shows them in
their order with "[…]" where sentences were left out. Used where there is room to choose
(medium and up); small budgets keep the request's two ends. Every kept piece is verbatim, so the quote
stays the user's words (the faithfulness check splits on the marker).

Cost: one regex pass to split, one sort; the request is already bounded by ``_presize_request``.
"""

from __future__ import annotations

import re

from paas.core.briefing.budget import ELISION

_SEGMENT_RE = re.compile(r"[^\n]*?(?:(?<![\s(]\d)(?<![\s(]\d\d)(?<!^\d)(?<!^\d\d)[.!?](?=\s)|\n|$)", re.MULTILINE)
_EXACT_RE = re.compile(r"`[^`\n]+`|'[^'\n]{2,80}'|\"[^\"\n]{2,80}\"|\b[\w./-]+\.[a-z]{1,5}\b|\b\w+\(|\{[^}\n]*\}")
_ASK_RE = re.compile(
    r"\b(?:please|pls|can you|could you|would you|i want|i need|i[’']d like|make sure|"
    r"add|remove|delete|replace|change|move|rename|fix|update|use|create|make|put|run|check|verify|keep|"
    r"implement|write|refactor|convert|show|return|set|"  # English; then the few most common elsewhere
    r"remplace|vérifie|fais|ajoute|crée|modifie|supprime|utilise|garde|cambia|agrega|añade|elimina|usa|"
    r"ändere|füge|entferne|verwende|ekle|değiştir|sil|kullan|udělej|přidej|změň|odstraň)\b",
    re.IGNORECASE,
)
_MIN_SENTENCES = 3
HEAD_CHARS = 200  # the opening kept whole, up to this many characters ...
HEAD_SHARE = 0.6  # ... or this share of the room, whichever is less
MIN_FILL = 0.6  # whole sentences must fill this share of the room, else the two ends say more


def elide_sentences(text: str, keep_chars: int) -> str | None:
    """``text`` cut to about ``keep_chars`` by whole sentences, or None when it has too few to choose."""
    spans = [(m.start(), m.end()) for m in _SEGMENT_RE.finditer(text) if text[m.start() : m.end()].strip()]
    if len(spans) < _MIN_SENTENCES:
        return None
    scores = [_score(text[start:end], index, len(spans)) for index, (start, end) in enumerate(spans)]
    order = sorted(range(len(spans)), key=lambda i: (-scores[i], i))
    kept: set[int] = set()
    used = 0
    head = min(HEAD_CHARS, int(keep_chars * HEAD_SHARE))  # the opening, whole: what the request is about
    for index, (start, end) in enumerate(spans):
        if used >= head:
            break
        size = len(text[start:end].strip()) + 1
        if used + size > keep_chars:
            return None  # the opening alone does not fit: cut inside it (``elide_middle``)
        kept.add(index)
        used += size
    for index in order:
        if index in kept:
            continue
        start, end = spans[index]
        size = len(text[start:end].strip()) + len(ELISION) + 2
        if used + size > keep_chars:
            continue
        kept.add(index)
        used += size
    if len(kept) == len(spans):
        return text
    if not kept or used < keep_chars * MIN_FILL:
        return None  # the sentences are too long to choose among: cut inside them (``elide_middle``)
    pieces: list[str] = []
    previous = -2
    for index in sorted(kept):
        start, end = spans[index]
        piece = text[start:end].strip()
        if previous == index - 1 and pieces:
            pieces.append(("\n" if "\n" in text[spans[previous][1] - 1 : start + 1] else " ") + piece)
        else:
            pieces.append((f" {ELISION} " if pieces else "") + piece)
        previous = index
    if max(kept) < len(spans) - 1:
        pieces.append(f" {ELISION}")
    if min(kept) > 0:
        pieces.insert(0, f"{ELISION} ")
    return "".join(pieces)


def _score(sentence: str, index: int, count: int) -> float:
    score = 0.0
    if index == 0:
        score += 3.0  # what the request is about
    if _EXACT_RE.search(sentence):
        score += 2.0
    if _ASK_RE.search(sentence):
        score += 2.0
    if index == count - 1:
        score += 1.0  # requests often end with the ask
    if len(sentence.split()) <= 3:
        score -= 1.0  # "ok", "thanks!", a bare heading
    return score
