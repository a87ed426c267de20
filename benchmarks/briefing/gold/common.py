"""What every gold extractor shares: the error-line rule, commit parsing and the fact recorder.

The rules themselves are stated once, in ``benchmarks.briefing.gold``'s docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from benchmarks.briefing.facts import Fact, GoldFacts, fact_key

COMMIT_WORDS = 6

_SPACE_RE = re.compile(r"\s+")
_TAG_RE = re.compile(r"</?[A-Za-z_][\w-]*>")
_DECORATION_RE = re.compile(r"^[\s>=*#-]+|[\s=*-]+$")
_TRIVIAL_RE = re.compile(r"^(?:exit code:? -?\d+|command exited with code -?\d+|\(no output\)|error:?)$", re.I)
STRONG_ERROR_RE = re.compile(r"error|exception|traceback|fatal", re.I)
_WEAK_ERROR_RE = re.compile(r"fail|cannot|could not|unable|not found|denied|no such", re.I)
_HEREDOC_RE = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?[^\n]*\n(.*?)\n\s*\1\b", re.S)
_MESSAGE_RE = re.compile(r"""(?<!\S)(?:-[A-Za-z]*m|--message)(?:\s+|=)(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))""")
_SHA_IN_OUTPUT_RE = re.compile(r"^\[[^\]\n]*?\b([0-9a-f]{7,40})\]", re.M)


def squash(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def error_text(output: str, fallback: str = "") -> str:
    """The first informative line of a failed call's output (see the module docstring)."""
    lines = []
    for raw in output.splitlines()[:400]:
        line = _DECORATION_RE.sub("", _TAG_RE.sub("", raw)).strip()
        if line and not _TRIVIAL_RE.match(line):
            lines.append(line)
    for pattern in (STRONG_ERROR_RE, _WEAK_ERROR_RE):
        for line in lines:
            if pattern.search(line):
                return line
    return lines[0] if lines else squash(fallback)


def commit_message(command: str) -> str | None:
    """The message of a ``git commit`` command line: its heredoc body or its ``-m`` argument."""
    start = command.find("git commit")
    if start < 0:
        return None
    rest = command[start:]
    heredoc = _HEREDOC_RE.search(rest)
    if heredoc:
        return heredoc.group(2).strip()
    message = _MESSAGE_RE.search(rest)
    if message:
        return next(group for group in message.groups() if group is not None).replace('\\"', '"')
    return None


def commit_fact(command: str, output: str | None) -> Fact | None:
    message = commit_message(command)
    sha_match = _SHA_IN_OUTPUT_RE.search(output or "")
    sha = sha_match.group(1) if sha_match else None
    first_line = next((line for line in (message or "").splitlines() if line.strip()), "")
    words = " ".join(first_line.split()[:COMMIT_WORDS])
    if words:
        alternatives = (("sha", sha),) if sha else ()
        return Fact("commits", words, "phrase", alternatives)
    if sha:
        return Fact("commits", sha, "sha")
    return None


@dataclass
class Recorder:
    """Collects facts in order and works out which errors were never resolved."""

    gold: GoldFacts = field(default_factory=GoldFacts)
    edits: dict[str, bool] = field(default_factory=dict)  # path -> some call on it succeeded
    errors: list[tuple[int, str, Fact]] = field(default_factory=list)  # (event number, key, fact)
    last_success: dict[str, int] = field(default_factory=dict)
    events: int = 0

    def edit(self, path: str, ok: bool = True) -> None:
        path = path.strip()
        if path:
            self.edits[path] = self.edits.get(path, False) or ok

    def command(self, command: str) -> None:
        if command.strip():
            self.gold.add(Fact("commands", command.strip(), "command"))

    def commit(self, fact: Fact | None) -> None:
        if fact is not None:
            self.gold.add(fact)

    def error(self, text: str, key: str) -> None:
        if not text:
            return
        self.events += 1
        fact = Fact("errors", text, "error")
        self.gold.add(fact)
        self.errors.append((self.events, key, fact))

    def success(self, key: str) -> None:
        self.events += 1
        self.last_success[key] = self.events

    def request(self, text: str | None) -> None:
        if text and text.strip():
            self.gold.facts["latest_request"] = [Fact("latest_request", text.strip(), "request")]

    def finish(self) -> GoldFacts:
        for path, ok in self.edits.items():
            if ok:
                self.gold.add(Fact("edited_files", path, "path"))
        last_of: dict[tuple[str, str], tuple[int, str, Fact]] = {}
        for number, key, fact in self.errors:
            last_of[fact_key(fact)] = (number, key, fact)
        for number, key, fact in last_of.values():
            if self.last_success.get(key, 0) < number:
                self.gold.add(Fact("unresolved_errors", fact.text, "error"))
        return self.gold
