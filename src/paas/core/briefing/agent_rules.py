"""Rules the user keeps for the agent in a rules file (CLAUDE.md, AGENTS.md, .cursor/rules/*.mdc ...).

Design: people write their standing rules into the file their agent reads at every session,
or have the agent write them there ("add a rule to the mdc file to ..."). What an edit adds to
such a file is a rule the next session must keep, as much as a rule typed in the chat. The
action reader keeps the added text of every edit to a rules file (``ActionLog.rule_edits``);
``rules_file_constraints`` turns its lines into constraint facts, skipping front matter,
headings, blank and code lines, at most ``RULES_PER_FILE`` per file, the latest edit winning.
"""

from __future__ import annotations

import re

from paas.core.briefing.anchors import specificity
from paas.core.briefing.model import Fact
from paas.core.briefing.paths import file_name, normal_path
from paas.core.briefing.text import clip, normalise

RULES_FILE_NAMES = frozenset({"claude.md", "agents.md", "gemini.md", ".cursorrules", ".windsurfrules", ".clinerules",
                              "conventions.md", "copilot-instructions.md", ".goosehints"})
_RULES_DIRS = (".cursor/rules/", ".clinerules/", ".windsurf/rules/", ".github/instructions/", ".roo/rules/")
RULES_PER_FILE = 8
RULES_FILE = "rules file"  # the ``source`` of a constraint read from such a file (its ``detail``: the path)
_FRONT_MATTER_RE = re.compile(r"^(?:---+|[\w-]+:\s*\S*)$")  # "---", "alwaysApply: true", "globs:"
_LEAD_RE = re.compile(r"^(?://+|#+|[-*+]|\d{1,2}[.)])\s*")
RULE_LINE_CHARS = 200


def is_rules_file(path: str) -> bool:
    normal = normal_path(path).lower()
    return file_name(normal) in RULES_FILE_NAMES or any(d in f"/{normal}" for d in _RULES_DIRS) \
        or normal.endswith(".mdc")


def rule_lines(old: str, new: str) -> list[str]:
    """The lines ``new`` adds to a rules file that read as rules (prose of three words or more)."""
    before = {normalise(line) for line in old.splitlines()}
    found: list[str] = []
    for raw in new.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "```")) or _FRONT_MATTER_RE.match(line):
            continue  # headings, fences, front matter
        text = _LEAD_RE.sub("", line).strip()
        if len(text.split()) < 3 or normalise(text) in before or normalise(line) in before:
            continue
        if text not in found:
            found.append(text)
    return found


def rules_file_constraints(edits: list[tuple[int, str, str, str]]) -> list[Fact]:
    """Constraint facts from ``(turn, path, old, new)`` edits of rules files; the latest edit of a line wins."""
    latest: dict[str, Fact] = {}
    per_file: dict[str, list[str]] = {}
    for turn, path, old, new in edits:
        for text in rule_lines(old, new):
            key = normalise(text)
            shown = clip(text, RULE_LINE_CHARS)
            latest.pop(key, None)
            latest[key] = Fact("constraint", shown, turn, key=key, first_turn=turn, source=RULES_FILE, detail=path,
                               score=1.0 + specificity(shown))
            per_file.setdefault(path, []).append(key)
    kept: set[str] = set()
    for keys in per_file.values():
        kept.update(list(dict.fromkeys(reversed(keys)))[:RULES_PER_FILE])  # the latest lines of each file
    return [fact for key, fact in latest.items() if key in kept]
