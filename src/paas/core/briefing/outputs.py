"""Reading tool outputs: what went wrong, whether an unlabelled output failed, test summaries.

Design: outputs are long and noisy (build logs, package lists, tables), so each reader looks
for a few line shapes only. ``error_line``: the first informative line (one naming an error,
exception, traceback or fatal condition; else fail / cannot / not found; else the first
non-trivial line), plus the cause the output's last lines name when that differs (build tools
and tracebacks put it last). ``reports_error``: for a command whose exit status was not
recorded, whether a line reports an error ("0 errors" does not). ``TEST_SUMMARY_RE``: the
summary lines of common test runners, kept verbatim. Outputs are read up to a bounded length.
"""

from __future__ import annotations

import re

from paas.core.briefing.text import clip

TEST_SUMMARY_RE = re.compile(
    r"^.*(?:\b\d+ (?:passed|failed|passing|failing)\b|\bRan \d+ tests?\b|^Tests?:\s+\d+|"
    r"test result: \w+\.|\bfound \d+ errors?\b|\b\d+ errors? and \d+ warnings?\b|^(?:ok|FAIL)\s+\S+\s+[\d.]+s).*$",
    re.MULTILINE,
)
_FIRST_STRONG_RE = re.compile(r"error|exception|traceback|fatal", re.IGNORECASE)
_FIRST_WEAK_RE = re.compile(r"fail|cannot|could not|unable|not found|denied|no such", re.IGNORECASE)
_CAUSE_RE = re.compile(r"error|exception|fatal|cannot|could not|unable|not found|denied|no such|missing|invalid|"
                       r"undefined|refused|timed out|panic", re.IGNORECASE)
_OUTPUT_ERROR_RE = re.compile(r"\b(?:error|errors|exception|traceback|fatal|failed|FAIL)\b|npm ERR!", re.IGNORECASE)
_NO_ERROR_RE = re.compile(r"\b(?:0|no|zero) (?:errors?|failed|failures?)\b|\berrors?: 0\b", re.IGNORECASE)
_DECORATION_RE = re.compile(r"^[\s>=*#-]+|[\s=*-]+$")
_TRIVIAL_LINE_RE = re.compile(
    r"^(?:(?:Error: )?exit code:? -?\d+|command exited with code -?\d+|\(no output\)|error:?)$",
    re.IGNORECASE,
)


def error_line(output: str | None) -> str:
    """What a failure's output says went wrong: its first error line, and the cause at its end.

    The first informative line (one naming an error, exception or fatal condition; else one
    saying fail / cannot / not found...; else the first non-trivial line) is what the spec asks
    for and what a reader scans for. Build tools and tracebacks put the cause last, so the last
    line naming a cause in the output's tail is appended ("… ValueError: x") when it differs.
    """
    if not output:
        return ""
    lines = _informative_lines(output[:20000])
    first = next((line for line in lines if _FIRST_STRONG_RE.search(line)), None)
    first = first or next((line for line in lines if _FIRST_WEAK_RE.search(line)), None)
    first = first or (lines[0] if lines else "")
    tail = _informative_lines(output[-6000:]) if len(output) > 20000 else lines[-200:]
    cause = next((line for line in reversed(tail) if _CAUSE_RE.search(line) and line != first), None)
    if cause is None or not first:
        return clip(first or (cause or ""), 110)
    return f"{clip(first, 110)} … {clip(cause, 110)}"


def _informative_lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines()[:400]:
        line = _DECORATION_RE.sub("", raw).strip()
        if line and not _TRIVIAL_LINE_RE.match(line):
            out.append(line)
    return out


def reports_error(output: str | None) -> bool:
    """An output (of a command whose exit status was not recorded) with a line reporting an error."""
    text = (output or "")[:20000]
    for match in _OUTPUT_ERROR_RE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        if not _NO_ERROR_RE.search(text[start : end if end >= 0 else len(text)]):
            return True
    return False
