"""The one turn model every transcript reader produces.

Design: three frozen dataclasses, no behaviour beyond read-only views.

* ``ToolCall``: one action the agent (or its harness) took: an edit, a shell command, a commit,
  a file read. ``input`` is the call's arguments as the source gave them (a dict when the source
  is structured, a string when it is free text such as a patch). ``output`` is the result text
  when the transcript recorded one, ``exit_status`` the process exit code when it is known
  (stated or safely implied by the source), ``is_error`` whether the source marked the result as
  a failure.
* ``Turn``: one contribution by one role. Roles are ``"user"`` (a human prompt), ``"assistant"``
  (the agent's words and the tool calls it made), ``"system"`` (harness notices: session starts,
  compaction summaries, API errors, interruptions) and ``"tool"`` (tool activity that no
  assistant turn requested, e.g. a shell command the user ran through the agent).
  ``timestamp`` is kept as an ISO 8601 string exactly as the source wrote it (or converted
  from an epoch number); nothing here reads the clock. ``source_line`` is the 1-based line
  where the turn starts, when the source is line-based.
* ``Turn.sidechain``: True for every turn that comes from a sub-agent's conversation (Claude
  Code records with ``isSidechain: true``, SpecStory's ``(sidechain)`` headings), not from
  the main conversation with the person. In a sidechain the "user" who prompts the sub-agent
  is the parent agent, so such a prompt gets role ``"assistant"`` (the agent talking to its
  sub-agent), never ``"user"``: ``user_turns`` stay what the person typed. A consumer that
  wants only the main conversation skips turns with ``sidechain`` set; the sub-agent's tool
  calls (edits, commands) are real actions and stay visible to one that does not.
* ``Transcript``: the format name, the ordered turns, an optional title and a JSON-able
  ``metadata`` dict of format-specific facts (session id, cwd, model, ...).

Model reasoning ("thinking") is not part of the model: every reader drops it, so the text a
consumer sees is what the people and the agent said to each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ROLES: tuple[str, ...] = ("user", "assistant", "system", "tool")
EDIT_TOOL_NAMES: frozenset[str] = frozenset(
    {
        "edit",
        "write",
        "multiedit",
        "notebookedit",
        "write_to_file",
        "replace_in_file",
        "apply_diff",
        "insert_content",
        "search_and_replace",
        "edit_file",
        "apply_patch",
        "create_file",
        "str_replace_editor",
    }
)


@dataclass(frozen=True)
class ToolCall:
    """One action with its arguments and, when recorded, its result."""

    name: str
    input: dict[str, Any] | str
    output: str | None = None
    exit_status: int | None = None
    is_error: bool = False
    call_id: str | None = None

    @property
    def is_edit(self) -> bool:
        """True for calls that change a file (Edit, Write, apply_patch, aider's "edit", ...)."""
        return self.name.lower() in EDIT_TOOL_NAMES

    def input_value(self, key: str) -> Any:
        """``input[key]`` when the input is a dict holding it, else None."""
        return self.input.get(key) if isinstance(self.input, dict) else None


@dataclass(frozen=True)
class Turn:
    """One contribution by one role: its words and the tool calls made in it."""

    index: int
    role: str
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    timestamp: str | None = None
    source_line: int | None = None
    sidechain: bool = False


@dataclass(frozen=True)
class Transcript:
    """A whole conversation in one format-independent shape."""

    format: str
    turns: tuple[Turn, ...]
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def user_turns(self) -> tuple[Turn, ...]:
        return tuple(turn for turn in self.turns if turn.role == "user")

    @property
    def assistant_turns(self) -> tuple[Turn, ...]:
        return tuple(turn for turn in self.turns if turn.role == "assistant")

    @property
    def last_user_turn(self) -> Turn | None:
        for turn in reversed(self.turns):
            if turn.role == "user":
                return turn
        return None

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        """Every tool call of every turn, in order."""
        return tuple(call for turn in self.turns for call in turn.tool_calls)

    @property
    def edit_calls(self) -> tuple[ToolCall, ...]:
        return tuple(call for call in self.tool_calls if call.is_edit)

    @property
    def text_length(self) -> int:
        """Characters of turn text (tool inputs and outputs not counted)."""
        return sum(len(turn.text) for turn in self.turns)

    def turns_by_role(self, role: str) -> Iterator[Turn]:
        return (turn for turn in self.turns if turn.role == role)
