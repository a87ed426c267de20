"""pi coding agent sessions (``~/.pi/agent/sessions/.../<timestamp>_<uuid>.jsonl``).

What it reads: a ``{"type": "session", "version", "id", "cwd", "timestamp"}`` header line, then
entries ``{"type", "id", "parentId", "timestamp", ...}``. Entries form a tree (``/tree`` and
``/fork`` branch in place); the conversation is the ACTIVE BRANCH: walk ``parentId`` from the
last entry back to the root. Entries on abandoned branches are dropped (their gist survives in
``branch_summary`` entries, which are kept). Version 1 files have no ids and are read in order.
If a ``parentId`` points outside the file (a cut-out excerpt), the branch starts there.

Entry types:

* ``message`` with ``message.role``:
  ``user`` -> a user turn (string or text/image blocks);
  ``assistant`` -> an assistant turn (one per API response): ``text`` blocks are the text,
  ``toolCall`` blocks ``{id, name, arguments}`` are tool calls, ``thinking`` is dropped; a
  ``stopReason`` of ``error``/``aborted`` with ``errorMessage`` adds a system turn;
  ``toolResult`` ``{toolCallId, content, isError}`` -> attached to its call by id. For ``bash``
  the exit status is the "Command exited with code N" pi appends on failure, otherwise 0 for
  a successful result;
  ``bashExecution`` (the user's own ``!cmd``) -> a ``tool`` turn with a bash call, exit code as
  recorded; ``custom``/``branchSummary``/``compactionSummary`` -> system turns.
* ``compaction`` / ``branch_summary`` -> system turns with their summary; ``custom_message`` ->
  a system turn; ``model_change`` -> ``metadata["models"]``; ``session_info`` -> the title.
  ``thinking_level_change``, ``label`` and ``custom`` (extension state) carry no conversation.
"""

from __future__ import annotations

from typing import Any

from paas.core.transcripts.drafts import (
    CallDraft,
    TurnDraft,
    as_dict,
    as_int,
    as_list,
    as_str,
    blocks_text,
    build_transcript,
    epoch_to_iso,
    exit_code_in_text,
    iter_jsonl,
)
from paas.core.transcripts.model import Transcript

FORMAT = "pi_agent_jsonl"


def read_pi_agent(text: str) -> Transcript:
    """Read a pi agent session JSONL into a ``Transcript`` (active branch only)."""
    header: dict[str, Any] = {}
    entries: list[tuple[int, dict[str, Any]]] = []
    for number, record in iter_jsonl(text, FORMAT):
        if record.get("type") == "session" and not header:
            header = record
        else:
            entries.append((number, record))
    reader = _PiReader(header)
    for number, entry in _active_branch(entries):
        reader.entry(number, entry)
    return build_transcript(FORMAT, reader.drafts, title=reader.title, metadata=reader.metadata)


def _active_branch(entries: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    by_id = {entry["id"]: (number, entry) for number, entry in entries if isinstance(entry.get("id"), str)}
    if not by_id:
        return entries
    leaf = next((item for item in reversed(entries) if isinstance(item[1].get("id"), str)), None)
    branch: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    while leaf is not None:
        entry_id = leaf[1]["id"]
        if entry_id in seen:  # a cycle: corrupt links, keep what was walked
            break
        seen.add(entry_id)
        branch.append(leaf)
        parent = leaf[1].get("parentId")
        leaf = by_id.get(parent) if isinstance(parent, str) else None
    branch.reverse()
    return branch


class _PiReader:
    def __init__(self, header: dict[str, Any]) -> None:
        self.drafts: list[TurnDraft] = []
        self.calls: dict[str, CallDraft] = {}
        self.title: str | None = None
        self.metadata: dict[str, Any] = {"models": []}
        for source, target in (("id", "session_id"), ("cwd", "cwd"), ("timestamp", "started_at")):
            value = as_str(header.get(source))
            if value:
                self.metadata[target] = value
        if as_int(header.get("version")) is not None:
            self.metadata["version"] = header["version"]

    def _turn(self, role: str, number: int, entry: dict[str, Any], text: str = "") -> TurnDraft:
        timestamp = as_str(entry.get("timestamp")) or epoch_to_iso(as_dict(entry.get("message")).get("timestamp"))
        draft = TurnDraft(role, timestamp=timestamp, source_line=number)
        draft.add_text(text)
        self.drafts.append(draft)
        return draft

    def entry(self, number: int, entry: dict[str, Any]) -> None:
        kind = as_str(entry.get("type"))
        if kind == "message":
            self._message(number, entry, as_dict(entry.get("message")))
        elif kind in ("compaction", "branch_summary"):
            label = "Compacted context" if kind == "compaction" else "Summary of an abandoned branch"
            self._turn("system", number, entry, f"{label}:\n{as_str(entry.get('summary')) or ''}")
        elif kind == "custom_message":
            self._turn("system", number, entry, blocks_text(entry.get("content")))
        elif kind == "model_change":
            model = as_str(entry.get("modelId"))
            if model and model not in self.metadata["models"]:
                self.metadata["models"].append(model)
        elif kind == "session_info":
            self.title = as_str(entry.get("name")) or self.title

    def _message(self, number: int, entry: dict[str, Any], message: dict[str, Any]) -> None:
        role = message.get("role")
        content = message.get("content")
        if role == "user":
            self._turn("user", number, entry, blocks_text(content))
        elif role == "assistant":
            self._assistant(number, entry, message)
        elif role == "toolResult":
            self._tool_result(number, entry, message)
        elif role == "bashExecution":
            turn = self._turn("tool", number, entry)
            exit_code = as_int(message.get("exitCode"))
            turn.add_call(
                CallDraft(
                    "bash",
                    {"command": as_str(message.get("command")) or ""},
                    output=as_str(message.get("output")),
                    exit_status=exit_code,
                    is_error=bool(exit_code) or message.get("cancelled") is True,
                )
            )
        elif role in ("custom", "branchSummary", "compactionSummary"):
            text = as_str(message.get("summary")) if role != "custom" else blocks_text(content)
            self._turn("system", number, entry, text or "")

    def _assistant(self, number: int, entry: dict[str, Any], message: dict[str, Any]) -> None:
        turn = self._turn("assistant", number, entry)
        content = message.get("content")
        if isinstance(content, str):
            turn.add_text(content)
        for block in as_list(content):
            block = as_dict(block)
            if block.get("type") == "text":
                turn.add_text(as_str(block.get("text")) or "")
            elif block.get("type") == "toolCall":
                arguments = block.get("arguments")
                call_input: dict[str, Any] | str = arguments if isinstance(arguments, dict | str) else {}
                call_id = as_str(block.get("id"))
                call = turn.add_call(CallDraft(as_str(block.get("name")) or "unknown", call_input, call_id))
                if call_id:
                    self.calls[call_id] = call
        model = as_str(message.get("model"))
        if model and model not in self.metadata["models"]:
            self.metadata["models"].append(model)
        error = as_str(message.get("errorMessage"))
        if error and message.get("stopReason") in ("error", "aborted"):
            self._turn("system", number, entry, f"Assistant {message['stopReason']}: {error}")

    def _tool_result(self, number: int, entry: dict[str, Any], message: dict[str, Any]) -> None:
        call_id = as_str(message.get("toolCallId"))
        call = self.calls.get(call_id) if call_id else None
        if call is None:
            name = as_str(message.get("toolName")) or "unknown"
            call = self._turn("tool", number, entry).add_call(CallDraft(name, {}, call_id))
        call.output = blocks_text(message.get("content"))
        call.is_error = message.get("isError") is True
        if call.name == "bash":
            stated = exit_code_in_text(call.output[-300:])
            call.exit_status = stated if stated is not None else (None if call.is_error else 0)
