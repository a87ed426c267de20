"""Where the work stands: the agent's own plan, what was refused or interrupted, its last report.

Design: these are the facts a successor needs to continue, read from evidence the harness
logged, in one pass each:

* the plan the agent kept: the latest Claude Code ``TodoWrite`` list or Codex ``update_plan``
  (each item with its status: pending / in_progress / completed). Only the latest list counts:
  each call replaces the whole list;
* refusals: a command or file creation the person declined (aider's "Run shell command? ...
  n", "Create new file? ... n"), a tool use the person rejected (Claude Code's "The user
  doesn't want to proceed with this tool use");
* interruptions: "[Request interrupted by user]", aider's "^C KeyboardInterrupt", SpecStory's
  "Cancelled", and ``/undo``, whose "Removed: <sha> <message>" names the commit taken back;
* the assistant's last report: what it said after the latest request, pastes and code
  removed (``digest``), so "answered in words" says what was answered.

Every fact keeps its turn, so the renderer can say what came after what.
"""

from __future__ import annotations

import re
from typing import Any

from paas.core.briefing.digest import LABEL_RE, digest, summarise_pastes
from paas.core.briefing.housekeeping import is_housekeeping_notice
from paas.core.briefing.model import Fact
from paas.core.briefing.text import clip, normalise
from paas.core.transcripts.model import Transcript, Turn

PLAN_TOOLS = frozenset({"todowrite", "update_plan", "todo_write", "write_todos"})
_DECLINED_RE = re.compile(
    r"^(?:>\s*)?(?P<what>[^\n]{1,400})\n(?:>\s*)?(?P<question>Run shell commands?\?|Create new file\?|"
    r"Add (?:file|URL)s? to the chat\?|Allow edits to file[^\n]*\?|Apply (?:the )?edits?\?)"
    r"(?:[^\n]*?:)?\s*(?:n|no|N)\s*$",
    re.MULTILINE,
)
_REJECTED_RE = re.compile(r"doesn[’']t want to proceed with this tool use|tool use was rejected|User rejected",
                          re.IGNORECASE)
_INTERRUPT_RE = re.compile(r"\[Request interrupted by user[^\]]*\]|\^C KeyboardInterrupt|^\s*Cancelled\s*$|"
                           r"\bInterrupted by user\b", re.MULTILINE | re.IGNORECASE)
_UNDO_REMOVED_RE = re.compile(r"^(?:>\s*)?Removed:\s*([0-9a-f]{7,40})\s*(.*)$", re.MULTILINE)
_NOTICE_LINE_RE = re.compile(r"^(?:Repo-map|Git repo|Main model|Weak model|Editor model|Aider v|Model|Added |"
                             r"Tokens|Cost|Warning|Use /help|Cur working dir|Run with)\b")
REPORT_CHARS = 700  # the last report's digest, before the budget decides
_SHELL_FENCE_RE = re.compile(r"^[ \t]{0,3}```(?:bash|sh|shell|console|zsh|powershell|cmd|bat)?[ \t]*\n"
                             r"((?:[^`\n][^\n]*\n){1,3})[ \t]{0,3}```", re.MULTILINE)
_SPAN_RE = re.compile(r"`([^`\n]{3,160})`")
_RUN_CUE_RE = re.compile(r"\b(?:run|execute|try|test (?:it )?with|start|launch|install|type)\b[^.\n`]{0,40}$",
                         re.IGNORECASE)
_COMMAND_START_RE = re.compile(
    r"^(?:[A-Z_]+=\S+\s+)*(?:python3?|pip3?|npm|npx|yarn|pnpm|node|go|cargo|make|pytest|git|docker|bash|sh|\./|uv|"
    r"poetry|dotnet|mvn|gradle|flutter|pio|~/|php|ruby|rails|bundle|deno|bun|curl|act|platformio|idf\.py|java|mix|"
    r"rm|cp|mv|mkdir|cd|chmod)\b"
)


def plan_items(transcript: Transcript) -> list[Fact]:
    """The latest plan the agent wrote (TodoWrite / update_plan), one fact per item, in its order."""
    latest: tuple[int, list[Any]] | None = None
    for turn in transcript.turns:
        for call in turn.tool_calls:
            if call.name.lower() not in PLAN_TOOLS:
                continue
            items = call.input_value("todos")
            if items is None:
                items = call.input_value("plan")
            if isinstance(items, list):
                latest = (turn.index, items)
    if latest is None:
        return []
    turn_index, items = latest
    facts = []
    for order, raw in enumerate(items):
        if not isinstance(raw, dict):
            continue
        text = raw.get("content") or raw.get("step") or raw.get("title") or raw.get("activeForm")
        if not isinstance(text, str) or not text.strip():
            continue
        status = str(raw.get("status") or "pending").lower().replace("-", "_")
        facts.append(Fact("plan", clip(" ".join(text.split()), 160), turn_index, status=status,
                          key=normalise(text), first_turn=turn_index, source="tool", score=float(order)))
    return facts


def refusals(transcript: Transcript) -> list[Fact]:
    """What the person declined or rejected, with the turn it happened in."""
    facts: list[Fact] = []
    for turn in transcript.turns:
        if turn.role in ("system", "tool") and ("?" in turn.text):
            for match in _DECLINED_RE.finditer(turn.text):
                what = match.group("what").strip().lstrip("> ").strip()
                if not what or what.endswith("?") or is_housekeeping_notice(what) or _NOTICE_LINE_RE.match(what):
                    continue  # a harness notice ("Repo-map: ...") stands before a question whose command was not logged
                question = match.group("question").lower()
                kind = ("command" if "shell" in question else "new file" if "new file" in question
                        else "edit" if "edit" in question else "add")
                facts.append(Fact("refusal", clip(what, 160), turn.index, status=kind, key=f"{kind}:{normalise(what)}",
                                  first_turn=turn.index, source="user"))
        for call in turn.tool_calls:
            if call.output and _REJECTED_RE.search(call.output[:400]):
                target = (call.input_value("command") or call.input_value("file_path") or call.input_value("path")
                          or call.name)
                facts.append(Fact("refusal", clip(str(target).split("\n", 1)[0], 160), turn.index, status="tool use",
                                  key=f"tool:{normalise(str(target))[:200]}", first_turn=turn.index, source="user",
                                  detail=call.name))
    return facts


def interruptions(transcript: Transcript) -> list[Fact]:
    """Interrupted replies, cancelled tool runs and ``/undo``s (the commit each one took back)."""
    facts: list[Fact] = []
    undo_pending = False
    for turn in transcript.turns:
        text = turn.text
        if turn.role == "user" and text.strip().startswith("/undo"):
            undo_pending = True
            facts.append(Fact("interruption", "/undo", turn.index, status="undo", key=f"undo:{turn.index}",
                              first_turn=turn.index, source="user"))
            continue
        if undo_pending and turn.role in ("system", "tool") and "Removed:" in text:
            for match in _UNDO_REMOVED_RE.finditer(text):
                facts.append(Fact("interruption", clip(match.group(2).strip(), 120), turn.index, status="undone",
                                  key=match.group(1)[:7], first_turn=turn.index, source="tool",
                                  detail=match.group(1)))
            undo_pending = False
            continue
        if turn.role in ("system", "tool", "user") and text and _INTERRUPT_RE.search(text[:2000]):
            facts.append(Fact("interruption", clip(_INTERRUPT_RE.search(text[:2000]).group(0).strip("[] "), 80),  # type: ignore[union-attr]
                              turn.index, status="interrupted", key=f"int:{turn.index}", first_turn=turn.index,
                              source=turn.role))
        for call in turn.tool_calls:
            if call.output and _INTERRUPT_RE.search(call.output[:300]):
                facts.append(Fact("interruption", f"{call.name} cancelled", turn.index, status="cancelled",
                                  key=f"call:{turn.index}:{call.name}", first_turn=turn.index, source="tool"))
    return facts


def last_report(transcript: Transcript, after: int) -> Fact | None:
    """What the assistant last said after turn ``after``, as a digest (None when it said nothing)."""
    for turn in reversed(transcript.turns):
        if turn.index <= after:
            return None
        if turn.role == "assistant" and not turn.sidechain and _says_something(turn):
            return Fact("report", report_digest(turn.text), turn.index, key=f"report:{turn.index}",
                        first_turn=turn.index, source="assistant", detail="\n".join(suggested_commands(turn.text)))
    return None




def report_digest(text: str) -> str:
    """A reply as a digest that leads with what it concluded.

    Replies that carry code usually open with an intention ("I'll rewrite ...") and close,
    after the last pasted block, with what was done and how to run it: when a block was
    summarised and enough prose follows it, the digest is the opening sentence, then that
    closing prose.
    """
    short = summarise_pastes(text)
    outline = report_outline(short)
    if outline:
        return digest(outline, REPORT_CHARS)
    labels = list(LABEL_RE.finditer(short))
    closing = short[labels[-1].end():].strip() if labels else ""
    if len(closing) < 60:
        return digest(text, REPORT_CHARS)
    opening = short[:labels[0].start()].strip()
    first = re.split(r"(?<=[.!?:])\s", opening, maxsplit=1)[0] if opening else ""
    head = digest(first, 160) if first else ""
    return digest(f"{head} … {closing}" if head else closing, REPORT_CHARS)


_OUTLINE_LINE_RE = re.compile(r"^[ \t]*(?:(#{1,6})[ \t]+|[-*+][ \t]+|\d{1,2}[.)][ \t]+)(.+)$", re.MULTILINE)
_BOLD_LEAD_RE = re.compile(r"^\*\*([^*\n]{2,80})\*\*|^__([^_\n]{2,80})__")
OUTLINE_MIN_LINES = 4  # a report with fewer headings and list items is prose, digested as such
_OUTLINE_WORDS = 8  # words kept of an item without a bold lead-in


def report_outline(text: str) -> str:
    """A structured report (headings, bullets) as its outline: the opening sentence, then each
    heading and each item's lead-in (its bold words, else its first words), joined by "; ".

    A final summary such as "## What was implemented / ### `page.ts` ... / - **Ratings** — ..."
    says most in its headings and lead-ins; clipping it from the top keeps only the first item.
    Returns "" when the text has fewer than ``OUTLINE_MIN_LINES`` such lines.
    """
    lines = list(_OUTLINE_LINE_RE.finditer(text))
    if len(lines) < OUTLINE_MIN_LINES:
        return ""
    opening = text[:lines[0].start()].strip()
    first = re.split(r"(?<=[.!?])\s", " ".join(opening.split()), maxsplit=1)[0] if opening else ""
    parts = [first.rstrip(":.")] if first else []
    for match in lines:
        body = match.group(2).strip()
        if match.group(1):
            parts.append(body.strip("*_ ").rstrip(":"))
            continue
        bold = _BOLD_LEAD_RE.match(body)
        if bold:
            parts.append((bold.group(1) or bold.group(2)).strip().rstrip(":"))
        else:
            words = body.split()
            parts.append(" ".join(words[:_OUTLINE_WORDS]) + ("…" if len(words) > _OUTLINE_WORDS else ""))
    return "; ".join(p for p in parts if p)


def suggested_commands(text: str) -> list[str]:
    """Commands an assistant reply asks the person to run: short shell fences, and code spans after "run"."""
    found: list[str] = []
    for match in _SHELL_FENCE_RE.finditer(text):
        for line in match.group(1).splitlines():
            command = line.strip().removeprefix("$ ").strip()
            if command and _COMMAND_START_RE.match(command) and command not in found:
                found.append(command)
    for match in _SPAN_RE.finditer(text):
        command = match.group(1).strip()
        cue = _RUN_CUE_RE.search(text[max(0, match.start() - 60):match.start()])
        if _COMMAND_START_RE.match(command) and cue and command not in found:
            found.append(command)
    return found[:6]


def _says_something(turn: Turn) -> bool:
    return len(turn.text.strip()) >= 40 and len(turn.text.split()) >= 6
