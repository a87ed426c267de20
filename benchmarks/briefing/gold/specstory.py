"""Gold facts of a SpecStory Markdown export (rules: ``benchmarks.briefing.gold``)."""

from __future__ import annotations

import re

from benchmarks.briefing.facts import GoldFacts
from benchmarks.briefing.gold.common import STRONG_ERROR_RE, Recorder, commit_fact, error_text, squash

SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "powershell", "pwsh", "cmd", "console", "terminal"})
_ROLE_RE = re.compile(r"^_\*\*(User|Assistant|Agent|Cursor)\b.*\*\*_\s*$")
_EDIT_MARKER_RE = re.compile(r"\bEdit(?:ed)? file: ([^\s<•*`]+)")
_SHELL_INPUT_RE = re.compile(r"^\s*- command: `(.+)`\s*$")
# A block opens with 3+ backticks or tildes and closes at the first line holding the same run, or a
# longer one, of the same character and nothing else; unclosed, it runs to the end of the text.
_BLOCK_RE = re.compile(r"^ {0,3}(?P<mark>(?P<char>[`~])(?P=char){2,})(?P<info>[^\n`]*)\n"
                       r"(?P<body>.*?)(?:^ {0,3}(?P=mark)(?P=char)*[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)


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


def _block_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, info)`` of each fenced block in ``text``; an unclosed one runs to the end."""
    return [(block.start(), block.end(), block["info"]) for block in _BLOCK_RE.finditer(text)]


def _lines_by_place(lines: list[str]) -> list[tuple[str, str | None, bool]]:
    """Each line with its fence's info string when it opens a block, and whether it is inside one."""
    text = "\n".join(lines)
    spans = _block_spans(text)
    placed: list[tuple[str, str | None, bool]] = []
    offset, index = 0, 0
    for line in lines:
        while index < len(spans) and spans[index][1] <= offset:
            index += 1
        inside = index < len(spans) and spans[index][0] <= offset
        opens = inside and spans[index][0] == offset
        placed.append((line, spans[index][2] if opens else None, inside))
        offset += len(line) + 1
    return placed


def _steps(lines: list[str]) -> list[list[str]]:
    """The ``---``-separated steps of an assistant section (a ``---`` inside a fence is content)."""
    steps: list[list[str]] = [[]]
    for line, _, inside in _lines_by_place(lines):
        if not inside and line.strip() == "---":
            steps.append([])
            continue
        steps[-1].append(line)
    return [step for step in steps if any(line.strip() for line in step)]


def _specstory_step(recorder: Recorder, step: list[str]) -> None:
    for line, opener, inside in _lines_by_place(step):
        if opener is not None:
            info = opener.split()
            language, _, path = (info[0] if info else "").partition(":")
            if language and path and not path.startswith("//"):
                recorder.edit(path)  # a ```lang:path fence: the code for that file
        elif not inside and (marker := _EDIT_MARKER_RE.search(line)):
            recorder.edit(marker.group(1))
        elif not inside and (shell := _SHELL_INPUT_RE.match(line)):
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
    """A step made of fenced blocks and blank lines only, as ``(language, body lines)``; else None.

    Blocks are found with one regular expression over the step's text (``_BLOCK_RE``), the
    benchmark's own way, apart from the reader's line-by-line fence tracking."""
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
