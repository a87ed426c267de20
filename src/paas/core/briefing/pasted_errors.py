"""Error lines pasted into a message: a stack trace, ``npm ERR!``, "I get this error:" and the line after it.

Design: a user's message often carries a terminal or browser-console paste. Lines are found
keyword first (one scan), then each keyword's line is checked whole (``error_lines``): an
anchored ``^.*(...)`` pattern would backtrack over every line of a long text. A lead-in line
("here's the error:") stands for the line after it. Not failures: lines of pasted code that
mention errors, a spec's bullets and rules ("- add toast notifications for errors"),
browser-console chatter (an ad blocker's ``ERR_BLOCKED_BY_CLIENT``, deprecation notices,
DevTools hints). Huge pastes are read at their start and their end; at most two lines are kept
per message. A line with a long URL is cut in the middle so its status code survives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from paas.core.briefing.text import clip, line_at, looks_like_code

_TEXT_LIMIT = 140
_USER_SCAN_HEAD, _USER_SCAN_TAIL = 20_000, 10_000
_PER_TURN = 2  # distinct error lines kept from one user message (a pasted log has dozens)

NOT_AN_ERROR_RE = re.compile(r"^(?:https?://\S+|# Fix any errors below.*|.*\bno errors?\b.*|cmdline: .*|hint: .*)$",
                              re.IGNORECASE)
_USER_ERROR_KEY_RE = re.compile(r"Error|Exception|error|ERROR|npm ERR!|[Ff]ailed|FAILED|fatal: |panic: |Uncaught |"
                                r"net::ERR_|Segmentation fault|command not found|No such file|Permission denied|"
                                r" [45]\d\d \(")
_USER_ERROR_RE = re.compile(
    r"[ \t>|\[]*(?:[\w.$]*(?:Error|Exception)\b.+|.*\b[45]\d\d \((?:Bad Request|Unauthorized|Forbidden|Not Found|"
    r"Method Not Allowed|Conflict|Unprocessable \w+|Internal Server Error|Bad Gateway|Service Unavailable)\).*|"
    r".{0,60}\b(?:error|Error|ERROR)(?: \w+){0,2}\s*[:!\[].*|npm ERR!.*|"
    r".*\bTests? failed\b.*|.*\bFAILED\b.*|fatal: .+|panic: .+|Uncaught .+|.*\bnet::ERR_\w+.*|"
    r".*\b(?:Segmentation fault|command not found|No such file or directory|Permission denied)\b.*)"
)
_LEAD_IN_RE = re.compile(
    r":\s*$|\b(?:this|the|that|an?|following|same|these)\s+(?:\w+\s+)?errors?\s*[.!]?\s*$", re.IGNORECASE
)
_CODE_IN_ERROR_RE = re.compile(r"throw |console\.|raise |catch\b|except\b|new Error|Error\(|=>|\bfunction\s*\w*\s*\(|"
                               r"\bdef |print\(|"
                               r"^\s*(?:return|const|let|var|if|await|export|import)\b|[{};]\s*$|\w\[[^\]]+\]\s*=|"
                               r"\bJSON\.|\| None\b|= None\b|^[\w.]+\s*=\s")
# Pasted lines that are not failures: a spec's bullets and rules, browser-console chatter.
_NOT_PASTED_ERROR_RE = re.compile(
    r"^\s*(?:[-*+•]\s|\d{1,3}[.)]\s)|^\s*(?:make|add|create|show|display|throw|raise|return|log|print|handle|catch|use|"
    r"keep|let|please|can you|could you|i want|change|set|write|ensure|implement)\b|ERR_BLOCKED_BY_CLIENT|"
    r"-ms-high-contrast|\[Deprecation\]|DevTools|React DevTools|\[HMR\]|\[vite\] connected|source map|"
    r"\berror (?:handling|message|state|boundary|page|toast|notification)s?\b|"
    r"\berrors? (?:are|is) (?:to be )?expected\b",
    re.IGNORECASE,
)

def error_lines(text: str, keys: re.Pattern[str], line_re: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """``(end offset, line)`` for each distinct line of ``text`` holding a key match ``line_re`` accepts."""
    last_start = -1
    for match in keys.finditer(text):
        start, end = line_at(text, match.start())
        if start == last_start:
            continue
        last_start = start
        line = text[start:end]
        if len(line) <= 2000 and line_re.fullmatch(line):
            stripped = line.strip()
            if stripped:
                yield end, stripped


def clip_middle(text: str, limit: int) -> str:
    """A line with a long URL cut in the middle: its start and its end (the status code), "…" between."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if max((len(word) for word in text.split()), default=0) <= 60:
        return clip(text, limit)  # words: the head says what failed
    tail_room = limit // 3
    tail = text[-tail_room:]
    space = tail.find(" ")
    if 0 <= space < tail_room // 2:
        tail = tail[space + 1 :]  # start the end part at a word
    head = text[: limit - len(tail) - 3]
    space = head.rfind(" ")
    if space > len(head) // 2:
        head = head[:space]  # end the start part at a word when there is one
    return f"{head} … {tail}"


def _reported_line(text: str, line: str) -> str | None:
    """The error a user line reports: the line itself, or the one after a lead-in ("I get this error:")."""
    line = line.strip(" \t>|")
    if not _LEAD_IN_RE.search(line):
        return line
    position = text.find(line)
    for following in text[position + len(line) : position + len(line) + 1500].splitlines():
        following = following.strip(" \t>|")
        if following and not following.startswith(("```", "~~~")):
            return following if len(following) <= 300 else None
    return None


def pasted_errors(text: str) -> list[str]:
    if len(text) > _USER_SCAN_HEAD + _USER_SCAN_TAIL:  # a huge paste: its start and its end
        text = text[:_USER_SCAN_HEAD] + "\n" + text[-_USER_SCAN_TAIL:]
    found: list[str] = []
    for _, line in error_lines(text, _USER_ERROR_KEY_RE, _USER_ERROR_RE):
        reported = _reported_line(text, line)
        if reported is None or len(reported) < 8 or _CODE_IN_ERROR_RE.search(reported):
            continue
        if NOT_AN_ERROR_RE.match(reported) or _NOT_PASTED_ERROR_RE.search(reported) or looks_like_code(reported):
            continue  # a line of pasted code that mentions errors, not an error
        line = clip_middle(reported, _TEXT_LIMIT)
        if line not in found:  # a lead-in and the line it introduces are one error
            found.append(line)
        if len(found) >= _PER_TURN:
            break
    return found


