"""The faithfulness check: does every anchor a briefing states occur verbatim in its sources?

Design: ``faithfulness(briefing, transcript_text, previous_briefing)`` extracts the anchors of
the briefing (paths, URLs, identifiers, versions, ports, numbers of two digits or more, code
spans: ``anchors.briefing_anchors``) and returns the share found verbatim in the sources.

What is not checked, because the briefing adds it about the transcript rather than from it:
the header (everything before the first ``## `` heading: project, accounts, token figures),
the "Related knowledge" line (titles come from the knowledge base), turn citations
("turn 12", "turns 3–9"), repeat counts ("×3") and exit statuses ("exit 1"; the reader's
structured exit code, e.g. an inferred 0, need not be written in the text).

The latest request, quoted in a fence, is checked line by line: each line (each side of an
"[…]" elision, and of a paste label such as "[a 40-line Python block]") must occur verbatim.
Paste labels (``digest.LABEL_RE``) are the briefing's own words about a paste: not checked.

Sources: the transcript text as given (raw file text is fine) plus, when it is JSON or JSON
Lines, every string value decoded (so ``\\"`` and ``\\u00e9`` escapes do not hide a match),
plus the previous briefing for carried-over items. Code spans cut by the briefing ("…" or the
"[…]" of an elided request) are checked piece by piece, and so is text around a secret the
briefing redacted (``[redacted: kind]`` stands for something the sources hold but a briefing
must not repeat: the pieces either side must occur verbatim, the marker itself is no anchor).
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from paas.core.briefing.anchors import CODE_SPAN_RE, DOUBLE_SPAN_RE, briefing_anchors
from paas.core.briefing.budget import ELISION, split_briefing
from paas.core.briefing.digest import LABEL_RE
from paas.core.briefing.redact import MARKER_RE
from paas.core.briefing.text import ELLIPSIS

# the briefing's own figures: citations, repeats, exit codes, and counts ("+6 more", "12 edits applied")
_GENERATED_RE = re.compile(r"\bturns? \d+(?:\s*[–-]\s*\d+)?|×\d+|\bexit -?\d+|\(carried over\)"
                           r"|(?<![\w.,])\d+ more\b|\b\d+ edits? applied\b")
_FENCED_RE = re.compile(r"^(`{3,})text\n(.*?)\n\1$", re.MULTILINE | re.DOTALL)


def checked_part(briefing_markdown: str) -> str:
    """The part of a briefing whose anchors must come from the sources (without verbatim blocks)."""
    return _split(briefing_markdown)[0]


def _split(briefing_markdown: str) -> tuple[str, list[str]]:
    """``(body, verbatim lines)``: the body to extract anchors from, and the lines of fenced quotes.

    A fenced quote (the latest request) is checked line by line as a whole: every non-blank
    line, or each side of an "[…]" elision, must occur verbatim. Its content is not scanned for
    anchors nor stripped of citation-like text, since it is the user's own words.
    """
    body = split_briefing(briefing_markdown)[1]
    verbatim: list[str] = []
    for match in _FENCED_RE.finditer(body):
        for line in match.group(2).splitlines():
            line = LABEL_RE.sub(ELISION, line)  # "[a 40-line Python block]": the briefing's words for a paste
            verbatim.extend(piece.strip() for piece in _pieces(line) if piece.strip())
    body = _FENCED_RE.sub("", body)
    body = LABEL_RE.sub(" ", body)
    body = "\n".join(line for line in body.splitlines() if not line.startswith("Related knowledge:"))
    # code spans are quoted text: taken whole before the citation markup is stripped from the rest
    spans = [m.group(1) for m in DOUBLE_SPAN_RE.finditer(body)]
    body = DOUBLE_SPAN_RE.sub(" ", body)
    spans += [m.group(1) for m in CODE_SPAN_RE.finditer(body)]
    body = CODE_SPAN_RE.sub(" ", body)
    verbatim += [f"`{span.strip()}`" for span in spans if span.strip()]
    return _GENERATED_RE.sub(" ", MARKER_RE.sub(" ", body)), verbatim


def _pieces(text: str) -> list[str]:
    """``text`` cut at each "[…]" elision and each ``[redacted: kind]`` marker."""
    return [piece for part in MARKER_RE.split(text) for piece in part.split(ELISION)]


def stated_anchors(briefing_markdown: str) -> set[str]:
    body, verbatim = _split(briefing_markdown)
    return briefing_anchors(body) | set(verbatim)


def unfaithful_anchors(briefing_markdown: str, transcript_text: str, previous_briefing: str | None = None) -> list[str]:
    """The briefing's anchors (and verbatim quote lines) that occur nowhere in the sources (sorted)."""
    haystack = _sources(transcript_text, previous_briefing)
    missing = {bare_anchor(anchor) for anchor in stated_anchors(briefing_markdown) if not _found(anchor, haystack)}
    return sorted(missing)


def bare_anchor(anchor: str) -> str:
    return anchor[1:-1] if len(anchor) >= 3 and anchor[0] == anchor[-1] == "`" else anchor


def _found(anchor: str, haystack: str) -> bool:
    span = len(anchor) >= 3 and anchor[0] == anchor[-1] == "`"
    text = anchor[1:-1] if span else anchor
    pieces = [p.strip().removesuffix(ELLIPSIS).strip() for p in _pieces(text)]
    if all(piece in haystack for piece in pieces if piece):
        return True
    if span:
        # a span formed by a stray backtick of quoted text pairing with a neighbour: judge its anchors
        return all(_found(token, haystack) for token in briefing_anchors(text))
    return False


def faithfulness(briefing_markdown: str, transcript_text: str, previous_briefing: str | None = None) -> float:
    """Share of the briefing's anchors found verbatim in the transcript (or previous briefing)."""
    anchors = stated_anchors(briefing_markdown)
    if not anchors:
        return 1.0
    missing = unfaithful_anchors(briefing_markdown, transcript_text, previous_briefing)
    return (len(anchors) - len(missing)) / len(anchors)


def _sources(transcript_text: str, previous_briefing: str | None) -> str:
    parts = [transcript_text]
    stripped = transcript_text.lstrip()
    if stripped.startswith(("{", "[")):
        strings: list[str] = []
        try:
            _collect(json.loads(stripped), strings)
        except ValueError:
            for line in stripped.splitlines():
                try:
                    _collect(json.loads(line), strings)
                except ValueError:
                    continue
        parts.append("\n".join(strings))
    if previous_briefing:
        parts.append(previous_briefing)
    return "\n".join(parts)


def _collect(value: Any, out: list[str]) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            if item.lstrip().startswith(("{", "[")):  # JSON inside a string (tool arguments)
                with contextlib.suppress(ValueError):
                    stack.append(json.loads(item))
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
