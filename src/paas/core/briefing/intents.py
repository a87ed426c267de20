"""What the work is for: the project, the user's requests in order, and where the intent changed.

Design: the first message is often a throwaway ("add a comment at the top of ...", a CORS
question), so the goal is written across the whole log:

* the project: the transcript's title; else the folder the agent worked in (Claude Code's
  ``cwd``, unless it is only a home directory), else the deepest folder that holds every file
  edited, skipping generic names (``src``, ``web``, ``app``...);
* every user message that says something (harness commands such as ``/add`` and ``/exit``
  are not requests; a sidechain prompt is the agent talking to its subagent, not the person)
  becomes a ``message`` fact: its digest (pastes summarised, see ``digest``), with
  ``status`` "reply" for short answers ("yes please", "ok, go on") and "request" otherwise;
* the intents are the requests that open or change the work: the first one, and each later
  one that starts something new or reverses course ("instead", "actually", "now let's",
  "rewrite", "switch to", "new feature", "next", "also"...), marked ``status`` "shift".

Pure and linear: one cue regex per message head.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from paas.core.briefing.digest import digest
from paas.core.briefing.model import Fact
from paas.core.transcripts.model import Transcript, Turn

MESSAGE_CHARS = 420  # a user message's digest, before the budget decides
FIRST_REQUEST_WORDS = 3  # a shorter first message ("ls", "hello") does not say what the work is for
REPLY_WORDS = 8  # up to this many words, a message that answers the assistant is a reply
_SLASH_RE = re.compile(r"^/([a-z][a-z-]*)(?:\s|$)")
_PROSE_COMMANDS = frozenset({"ask", "code", "architect", "context"})
_SHIFT_RE = re.compile(
    r"\b(?:instead|actually|now (?:let[’']?s|we|i want|i need|add|make|do|please|can|could)|let[’']?s (?:now|also|"
    r"switch|move|rewrite|start|try|do|add|use|go)|rewrite|switch(?:ing)? to|change (?:the|it|this) to|new (?:feature|"
    r"task|page|project)|next (?:step|task|thing|feature)|moving on|another (?:thing|task|feature)|also (?:add|make|"
    r"create|implement)|turns out|forget (?:it|that|about)|scratch that|different approach|from scratch|"
    r"i(?:[’']d| would) like (?:to|you to)|we need to|requirements? (?:have |has |just )?changed|i now want|"
    r"new requirements?|"
    r"can you (?:now |also )?(?:add|create|implement|build|make|write))\b",
    re.IGNORECASE,
)
_REPLY_RE = re.compile(r"^(?:y|yes|yep|yeah|ok|okay|sure|go|go on|go ahead|continue|proceed|do it|please do|thanks?|"
                       r"thank you|great|perfect|nice|cool|no|nope|n|done|try again|again|retry)\b", re.IGNORECASE)
_GENERIC_DIRS = frozenset({"src", "source", "web", "app", "apps", "lib", "libs", "routes", "pages", "components",
                           "frontend", "backend", "server", "client", "packages", "public", "static", "test", "tests",
                           "main", "java", "kotlin", "python", "scripts", "api", "core", "internal", "cmd", "pkg"})
_HOME_RE = re.compile(r"^(?:/Users/[^/]+|/home/[^/]+|/root|[A-Za-z]:\\Users\\[^\\]+|~)/?$")


_CONFIRM_ANSWER_RE = re.compile(r"^[^\n]{0,200}\?\s*\(Y\)es/\(N\)o[^\n]*\]:?\s*\w*\s*$")


def is_confirm_answer(text: str) -> bool:
    """An answer to the harness's own question ("Add file to the chat? (Y)es/(N)o ... [Yes]: all")."""
    return _CONFIRM_ANSWER_RE.match(text.strip()) is not None


def is_housekeeping(text: str) -> bool:
    """True for user input made only of harness commands (``/exit``, ``/drop x``, ``/clear``) or of
    answers to the harness's own questions ("Add file to the chat? (Y)es/(N)o ... [Yes]: all")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return True
    for line in lines:
        if is_confirm_answer(line):
            continue
        match = _SLASH_RE.match(line)
        if match is None:
            return False
        if match.group(1) in _PROSE_COMMANDS and len(line.split()) > 1:
            return False
    return True


def is_person(turn: Turn) -> bool:
    """A user turn the person wrote (not a sidechain prompt from the agent to its subagent)."""
    return turn.role == "user" and not getattr(turn, "sidechain", False)


def user_messages(transcript: Transcript) -> list[Fact]:
    """One fact per user message that says something, in order (see the module docstring)."""
    facts: list[Fact] = []
    previous_role = ""
    for turn in transcript.turns:
        if turn.role != "user":
            if turn.role == "assistant" and turn.text.strip():
                previous_role = "assistant"
            continue
        if not is_person(turn) or is_housekeeping(turn.text):
            continue
        text = turn.text.strip()
        words = text.split()
        reply = len(words) <= REPLY_WORDS and (previous_role == "assistant" or _REPLY_RE.match(text) is not None)
        status = "reply" if reply else "request"
        facts.append(Fact("message", digest(text, MESSAGE_CHARS), turn.index, status=status,
                          key=f"message:{turn.index}", first_turn=turn.index, source="user"))
        previous_role = "user"
    return facts


# The person's next message takes it back: "never mind, continue using bash", "scratch that",
# "nevermind, i undid your changes ... don't do anything related to this now".
_TAKE_BACK_RE = re.compile(
    r"\b(?:never ?mind|forget (?:it|that|about (?:it|that))|scratch that|let[’']?s not|go back to|"
    r"revert (?:it|that|to)|undo (?:it|that)|(?:continue|keep) using|stick with|i (?:undid|reverted|rolled back)|"
    r"(?:undid|reverted|rolled back) (?:your|the|those|these|all) (?:changes?|edits?))\b",
    re.IGNORECASE,
)
_TAKE_BACK_CHARS = 120  # the cue must open the message: later, "stick with" is often a new instruction


def takes_back(text: str) -> bool:
    """Whether a message opens by taking back what came before it."""
    return _TAKE_BACK_RE.search(text.strip()[:_TAKE_BACK_CHARS]) is not None


def intents(messages: Iterable[Fact]) -> list[Fact]:
    """The requests that open or change the work: the first request and every later shift; a shift
    the person's next message takes back is marked ``taken back`` (``detail``: that message's turn)."""
    said = list(messages)
    found = _intents(said)
    following = {fact.turn: said[i + 1] for i, fact in enumerate(said[:-1])}
    for position, intent in enumerate(found):
        after = following.get(intent.turn)
        if intent.status == "shift" and after is not None and takes_back(after.text):
            found[position] = replace(intent, status="taken back", detail=str(after.turn))
    return found


def _intents(messages: list[Fact]) -> list[Fact]:
    found: list[Fact] = []
    for fact in messages:
        if fact.status != "request":
            continue
        if not found:
            if len(fact.text.split()) < FIRST_REQUEST_WORDS:
                continue  # "ls", "hi", "fix it": no goal to quote; the first real request is
            found.append(Fact("intent", fact.text, fact.turn, status="first", key=f"intent:{fact.turn}",
                              first_turn=fact.turn, source="user"))
        elif _SHIFT_RE.search(fact.text[:300]):
            found.append(Fact("intent", fact.text, fact.turn, status="shift", key=f"intent:{fact.turn}",
                              first_turn=fact.turn, source="user"))
    return found


def project_name(transcript: Transcript, edited_paths: Iterable[str]) -> str:
    """The project's name: title, the agent's working folder, or the folder every edit is under."""
    cwd = transcript.metadata.get("cwd") if isinstance(transcript.metadata, dict) else None
    if isinstance(cwd, str) and cwd.strip() and not _HOME_RE.match(cwd.strip()):
        name = _meaningful_tail(cwd.strip())
        if name:
            return name
    absolute = [p.replace("\\", "/") for p in edited_paths if p.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", p)]
    if absolute:
        common = _common_dir(absolute)
        if common and not _HOME_RE.match(common):
            name = _meaningful_tail(common)
            if name:
                return name
    return ""


def _common_dir(paths: list[str]) -> str:
    split = [p.split("/")[:-1] for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if all(part == parts[0] for part in parts):
            common.append(parts[0])
        else:
            break
    return "/".join(common)


def _meaningful_tail(path: str) -> str:
    parts = [p for p in re.split(r"[/\\]", path) if p and p != "~"]
    for part in reversed(parts):
        if part.lower() not in _GENERIC_DIRS and not part.startswith("."):
            return part
    return ""
