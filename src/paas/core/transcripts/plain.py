"""Plain text and generic Markdown chats (the fallback for anything not recognised).

What it reads. Speaker markers at the start of a line, outside fenced code:

* label form: ``User: text``, ``**Assistant:** text``, ``**AI**: text``;
* heading form: ``## User``, ``### Assistant:``, ``**Human**`` alone on its line.

Recognised names: User/Human -> ``user``; Assistant/AI/ChatGPT/GPT/Claude/Bot/Gemini/Copilot
-> ``assistant``; System -> ``system``. Each marker opens a turn that runs to the next marker.

The text is split only when it has at least one user marker AND one assistant marker; a lone
``User:`` inside prose, or a document with no markers at all, is read as ONE user turn (the
safest reading of an unknown text: someone's request). Text before the first marker becomes a
``system`` turn (context such as an export banner). A leading ``# Title`` line is the title.
Plain text has no tool protocol, so there are no tool calls.
"""

from __future__ import annotations

import re

from paas.core.transcripts.drafts import TurnDraft, build_transcript
from paas.core.transcripts.model import Transcript

FORMAT = "plain"

_ROLE_BY_NAME = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "chatgpt": "assistant",
    "gpt": "assistant",
    "claude": "assistant",
    "bot": "assistant",
    "gemini": "assistant",
    "copilot": "assistant",
    "system": "system",
}
_NAMES = "|".join(_ROLE_BY_NAME)
_LABEL_RE = re.compile(rf"^(?:\*\*|__)?({_NAMES})(?:\*\*|__)?\s*:(?:\*\*|__)?[ \t]*(.*)$", re.IGNORECASE)
_HEADING_RE = re.compile(rf"^(?:#{{1,6}}[ \t]+)?(?:\*\*|__)?({_NAMES})(?:\*\*|__)?[ \t]*:?[ \t]*$", re.IGNORECASE)
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def read_plain(text: str) -> Transcript:
    """Read free text: split on speaker markers when the text is a dialogue, else one user turn."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    title: str | None = None
    first = next((line for line in lines if line.strip()), "")
    if first.startswith("# ") and not _marker(first):
        title = first[2:].strip()
    markers = _find_markers(lines)
    roles = {role for _, role, _ in markers}
    drafts: list[TurnDraft] = []
    if not ("user" in roles and "assistant" in roles):
        draft = TurnDraft("user", source_line=1)
        draft.add_text(text.replace("\r\n", "\n"))
        drafts.append(draft)
        return build_transcript(FORMAT, drafts, title=title)
    preamble = lines[: markers[0][0]]
    if title is not None:
        preamble = [line for line in preamble if line != first]
    if any(line.strip() for line in preamble):
        draft = TurnDraft("system", source_line=1 + lines.index(next(line for line in preamble if line.strip())))
        draft.add_text("\n".join(preamble))
        drafts.append(draft)
    for position, (start, role, inline) in enumerate(markers):
        end = markers[position + 1][0] if position + 1 < len(markers) else len(lines)
        draft = TurnDraft(role, source_line=start + 1)
        draft.add_text("\n".join([inline, *lines[start + 1 : end]]).strip())
        drafts.append(draft)
    return build_transcript(FORMAT, drafts, title=title)


def _marker(line: str) -> tuple[str, str] | None:
    """``(role, text after the marker)`` when the line opens a turn."""
    heading = _HEADING_RE.match(line)
    if heading:
        return _ROLE_BY_NAME[heading.group(1).lower()], ""
    label = _LABEL_RE.match(line)
    if label:
        return _ROLE_BY_NAME[label.group(1).lower()], label.group(2)
    return None


def _find_markers(lines: list[str]) -> list[tuple[int, str, str]]:
    markers: list[tuple[int, str, str]] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None:
            found = _marker(line)
            if found:
                markers.append((index, found[0], found[1]))
    return markers
