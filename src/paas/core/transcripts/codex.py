"""Codex CLI rollouts (``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl``).

What it reads: one JSON object per line, ``{"timestamp", "type", "payload"}`` with ``type``
``session_meta`` (id, cwd, cli version, git -> metadata), ``turn_context`` (model -> metadata),
``response_item`` (the conversation, below), ``event_msg`` and ``compacted``. The older flat
format, where each line is the item itself (plus a first ``{"id", "timestamp",
"instructions"}`` line and ``{"record_type": "state"}`` lines), is read the same way.

``response_item`` payloads:

* ``message`` with ``role`` and ``input_text``/``output_text`` blocks. ``user`` messages are
  user turns, except the harness's injected context (``<environment_context>``,
  ``<user_instructions>``, ``# AGENTS.md instructions``...) which becomes a ``system`` turn, as
  do ``developer``/``system`` messages. Consecutive assistant messages form one turn.
* ``function_call`` {name, arguments (a JSON string, decoded when it is an object),
  call_id}, ``custom_tool_call`` {name, input (free text, e.g. a patch)}, ``local_shell_call``
  {action} and ``web_search_call`` {action} become tool calls of the current assistant turn
  (a new one when the last turn is not the assistant's).
* ``update_plan`` (codex-rs ``plan_tool``: arguments ``{"explanation"?, "plan": [{"step",
  "status"}]}``, status ``pending``/``in_progress``/``completed``, output "Plan updated")
  always comes through as ``{"plan": [{"step", "status"}, ...], "explanation": str | None}``:
  items that are not objects are dropped, a missing list is empty, so a consumer reads the
  agent's plan without guarding every field. Arguments that are not JSON stay the raw string.
* ``function_call_output`` / ``custom_tool_call_output`` {call_id, output} attach to their call.
  The output is either plain text ("Exit code: N", "Process exited with code N") or a JSON
  string ``{"output", "metadata": {"exit_code"}}``; the exit status is taken from either, and
  a non-zero exit or ``success: false`` marks the call as an error.
* ``reasoning`` is dropped (model reasoning, often encrypted).

``event_msg`` records (user_message, agent_message, token_count...) repeat what the response
items already hold for the UI, so they are skipped to avoid duplicate turns. ``compacted``
becomes a system turn with its summary message.
"""

from __future__ import annotations

import json
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

FORMAT = "codex_jsonl"

_ENVELOPE_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
_CALL_TYPES = frozenset({"function_call", "custom_tool_call", "local_shell_call", "web_search_call"})
_OUTPUT_TYPES = frozenset({"function_call_output", "custom_tool_call_output"})
_INJECTED_PREFIXES = (
    "<environment_context>",
    "<user_instructions>",
    "<permissions instructions>",
    "# AGENTS.md instructions",
    "<INSTRUCTIONS>",
)


def read_codex(text: str) -> Transcript:
    """Read a Codex CLI rollout (current or older flat format) into a ``Transcript``."""
    reader = _CodexReader()
    for number, record in iter_jsonl(text, FORMAT):
        kind = as_str(record.get("type"))
        timestamp = as_str(record.get("timestamp"))
        if kind in _ENVELOPE_TYPES and "payload" in record:
            reader.envelope(number, str(kind), as_dict(record.get("payload")), timestamp)
        elif "record_type" in record:
            continue
        elif kind is None and "id" in record and "timestamp" in record:
            reader.session_meta(record)
        else:
            reader.item(number, record, timestamp)
    return build_transcript(FORMAT, reader.drafts, metadata=reader.metadata)


class _CodexReader:
    def __init__(self) -> None:
        self.drafts: list[TurnDraft] = []
        self.calls: dict[str, CallDraft] = {}
        self.metadata: dict[str, Any] = {"models": []}

    def envelope(self, number: int, kind: str, payload: dict[str, Any], timestamp: str | None) -> None:
        if kind == "session_meta":
            self.session_meta(payload)
        elif kind == "turn_context":
            model = as_str(payload.get("model"))
            if model and model not in self.metadata["models"]:
                self.metadata["models"].append(model)
        elif kind == "response_item":
            self.item(number, payload, timestamp)
        elif kind == "compacted":
            message = as_str(payload.get("message")) or ""
            self._turn("system", number, timestamp).add_text(f"Compacted context:\n{message}")

    def session_meta(self, meta: dict[str, Any]) -> None:
        for source, target in (
            ("id", "session_id"),
            ("cwd", "cwd"),
            ("cli_version", "cli_version"),
            ("timestamp", "started_at"),
            ("originator", "originator"),
        ):
            value = as_str(meta.get(source))
            if value and target not in self.metadata:
                self.metadata[target] = value
        git = as_dict(meta.get("git"))
        if git:
            self.metadata.setdefault("git", {k: v for k, v in git.items() if isinstance(v, str)})

    def _turn(self, role: str, number: int, timestamp: str | None) -> TurnDraft:
        draft = TurnDraft(role, timestamp=timestamp, source_line=number)
        self.drafts.append(draft)
        return draft

    def _assistant(self, number: int, timestamp: str | None, for_text: bool) -> TurnDraft:
        last = self.drafts[-1] if self.drafts else None
        if last is not None and last.role == "assistant" and not (for_text and last.calls):
            return last
        return self._turn("assistant", number, timestamp)

    def item(self, number: int, item: dict[str, Any], timestamp: str | None) -> None:
        kind = as_str(item.get("type"))
        if kind == "message":
            self._message(number, item, timestamp)
        elif kind in _CALL_TYPES:
            self._call(number, str(kind), item, timestamp)
        elif kind in _OUTPUT_TYPES:
            self._output(number, item, timestamp)

    def _message(self, number: int, item: dict[str, Any], timestamp: str | None) -> None:
        role = item.get("role")
        text = blocks_text(item.get("content"))
        if not text.strip():
            return
        if role == "assistant":
            self._assistant(number, timestamp, for_text=True).add_text(text)
        elif role == "user" and not text.lstrip().startswith(_INJECTED_PREFIXES):
            self._turn("user", number, timestamp).add_text(text)
        elif role in ("user", "developer", "system"):
            self._turn("system", number, timestamp).add_text(text)

    def _call(self, number: int, kind: str, item: dict[str, Any], timestamp: str | None) -> None:
        call_id = as_str(item.get("call_id")) or as_str(item.get("id"))
        call_input: dict[str, Any] | str
        if kind == "function_call":
            call_input = _decode_arguments(item.get("arguments"))
            name = as_str(item.get("name")) or "unknown"
            if name == "update_plan" and isinstance(call_input, dict):
                call_input = _plan_input(call_input)
        elif kind == "custom_tool_call":
            call_input = as_str(item.get("input")) or ""
            name = as_str(item.get("name")) or "unknown"
        else:
            call_input = as_dict(item.get("action"))
            name = "local_shell" if kind == "local_shell_call" else "web_search"
        call = self._assistant(number, timestamp, for_text=False).add_call(CallDraft(name, call_input, call_id))
        if call_id:
            self.calls[call_id] = call

    def _output(self, number: int, item: dict[str, Any], timestamp: str | None) -> None:
        call_id = as_str(item.get("call_id"))
        call = self.calls.get(call_id) if call_id else None
        if call is None:
            call = self._turn("tool", number, timestamp).add_call(CallDraft("unknown", {}, call_id))
        output, exit_status, success = _decode_output(item.get("output"))
        call.output = output
        call.exit_status = exit_status
        call.is_error = success is False or bool(exit_status)


def _decode_arguments(arguments: Any) -> dict[str, Any] | str:
    if isinstance(arguments, dict):
        return arguments
    if not isinstance(arguments, str):
        return {}
    try:
        decoded = json.loads(arguments)
    except (ValueError, RecursionError):
        return arguments
    return decoded if isinstance(decoded, dict) else arguments


def _plan_input(arguments: dict[str, Any]) -> dict[str, Any]:
    """``update_plan`` arguments in one shape: every step a ``{"step", "status"}`` dict."""
    plan = [
        {"step": as_str(item.get("step")) or "", "status": as_str(item.get("status")) or ""}
        for item in as_list(arguments.get("plan"))
        if isinstance(item, dict)
    ]
    return {"plan": plan, "explanation": as_str(arguments.get("explanation"))}


def _decode_output(raw: Any) -> tuple[str, int | None, bool | None]:
    """``(text, exit status, success flag)`` of a call output in any of Codex's encodings."""
    success: bool | None = None
    value: Any = raw
    if isinstance(raw, str) and raw.lstrip().startswith("{"):
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            value = raw
    if isinstance(value, dict):
        flag = value.get("success")
        success = flag if isinstance(flag, bool) else None
        exit_status = as_int(as_dict(value.get("metadata")).get("exit_code"))
        body = value.get("output", value.get("content"))
        text = body if isinstance(body, str) else blocks_text(body) if isinstance(body, list) else ""
        if exit_status is None:
            exit_status = exit_code_in_text(text[:500])
        return text, exit_status, success
    text = value if isinstance(value, str) else blocks_text(as_list(value))
    return text, exit_code_in_text(text[:500]), success
