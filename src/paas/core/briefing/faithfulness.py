"""The faithfulness check: does every anchor a briefing states occur verbatim in its sources?

Design: ``faithfulness(briefing, transcript_text, previous_briefing)`` extracts the anchors of
the briefing (paths, URLs, identifiers, versions, ports, numbers of two digits or more, code
spans: ``anchors.briefing_anchors``) and returns the share found verbatim in the sources.

What is not checked, because the briefing adds it about the transcript rather than from it:
the header (everything before the first ``## `` heading: project, accounts, token figures),
the "Related knowledge" line (titles come from the knowledge base), turn citations
("turn 12", "turns 3–9"), repeat counts ("×3") and exit statuses ("exit 1"; the reader's
structured exit code, e.g. an inferred 0, need not be written in the text).

Sources: the transcript text as given (raw file text is fine) plus, when it is JSON or JSON
Lines, every string value decoded (so ``\\"`` and ``\\u00e9`` escapes do not hide a match),
plus the previous briefing for carried-over items. Code spans cut by the briefing ("…" or the
"[…]" of an elided request) are checked piece by piece.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from paas.core.briefing.anchors import briefing_anchors
from paas.core.briefing.budget import ELISION
from paas.core.briefing.text import ELLIPSIS

_GENERATED_RE = re.compile(r"\bturns? \d+(?:\s*[–-]\s*\d+)?|×\d+|\bexit -?\d+|\(carried over\)")


def checked_part(briefing_markdown: str) -> str:
    """The part of a briefing whose anchors must come from the sources."""
    start = briefing_markdown.find("\n## ")
    body = briefing_markdown[start:] if start >= 0 else ""
    body = "\n".join(line for line in body.splitlines() if not line.startswith("Related knowledge:"))
    return _GENERATED_RE.sub(" ", body)


def unfaithful_anchors(briefing_markdown: str, transcript_text: str, previous_briefing: str | None = None) -> list[str]:
    """The briefing's anchors that occur nowhere in the sources (sorted)."""
    haystack = _sources(transcript_text, previous_briefing)
    missing = []
    for anchor in briefing_anchors(checked_part(briefing_markdown)):
        pieces = [p.strip().removesuffix(ELLIPSIS).strip() for p in anchor.split(ELISION)]
        if any(piece and piece not in haystack for piece in pieces):
            missing.append(anchor)
    return sorted(missing)


def faithfulness(briefing_markdown: str, transcript_text: str, previous_briefing: str | None = None) -> float:
    """Share of the briefing's anchors found verbatim in the transcript (or previous briefing)."""
    anchors = briefing_anchors(checked_part(briefing_markdown))
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
