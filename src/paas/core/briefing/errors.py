"""Errors and whether they were resolved, decided conservatively.

Design: three sources, each with its own evidence of resolution.

* Failed tool calls (from ``actions``): resolved only by a LATER SUCCESS of the same thing: the
  same command (its first line, ``cd DIR &&`` ignored), a later successful edit of the same
  file, a later successful commit, a later successful call of the same other tool. A fix that
  was edited but never re-run stays unresolved, with the edit noted as an attempt. A command
  whose exit status was not recorded (a pasted terminal) failed when its output reports an error.
* Error lines in harness notices (``system`` turns): API failures (rate limits, connection
  errors, request too large) are resolved once the model answered again; edit-format failures
  once an edit was applied later; anything else stays unresolved.
* Error lines the user pasted or reported: resolved when a later user turn says it works or is
  fixed; "attempted" when the assistant answered with edits or code after it; else unresolved.

Repeats of one error (same source, same line once paths and numbers are masked) collapse into
one fact with a count; the latest occurrence decides the status.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace

from paas.core.briefing.actions import ActionLog
from paas.core.briefing.model import Fact
from paas.core.briefing.text import clip, code, line_at, looks_like_code
from paas.core.transcripts.model import Transcript

# Error lines are found keyword first (a plain scan), then the keyword's line is checked: a
# line-anchored ``^.*(...)`` pattern would backtrack over every line of a long text.
_SYSTEM_ERROR_KEY_RE = re.compile(r"error|Error|Exception|failed|Failed|denied|Unable to|unable to|not found|"
                                  r"No such file|Traceback|fatal")
_SYSTEM_ERROR_RE = re.compile(
    r".*(?:\berror\b|Error\b|Exception\b|\bfailed\b|\bFailed\b|denied|Unable to|unable to|not found|No such file|"
    r"Traceback|fatal).*"
)
_HARNESS_RE = re.compile(
    r"litellm\.|APIError|API Error|RateLimit|rate.limit|InternalServerError|ServiceUnavailable|APIConnectionError|"
    r"Connection error|overloaded|Request body too large|AuthenticationError|API key|credit balance|quota|"
    r"context window|Request interrupted",
    re.IGNORECASE,
)
_EDIT_FORMAT_RE = re.compile(r"SEARCH/REPLACE|edit format|SearchReplaceNoExactMatch|Malformed", re.IGNORECASE)
_NOT_AN_ERROR_RE = re.compile(r"^(?:https?://\S+|# Fix any errors below.*|.*\bno errors?\b.*)$", re.IGNORECASE)
_USER_ERROR_KEY_RE = re.compile(r"Error|Exception|error|ERROR|npm ERR!|[Ff]ailed|FAILED|fatal: |panic: |Uncaught |"
                                r"net::ERR_|Segmentation fault|command not found|No such file|Permission denied")
_USER_ERROR_RE = re.compile(
    r"[ \t>|]*(?:[\w.$]*(?:Error|Exception)\b.+|.{0,60}\b(?:error|Error|ERROR)(?: \w+){0,2}\s*[:!\[].*|npm ERR!.*|"
    r".*\bTests? failed\b.*|.*\bFAILED\b.*|fatal: .+|panic: .+|Uncaught .+|.*\bnet::ERR_\w+.*|"
    r".*\b(?:Segmentation fault|command not found|No such file or directory|Permission denied)\b.*)"
)
_LEAD_IN_RE = re.compile(
    r":\s*$|\b(?:this|the|that|an?|following|same|these)\s+(?:\w+\s+)?errors?\s*[.!]?\s*$", re.IGNORECASE
)
_CODE_IN_ERROR_RE = re.compile(r"throw |console\.|raise |catch|except\b|new Error|Error\(|=>|function\b|\bdef |print\(")
_WORKS_RE = re.compile(
    r"\b(?:it works|works now|now works|works perfectly|is working|working now|fixed|solved|resolved|that did it|"
    r"no more errors?|all (?:tests )?pass(?:ing)?)\b",
    re.IGNORECASE,
)
_USER_SCAN_HEAD, _USER_SCAN_TAIL = 20_000, 10_000
_PER_TURN = 2  # distinct error lines kept from one user message (a pasted log has dozens)
_PER_NOTICE = 8  # distinct error lines kept from one harness notice (short, one per failed attempt)
_MASK_RE = re.compile(r"(?:[A-Za-z]:)?[\w.~-]*(?:[/\\][\w.@$+-]+)+")  # paths: one error about many files


def _group_key(source: str, subject: str, line: str) -> str:
    return f"{source}|{subject}|{_MASK_RE.sub('#', line.lower())}"


def _error_lines(text: str, keys: re.Pattern[str], line_re: re.Pattern[str]) -> Iterator[str]:
    """Each distinct line of ``text`` holding a key match that ``line_re`` accepts as a whole."""
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
                yield stripped


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


def collect_errors(transcript: Transcript, log: ActionLog) -> list[Fact]:
    facts = _tool_errors(log) + _notice_errors(transcript, log) + _reported_errors(transcript, log)
    facts.sort(key=lambda f: f.turn)
    merged: dict[str, Fact] = {}
    for fact in facts:
        old = merged.pop(fact.key, None)
        if old is not None:
            fact = replace(fact, first_turn=old.first_turn, count=old.count + 1)
        merged[fact.key] = fact
    return list(merged.values())


def _tool_errors(log: ActionLog) -> list[Fact]:
    facts: list[Fact] = []
    for failure in log.failures:
        resolved_at = log.success_after(failure.keys, failure.seq)
        line = failure.line or "failed"
        if failure.kind == "command":
            what = code(failure.subject)
        elif failure.kind == "edit":
            what = f"edit of {code(failure.subject)} failed"
        elif failure.kind == "commit":
            what = "commit failed" if failure.subject == "commit" else code(failure.subject)
        else:  # a tool's name is the reader's label, not transcript text: written as words
            what = f"{failure.subject.replace('_', ' ')} call failed"
        if resolved_at is not None:
            status, detail = "resolved", f"succeeded later (turn {resolved_at})"
        else:
            status = "unresolved"
            has_later_edit = bisect_right(log.edit_turns, failure.turn) < len(log.edit_turns)
            detail = f"fix attempted: edits at turn {log.edit_turns[-1]}, not re-run" if has_later_edit else ""
        subject = "" if failure.kind == "commit" else failure.subject  # every commit attempt failing alike: one
        facts.append(Fact("error", line, failure.turn, status, _group_key("tool", subject, line),
                          failure.turn, source="tool", detail=detail, score=1.0, subject=what))
    return facts


def _notice_errors(transcript: Transcript, log: ActionLog) -> list[Fact]:
    facts: list[Fact] = []
    answered_after = [t.index for t in transcript.turns if t.role == "assistant"]
    last_answer = answered_after[-1] if answered_after else -1
    last_edit = log.edit_turns[-1] if log.edit_turns else -1
    for turn in transcript.turns:
        if turn.role != "system" or not turn.text:
            continue
        seen: set[str] = set()
        for full in _error_lines(turn.text, _SYSTEM_ERROR_KEY_RE, _SYSTEM_ERROR_RE):
            if _NOT_AN_ERROR_RE.match(full):
                continue
            key = _group_key("notice", "", full)
            if key in seen:
                continue
            if len(seen) >= _PER_NOTICE:
                break
            seen.add(key)
            line = clip(full, 140)
            if _HARNESS_RE.search(line):
                resolved = last_answer > turn.index
                detail = "the model answered again later" if resolved else ""
            elif _EDIT_FORMAT_RE.search(line):
                resolved = last_edit > turn.index
                detail = f"an edit applied later (turn {last_edit})" if resolved else ""
            else:
                resolved, detail = False, ""
            facts.append(Fact("error", line, turn.index, "resolved" if resolved else "unresolved", key, turn.index,
                              source="system", detail=detail, score=0.8))
    return facts


def _reported_errors(transcript: Transcript, log: ActionLog) -> list[Fact]:
    reports: list[tuple[int, str, str]] = []  # turn, line, key
    last_report: dict[str, int] = {}
    confirmations: list[int] = []
    for turn in transcript.turns:
        if turn.role != "user" or not turn.text:
            continue
        if _WORKS_RE.search(turn.text[:2000]):
            confirmations.append(turn.index)
        kept = 0
        text = turn.text
        if len(text) > _USER_SCAN_HEAD + _USER_SCAN_TAIL:  # a huge paste: its start and its end
            text = text[:_USER_SCAN_HEAD] + "\n" + text[-_USER_SCAN_TAIL:]
        for found in _error_lines(text, _USER_ERROR_KEY_RE, _USER_ERROR_RE):
            line = _reported_line(text, found)
            if line is None or len(line) < 8 or _CODE_IN_ERROR_RE.search(line) or _NOT_AN_ERROR_RE.match(line):
                continue
            if looks_like_code(line):
                continue  # a line of pasted code that mentions errors, not an error
            key = _group_key("user", "", line)
            reports.append((turn.index, clip(line, 140), key))
            last_report[key] = turn.index
            kept += 1
            if kept >= _PER_TURN:
                break
    fixes = [t.index for t in transcript.turns if t.role == "assistant" and (t.tool_calls or "```" in t.text)]
    facts: list[Fact] = []
    for index, line, key in reports:
        at = bisect_right(confirmations, index)
        confirmed = confirmations[at] if at < len(confirmations) else None
        if confirmed is not None and last_report[key] >= confirmed:
            confirmed = None  # reported again after the confirmation
        at = bisect_right(fixes, index)
        answer = fixes[at] if at < len(fixes) else None
        if confirmed is not None:
            status, detail = "resolved", f"user confirmed at turn {confirmed}"
        elif answer is not None:
            status, detail = "attempted", f"fix offered at turn {answer}, not confirmed"
        else:
            status, detail = "unresolved", ""
        facts.append(Fact("error", line, index, status, key, index, source="user", detail=detail, score=0.9))
    return facts
