"""Gold facts of Claude Code and pi agent JSON Lines sessions (rules: ``benchmarks.briefing.gold``)."""

from __future__ import annotations

import json
from typing import Any

from benchmarks.briefing.facts import GoldFacts
from benchmarks.briefing.gold.common import Recorder, commit_fact, error_text, squash

CLAUDE_EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})
PI_EDIT_TOOLS = frozenset({"edit", "write"})
_HARNESS_PREFIXES = (
    "<command-name>",
    "<command-message>",
    "<command-args>",
    "<local-command-",
    "<system-reminder>",
    "<bash-input>",
    "<bash-stdout>",
    "<task-notification>",
    "<user-prompt-submit-hook>",
    "[Request interrupted",
    "Caveat: The messages below",
)

def _jsonl_records(text: str) -> list[dict[str, Any]]:
    records = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a damaged line carries no facts
        if isinstance(record, dict):
            records.append(record)
    return records


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _blocks_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(block.get("text", "")) for block in content if isinstance(block, dict))
    return ""


def _call_key(name: str, arguments: dict[str, Any]) -> str:
    command = arguments.get("command")
    if isinstance(command, str):
        return "$ " + squash(command)
    path = arguments.get("file_path") or arguments.get("notebook_path") or arguments.get("path") or ""
    return f"{name} {path}"


def claude_code_gold(text: str) -> GoldFacts:
    recorder = Recorder()
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    request: str | None = None
    for record in _jsonl_records(text):
        message = record.get("message")
        if not isinstance(message, dict) or record.get("isSidechain"):
            continue
        content = message.get("content")
        if record.get("type") == "assistant" and isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    arguments = _as_dict(block.get("input"))
                    calls[str(block.get("id"))] = (str(block.get("name")), arguments)
                    _claude_call(recorder, str(block.get("name")), arguments)
        elif record.get("type") == "user":
            results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"] \
                if isinstance(content, list) else []
            for block in results:
                call = calls.get(str(block.get("tool_use_id")), ("unknown", {}))
                _tool_result(recorder, call, _blocks_text(block.get("content")), bool(block.get("is_error")))
            human = _blocks_text(content).strip()
            if not results and human and not record.get("isMeta") and not human.startswith(_HARNESS_PREFIXES):
                request = human
    recorder.request(request)
    return recorder.finish()


def _claude_call(recorder: Recorder, name: str, arguments: dict[str, Any]) -> None:
    if name in CLAUDE_EDIT_TOOLS:
        recorder.edit(str(arguments.get("file_path") or arguments.get("notebook_path") or ""), ok=False)
    command = arguments.get("command")
    if name == "Bash" and isinstance(command, str):
        recorder.command(command)


def _tool_result(recorder: Recorder, call: tuple[str, dict[str, Any]], output: str, is_error: bool) -> None:
    """One answered call: an error of its key, or a success (and then a done edit or commit)."""
    name, arguments = call
    key = _call_key(name, arguments)
    command = _as_str(arguments.get("command"))
    if is_error:
        recorder.error(error_text(output, fallback=command or key), key)
        return
    recorder.success(key)
    if name in CLAUDE_EDIT_TOOLS or name in PI_EDIT_TOOLS:
        recorder.edit(str(arguments.get("file_path") or arguments.get("notebook_path") or arguments.get("path") or ""))
    if name in ("Bash", "bash") and "git commit" in command:
        recorder.commit(commit_fact(command, output))


def _active_branch(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {record["id"]: record for record in records if isinstance(record.get("id"), str)}
    leaf = next((record for record in reversed(records) if isinstance(record.get("id"), str)), None)
    active: set[str] = set()
    while leaf is not None and leaf["id"] not in active:
        active.add(leaf["id"])
        parent = leaf.get("parentId")
        leaf = by_id.get(parent) if isinstance(parent, str) else None
    return [record for record in records if not isinstance(record.get("id"), str) or record["id"] in active]


def pi_agent_gold(text: str) -> GoldFacts:
    recorder = Recorder()
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    request: str | None = None
    for record in _active_branch(_jsonl_records(text)):
        message = record.get("message")
        if record.get("type") != "message" or not isinstance(message, dict):
            continue
        role = message.get("role")
        if role == "user":
            request = _blocks_text(message.get("content")).strip() or request
        elif role == "assistant" and isinstance(message.get("content"), list):
            for block in message["content"]:
                if isinstance(block, dict) and block.get("type") == "toolCall":
                    arguments = _as_dict(block.get("arguments"))
                    name = str(block.get("name"))
                    calls[str(block.get("id"))] = (name, arguments)
                    if name in PI_EDIT_TOOLS:
                        recorder.edit(str(arguments.get("path") or ""), ok=False)
                    if name == "bash" and isinstance(arguments.get("command"), str):
                        recorder.command(arguments["command"])
        elif role == "toolResult":
            call = calls.get(str(message.get("toolCallId")), (str(message.get("toolName")), {}))
            _tool_result(recorder, call, _blocks_text(message.get("content")), bool(message.get("isError")))
        elif role == "bashExecution" and isinstance(message.get("command"), str):
            recorder.command(message["command"])
            failed = message.get("exitCode") not in (0, None)
            _tool_result(recorder, ("bash", {"command": message["command"]}), str(message.get("output") or ""), failed)
    recorder.request(request)
    return recorder.finish()
