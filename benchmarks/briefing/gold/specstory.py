"""Gold facts of a SpecStory Markdown export (rules: ``benchmarks.briefing.gold``)."""

from __future__ import annotations

import re

from benchmarks.briefing.facts import GoldFacts
from benchmarks.briefing.gold.common import STRONG_ERROR_RE, Recorder, commit_fact, error_text, squash

SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "powershell", "pwsh", "cmd", "console", "terminal"})
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)")
_ROLE_RE = re.compile(r"^_\*\*(User|Assistant|Agent|Cursor)\b.*\*\*_\s*$")
_EDIT_MARKER_RE = re.compile(r"\bEdit(?:ed)? file: ([^\s<•*`]+)")
_SHELL_INPUT_RE = re.compile(r"^\s*- command: `(.+)`\s*$")
_BLOCK_RE = re.compile(r"^ {0,3}(?P<mark>(?P<char>[`~])(?P=char){2,})(?P<info>[^\n]*)\n"
                       r"(?P<body>.*?)^ {0,3}(?P=mark)(?P=char)*[ \t]*$", re.MULTILINE | re.DOTALL)


def specstory_gold(text: str) -> GoldFacts:
    recorder = Recorder()
    request: str | None = None
    for role, lines in _specstory_sections(text):
        if role == "user":
            body = "\n".join(line for line in lines if line.strip() != "---").strip()
            request = body or request
            continue
        for step in _steps(lines):
            _specstory_step(recorder, step)
    recorder.request(request)
    return recorder.finish()


def _specstory_sections(text: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith("_**") and (role := _ROLE_RE.match(line)):
            sections.append(("user" if role.group(1) == "User" else "assistant", []))
        elif sections:
            sections[-1][1].append(line)
    return sections


def _next_fence(fence: str | None, line: str) -> str | None:
    match = _FENCE_RE.match(line)
    if not match:
        return fence
    marker = match.group(1)
    if fence is None:
        return marker
    closes = marker[0] == fence[0] and len(marker) >= len(fence) and not match.group(2)
    return None if closes else fence


def _steps(lines: list[str]) -> list[list[str]]:
    """The ``---``-separated steps of an assistant section (a ``---`` inside a fence is content)."""
    steps: list[list[str]] = [[]]
    fence: str | None = None
    for line in lines:
        if fence is None and line.strip() == "---":
            steps.append([])
            continue
        fence = _next_fence(fence, line)
        steps[-1].append(line)
    return [step for step in steps if any(line.strip() for line in step)]


def _specstory_step(recorder: Recorder, step: list[str]) -> None:
    fence: str | None = None
    for line in step:
        outside = fence is None
        fence = _next_fence(fence, line)
        if outside and fence is not None:
            opener = _FENCE_RE.match(line)
            language, _, path = (opener.group(2) if opener else "").partition(":")
            if language and path and not path.startswith("//"):
                recorder.edit(path)  # a ```lang:path fence: the code for that file
        elif outside and (marker := _EDIT_MARKER_RE.search(line)):
            recorder.edit(marker.group(1))
        elif outside and (shell := _SHELL_INPUT_RE.match(line)):
            recorder.command(shell.group(1))
    fences = _only_fences(step)
    if not fences or fences[0][0].lower() not in SHELL_LANGUAGES:
        return
    command = "\n".join(fences[0][1]).strip()
    recorder.command(command)
    key = "$ " + squash(command)
    output = "\n".join(fences[1][1]) if len(fences) > 1 else ""
    failing = next((line.strip() for line in output.splitlines() if STRONG_ERROR_RE.search(line)), None)
    if failing:
        recorder.error(error_text(failing, fallback=command), key)
    elif output.strip():
        recorder.success(key)
        if "git commit" in command:
            recorder.commit(commit_fact(command, output))


def _only_fences(lines: list[str]) -> list[tuple[str, list[str]]] | None:
    """A step made of closed fenced blocks and blank lines only, as ``(language, body lines)``; else None.

    Matched with one regular expression over the step's text (the benchmark's own way, apart
    from the reader's line-by-line fence tracking): a block opens with 3+ backticks or tildes
    and closes at the first line holding the same run, or longer, of the same character."""
    text = "\n".join(lines)
    blocks: list[tuple[str, list[str]]] = []
    outside: list[str] = []
    last = 0
    for block in _BLOCK_RE.finditer(text):
        outside.append(text[last:block.start()])
        last = block.end()
        info = block["info"].split()
        blocks.append((info[0].partition(":")[0] if info else "", block["body"].splitlines()))
    outside.append(text[last:])
    return blocks if blocks and not "".join(outside).strip() else None
