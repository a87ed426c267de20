"""Claude Code session logs (``~/.claude/projects/<dir>/<session>.jsonl``).

What it reads: one JSON object per line. ``type`` says what a record is:

* ``assistant``: ``message`` is an Anthropic API message. Claude Code streams one API message
  as several records (one per content block) sharing ``message.id``; records with the id of
  the assistant turn being built are MERGED into it, even when tool results were logged in
  between. ``text`` blocks become the turn text, ``tool_use`` blocks ``{id, name, input}``
  become tool calls, ``thinking``/``redacted_thinking`` are dropped. Synthetic API-error
  messages (``isApiErrorMessage``) become ``system`` turns.
* ``user``: either a human prompt (string content, or ``text``/``image`` blocks) or the
  harness returning ``tool_result`` blocks ``{tool_use_id, content, is_error}``. Each result
  is attached to its tool call by id (output text, is_error); a record that only carries tool
  results is not a human turn. Bash exit status: "Exit code N" at the start of the result
  (Claude Code's wording for a failed command) or an exit-code field in ``toolUseResult``;
  a successful, uninterrupted, foreground Bash result means exit status 0.
  Slash commands (``<command-name>/x</command-name>`` + ``<command-args>``) are user turns
  with the text ``/x args``; ``<local-command-stdout>``, ``[Request interrupted by user...]``
  and compaction summaries (``isCompactSummary``) become ``system`` turns; ``!cmd`` shell
  input (``<bash-input>`` then ``<bash-stdout>``/``<bash-stderr>``) becomes a ``tool`` turn
  with a Bash call. ``isMeta`` records (caveats, injected context) are skipped.
* ``system`` records with a text ``content`` (local command output, API errors, compaction
  boundaries) become ``system`` turns; bookkeeping subtypes (turn durations, hook summaries)
  carry no content and are skipped.
* ``summary``/``custom-title`` give the title. ``progress`` (hook and sub-agent progress),
  ``file-history-snapshot`` and ``queue-operation`` records are bookkeeping and are skipped.
  Newer Claude Code logs a Task sub-agent's conversation as ``agent_progress`` progress
  records (and in a file of its own); they stay skipped, so its prompt is never a user turn.
* Sidechain records (``isSidechain: true``: a Task sub-agent's conversation, or a whole
  sub-agent log) are read like the others, and every turn made from one has ``sidechain``
  set. The "user" of a sidechain is the parent agent: its prompt (text, slash command) gets
  role ``assistant``, so ``user_turns`` only ever hold what the person typed. Records of the
  main conversation and of a sidechain are never merged into one turn.

A tool result whose call is not in the file (a log that starts mid-session) becomes a
``tool`` turn holding a call named ``"unknown"`` so that no output is lost.
"""

from __future__ import annotations

import re
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
    exit_code_in_text,
    iter_jsonl,
)
from paas.core.transcripts.model import Transcript

FORMAT = "claude_code_jsonl"

_HARNESS_TAGS = ("command-name", "command-args", "bash-input", "bash-stdout", "bash-stderr")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
_SKIPPED_TYPES = frozenset({"progress", "file-history-snapshot", "queue-operation"})
_SHELL_TOOLS = frozenset({"Bash", "bash"})
_EXIT_FIELDS = ("exitCode", "exit_code", "returnCode", "code")


def read_claude_code(text: str) -> Transcript:
    """Read a Claude Code session JSONL into a ``Transcript``."""
    reader = _ClaudeCodeReader()
    for number, record in iter_jsonl(text, FORMAT):
        reader.record(number, record)
    return build_transcript(FORMAT, reader.drafts, title=reader.title, metadata=reader.metadata)


class _ClaudeCodeReader:
    def __init__(self) -> None:
        self.drafts: list[TurnDraft] = []
        self.calls: dict[str, CallDraft] = {}
        self.title: str | None = None
        self.metadata: dict[str, Any] = {}
        self.shell_call: CallDraft | None = None  # a `!cmd` waiting for its output record
        self.sidechain = False  # whether the record being read belongs to a sub-agent

    def record(self, number: int, record: dict[str, Any]) -> None:
        kind = as_str(record.get("type"))
        if kind in _SKIPPED_TYPES:
            return
        self.sidechain = record.get("isSidechain") is True
        if kind == "summary":
            self.title = as_str(record.get("summary")) or self.title
        elif kind == "custom-title":
            self.title = as_str(record.get("customTitle")) or self.title
        elif kind in ("user", "assistant", "system"):
            self._remember(record)
            if kind == "assistant":
                self._assistant(number, record)
            elif kind == "user":
                self._user(number, record)
            else:
                self._system(number, record)

    def _remember(self, record: dict[str, Any]) -> None:
        for source, target in (
            ("sessionId", "session_id"),
            ("cwd", "cwd"),
            ("gitBranch", "git_branch"),
            ("version", "claude_code_version"),
        ):
            value = as_str(record.get(source))
            if value and target not in self.metadata:
                self.metadata[target] = value
        model = as_str(as_dict(record.get("message")).get("model"))
        if model and not model.startswith("<") and model not in self.metadata.setdefault("models", []):
            self.metadata["models"].append(model)

    def _new_turn(self, role: str, number: int, record: dict[str, Any], key: str | None = None) -> TurnDraft:
        if role == "user" and self.sidechain:
            role = "assistant"  # the parent agent prompting its sub-agent, not the person
        timestamp = as_str(record.get("timestamp"))
        draft = TurnDraft(role, timestamp=timestamp, source_line=number, key=key, sidechain=self.sidechain)
        self.drafts.append(draft)
        return draft

    # ---- assistant -----------------------------------------------------------------------
    def _assistant(self, number: int, record: dict[str, Any]) -> None:
        message = as_dict(record.get("message"))
        content = message.get("content")
        if record.get("isApiErrorMessage") is True:
            self._new_turn("system", number, record).add_text(blocks_text(content))
            return
        message_id = as_str(message.get("id"))
        last = self.drafts[-1] if self.drafts else None
        continues = last is not None and last.role == "assistant" and last.sidechain == self.sidechain
        if message_id and continues and last is not None and last.key == message_id:
            turn = last
        else:
            turn = self._new_turn("assistant", number, record, key=message_id)
        if isinstance(content, str):
            turn.add_text(content)
        for block in as_list(content):
            block = as_dict(block)
            if block.get("type") == "text":
                turn.add_text(as_str(block.get("text")) or "")
            elif block.get("type") in ("tool_use", "server_tool_use"):
                call_id = as_str(block.get("id"))
                raw_input = block.get("input")
                call_input: dict[str, Any] | str = raw_input if isinstance(raw_input, dict | str) else {}
                call = turn.add_call(CallDraft(as_str(block.get("name")) or "unknown", call_input, call_id))
                if call_id:
                    self.calls[call_id] = call

    def _system(self, number: int, record: dict[str, Any]) -> None:
        content = as_str(record.get("content"))
        if content and content.strip():
            output = re.sub(r"</?local-command-std(?:out|err)>", "", content)
            self._new_turn("system", number, record).add_text(_ANSI_RE.sub("", output))

    # ---- user ----------------------------------------------------------------------------
    def _user(self, number: int, record: dict[str, Any]) -> None:
        if record.get("isMeta") is True:
            return
        content = as_dict(record.get("message")).get("content")
        if record.get("isCompactSummary") is True:
            self._new_turn("system", number, record).add_text(blocks_text(content))
            return
        if isinstance(content, str):
            self._user_text(number, record, content)
            return
        results = [as_dict(b) for b in as_list(content) if as_dict(b).get("type") == "tool_result"]
        for block in results:
            self._tool_result(number, record, block, record.get("toolUseResult") if len(results) == 1 else None)
        others = [b for b in as_list(content) if as_dict(b).get("type") != "tool_result"]
        if others:
            self._user_text(number, record, blocks_text(others))

    def _user_text(self, number: int, record: dict[str, Any], text: str) -> None:
        if not text.strip():
            return
        stripped = text.strip()
        if stripped.startswith("[Request interrupted by user"):
            self._new_turn("system", number, record).add_text(stripped)
            return
        tags = {tag: value for tag in _HARNESS_TAGS if (value := _element(text, tag)) is not None}
        if "command-name" in tags:
            command = f"{tags['command-name']} {tags.get('command-args', '')}".strip()
            self._new_turn("user", number, record).add_text(command)
        elif "bash-input" in tags:
            turn = self._new_turn("tool", number, record)
            self.shell_call = turn.add_call(CallDraft("Bash", {"command": tags["bash-input"]}))
        elif "bash-stdout" in tags or "bash-stderr" in tags:
            self._shell_output(tags)
        elif stripped.startswith(("<local-command-stdout>", "<local-command-stderr>")):
            output = re.sub(r"</?local-command-std(?:out|err)>", "", stripped)
            self._new_turn("system", number, record).add_text(_ANSI_RE.sub("", output))
        elif not stripped.startswith("<local-command-caveat>"):
            self._new_turn("user", number, record).add_text(text)

    def _shell_output(self, tags: dict[str, str]) -> None:
        if self.shell_call is None:
            return
        stdout, stderr = tags.get("bash-stdout", ""), tags.get("bash-stderr", "")
        self.shell_call.output = "\n".join(part for part in (stdout, stderr) if part)
        self.shell_call.is_error = bool(stderr)
        self.shell_call = None

    def _tool_result(self, number: int, record: dict[str, Any], block: dict[str, Any], details: Any) -> None:
        call_id = as_str(block.get("tool_use_id"))
        call = self.calls.get(call_id) if call_id else None
        if call is None:
            call = self._new_turn("tool", number, record).add_call(CallDraft("unknown", {}, call_id))
        output = blocks_text(block.get("content"))
        call.output = output
        call.is_error = block.get("is_error") is True
        if call.name in _SHELL_TOOLS:
            call.exit_status = _bash_exit_status(output, call.is_error, details)


def _element(text: str, tag: str) -> str | None:
    """Inner text of the first ``<tag>...</tag>`` (``str.find``: linear even when unclosed)."""
    start = text.find(f"<{tag}>")
    end = text.find(f"</{tag}>", start) if start >= 0 else -1
    return text[start + len(tag) + 2 : end].strip() if end >= 0 else None


def _bash_exit_status(output: str, is_error: bool, details: Any) -> int | None:
    stated = exit_code_in_text(output[:200])
    if stated is not None:
        return stated
    fields = as_dict(details)
    for name in _EXIT_FIELDS:
        code = as_int(fields.get(name))
        if code is not None:
            return code
    if is_error or fields.get("interrupted") is True or fields.get("backgroundTaskId"):
        return None
    if output.startswith("Command running in background"):
        return None
    return 0
