"""Actions stated in words, for transcripts that record no tool calls (plain text, ChatGPT exports).

Design: when a transcript has no structured tool calls at all, the assistant's own reports are
the only record of what was done: "I edited `billing/invoice.py`", "I ran `pytest -q` (exit
code 1):" followed by the output in a fence, "Committed as c700d84: fix rounding". Each such
sentence becomes a ``ToolCall`` shaped like the structured ones (``edit {path}``, ``shell
{command}`` with exit status and output, ``commit {sha, message}``), so the one pipeline in
``actions`` reads both. Transcripts with tool calls never go through here: their calls are the
evidence and the prose would only repeat it.
"""

from __future__ import annotations

import re

from paas.core.transcripts.model import ToolCall, Turn

_EDIT_RE = re.compile(
    r"\b(?:I(?:'ve| have)? )?(?:edited|updated|modified|changed|created|wrote|rewrote|fixed|patched)"
    r"\s+`([^`\n]{2,200})`"
)
_RAN_RE = re.compile(
    r"\b(?:I(?:'ve| have)? )?(?:ran|run|executed)\s+`([^`\n]{2,400})`"
    r"(?:\s*\((?:exit(?: code| status)?|exited with(?: code)?)\s*(-?\d{1,4})\))?:?"
)
_COMMIT_RE = re.compile(
    r"\b[Cc]ommitted(?: it)?(?: as| in| with)?\s+`?([0-9a-f]{7,40})`?(?:\s*[:—-]\s*([^\n]{1,200}))?"
)
_FENCE_AFTER_RE = re.compile(r"\s*\n[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n(.*?)\n[ \t]{0,3}\1", re.DOTALL)
_PATH_LIKE_RE = re.compile(r"[\w.-]*[/\\.][\w./\\-]*")


def stated_calls(turn: Turn) -> tuple[ToolCall, ...]:
    """The edits, commands and commits one assistant turn reports in words, in text order."""
    text = turn.text
    if turn.role != "assistant" or not text or not any(w in text for w in ("`", "ommitted")):
        return ()
    found: list[tuple[int, ToolCall]] = []
    for match in _EDIT_RE.finditer(text):
        path = match.group(1).strip()
        if _PATH_LIKE_RE.fullmatch(path):
            found.append((match.start(), ToolCall("edit", {"path": path})))
    for match in _RAN_RE.finditer(text):
        status = int(match.group(2)) if match.group(2) is not None else None
        fence = _FENCE_AFTER_RE.match(text, match.end())
        output = fence.group(2) if fence else None
        found.append((match.start(), ToolCall("shell", {"command": match.group(1).strip()}, output=output,
                                              exit_status=status, is_error=bool(status))))
    for match in _COMMIT_RE.finditer(text):
        message = (match.group(2) or "").strip().rstrip(".")
        found.append((match.start(), ToolCall("commit", {"sha": match.group(1), "message": message})))
    found.sort(key=lambda item: item[0])
    return tuple(call for _, call in found)
