"""Anchors and paths mentioned in words: what the user typed, what the assistant last named.

Design: user prose is scanned whole (of a very long message, a paste, its head and tail);
the assistant only in its last turns (older assistant prose is mostly superseded), where its
Markdown code spans are the identifiers it refers to. Commands add URLs and ports. Code the
assistant wrote for a file (a ```` ```lang:path ```` fence) marks that path "proposed".
Repeats are merged first; each distinct token or path is then scored once (how
identifier-like, how specific), so a name repeated in every prompt costs one scoring.
Utility classes (``mb-3``, ``hover:scale-105``) are markup detail and never anchors.
"""

from __future__ import annotations

import re
from dataclasses import replace

from paas.core.briefing.actions import command_of
from paas.core.briefing.anchors import (
    CODE_SPAN_RE,
    UTILITY_CLASS_RE,
    find_anchors,
    find_paths,
    path_specificity,
    scan_tokens,
    shape_score,
)
from paas.core.briefing.model import Fact
from paas.core.briefing.prose import merge_facts, recent_assistant_turns
from paas.core.briefing.text import Fences
from paas.core.transcripts.model import Transcript

RECENT_ASSISTANT_TURNS = 30  # code spans and paths of the assistant: its latest words only
_USER_SCAN_HEAD, _USER_SCAN_TAIL = 6000, 2000  # of a long user message (a paste), the parts scanned
_FENCE_PATH_RE = re.compile(r"^[ \t]{0,3}```[\w+#.-]+:([^\s`:][^\s`]*)[ \t]*$", re.MULTILINE)
_CSS_CLASS_RE = re.compile(r"(?:[a-z]+(?:-[a-z]+)*:)*[a-z]+(?:-[a-z0-9/\[\]]+)+")


def anchors_and_mentions(transcript: Transcript) -> tuple[list[Fact], list[Fact]]:
    """Anchors (identifiers, versions, URLs, ports...) and paths mentioned in words."""
    anchors: list[Fact] = []
    paths: list[Fact] = []

    def add_anchor(token: str, turn: int, source: str, base: float) -> None:
        anchors.append(Fact("anchor", token, turn, key=token, first_turn=turn, source=source, score=base))

    for turn in transcript.turns:
        if turn.role == "user" and turn.text:
            text = turn.text
            if len(text) > _USER_SCAN_HEAD + _USER_SCAN_TAIL:
                text = text[:_USER_SCAN_HEAD] + "\n" + text[-_USER_SCAN_TAIL:]
            prose, code = Fences(text).split(text)
            prose_anchors, prose_paths = scan_tokens(prose)
            for token in prose_anchors:
                add_anchor(token, turn.index, "user", 3.0)
            for score, found in ((2.0, prose_paths), (1.0, find_paths(code) if code else [])):
                for path in found:
                    paths.append(Fact("file", path, turn.index, status="mentioned", key=path,
                                      first_turn=turn.index, source="user", score=score))
        for call in turn.tool_calls:
            command = command_of(call)
            if command and ("http" in command or "localhost" in command or "port" in command):
                for token in find_anchors(command[:2000]):
                    if token.startswith("http") or ":" in token or token.startswith("port "):
                        add_anchor(token, turn.index, "tool", 1.5)
    for turn in recent_assistant_turns(transcript, RECENT_ASSISTANT_TURNS):
        prose, _ = Fences(turn.text).split(turn.text)
        for match in CODE_SPAN_RE.finditer(prose):
            span = match.group(1)
            if " " in span or len(span) < 3:
                continue
            if _CSS_CLASS_RE.fullmatch(span) or UTILITY_CLASS_RE.fullmatch(span):
                continue  # utility classes (mb-3, hover:scale-105): markup detail, not an anchor
            if any(c.isdigit() or c in "_./:()" for c in span) or not (span.islower() or span.istitle()):
                add_anchor(span, turn.index, "assistant", 1.0)
        for path in find_paths(prose):
            paths.append(Fact("file", path, turn.index, status="mentioned", key=path, first_turn=turn.index,
                              source="assistant", score=0.5))
    for turn in transcript.turns:  # ```lang:path fences: code the assistant wrote for that file
        if turn.role == "assistant" and ":" in turn.text and "```" in turn.text:
            for match in _FENCE_PATH_RE.finditer(turn.text):
                path = match.group(1)
                paths.append(Fact("file", path, turn.index, status="proposed", key=path, first_turn=turn.index,
                                  source="assistant", score=1.0))
    # shapes are scored once per distinct token, after merging
    scored_anchors = [replace(f, score=f.score + shape_score(f.text)) for f in merge_facts(anchors)]
    proposed = merge_facts([f for f in paths if f.status == "proposed"])
    written = {f.key for f in proposed}
    mentioned = [f for f in merge_facts([f for f in paths if f.status != "proposed"]) if f.key not in written]
    scored_paths = [replace(f, score=f.score + path_specificity(f.text)) if f.source == "user" else f
                    for f in mentioned]
    return scored_anchors, proposed + scored_paths
