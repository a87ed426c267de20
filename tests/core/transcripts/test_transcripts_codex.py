"""Codex CLI rollouts, current envelope format and the older flat format."""

from __future__ import annotations

import json
from typing import Any

from paas.core.transcripts import read_transcript
from paas.core.transcripts.codex import read_codex


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(record) for record in records) + "\n"


def item(payload: dict[str, Any], second: int = 0) -> dict[str, Any]:
    return {"timestamp": f"2025-09-01T10:00:{second:02d}Z", "type": "response_item", "payload": payload}


def message(role: str, text: str, kind: str = "input_text") -> dict[str, Any]:
    return {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}


ROLLOUT = jsonl(
    {
        "timestamp": "2025-09-01T09:59:59Z",
        "type": "session_meta",
        "payload": {"id": "sess", "cwd": "/repo", "cli_version": "0.30.0", "git": {"branch": "main"}},
    },
    {"timestamp": "2025-09-01T10:00:00Z", "type": "turn_context", "payload": {"model": "gpt-5-codex"}},
    item(message("user", "<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>"), 1),
    item(message("user", "fix the failing test"), 2),
    {
        "timestamp": "2025-09-01T10:00:02Z",
        "type": "event_msg",
        "payload": {"type": "user_message", "message": "fix the failing test"},
    },
    item({"type": "reasoning", "summary": [{"type": "summary_text", "text": "thinking"}]}, 3),
    item(message("assistant", "Running the tests.", "output_text"), 4),
    item(
        {
            "type": "function_call",
            "name": "shell",
            "arguments": json.dumps({"command": ["pytest", "-q"]}),
            "call_id": "c1",
        },
        5,
    ),
    item(
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": json.dumps({"output": "1 failed", "metadata": {"exit_code": 1}}),
        },
        6,
    ),
    item(
        {"type": "custom_tool_call", "name": "apply_patch", "input": "*** Begin Patch\n*** End Patch", "call_id": "c2"},
        7,
    ),
    item(
        {
            "type": "custom_tool_call_output",
            "call_id": "c2",
            "output": "Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess",
        },
        8,
    ),
    item({"type": "function_call", "name": "exec_command", "arguments": "not json", "call_id": "c3"}, 9),
    item(
        {
            "type": "function_call_output",
            "call_id": "c3",
            "output": "Chunk ID: 1\nProcess exited with code 0\nOutput:\nok",
        },
        10,
    ),
    item(message("assistant", "Fixed.", "output_text"), 11),
    {"timestamp": "2025-09-01T10:01:00Z", "type": "compacted", "payload": {"message": "summary of work"}},
)


def test_turns_skip_injected_context_duplicates_and_reasoning() -> None:
    transcript = read_codex(ROLLOUT)
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("system", "<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>"),
        ("user", "fix the failing test"),
        ("assistant", "Running the tests."),
        ("assistant", "Fixed."),
        ("system", "Compacted context:\nsummary of work"),
    ]
    assert transcript.turns[1].timestamp == "2025-09-01T10:00:02Z" and transcript.turns[1].source_line == 4


def test_calls_outputs_and_exit_status_in_all_encodings() -> None:
    calls = read_codex(ROLLOUT).turns[2].tool_calls
    assert [call.name for call in calls] == ["shell", "apply_patch", "exec_command"]
    shell, patch, exec_command = calls
    assert shell.input == {"command": ["pytest", "-q"]} and shell.call_id == "c1"
    assert shell.output == "1 failed" and shell.exit_status == 1 and shell.is_error
    assert patch.input == "*** Begin Patch\n*** End Patch" and patch.exit_status == 0 and not patch.is_error
    assert exec_command.input == "not json" and exec_command.exit_status == 0


def test_metadata_and_detection() -> None:
    transcript = read_transcript(ROLLOUT)
    assert transcript.format == "codex_jsonl"
    assert transcript.metadata["session_id"] == "sess"
    assert transcript.metadata["cwd"] == "/repo"
    assert transcript.metadata["git"] == {"branch": "main"}
    assert transcript.metadata["models"] == ["gpt-5-codex"]


def test_older_flat_format_where_each_line_is_the_item() -> None:
    flat = jsonl(
        {"id": "old-sess", "timestamp": "2025-04-01T10:00:00Z", "instructions": None},
        {"record_type": "state"},
        message("user", "list files"),
        {"type": "function_call", "name": "shell", "arguments": '{"command": ["ls"]}', "call_id": "f1"},
        {
            "type": "function_call_output",
            "call_id": "f1",
            "output": json.dumps({"output": "a.py", "metadata": {"exit_code": 0}}),
        },
        message("assistant", "One file: a.py", "output_text"),
    )
    transcript = read_transcript(flat)
    assert transcript.format == "codex_jsonl"
    assert transcript.metadata["session_id"] == "old-sess"
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("user", "list files"),
        ("assistant", ""),
        ("assistant", "One file: a.py"),
    ]
    call = transcript.tool_calls[0]
    assert (call.input, call.output, call.exit_status, call.is_error) == ({"command": ["ls"]}, "a.py", 0, False)


def test_output_without_a_known_call_becomes_a_tool_turn() -> None:
    transcript = read_codex(jsonl(item({"type": "function_call_output", "call_id": "zz", "output": "late"})))
    assert transcript.turns[0].role == "tool"
    assert transcript.turns[0].tool_calls[0].output == "late"


def plan_call(arguments: Any, call_id: str = "p1") -> dict[str, Any]:
    return item({"type": "function_call", "name": "update_plan", "arguments": arguments, "call_id": call_id})


def test_update_plan_arguments_are_decoded_into_steps_and_explanation() -> None:
    plan = [{"step": "Reproduce the bug", "status": "completed"}, {"step": "Fix rounding", "status": "in_progress"}]
    rollout = jsonl(
        item(message("user", "fix it")),
        plan_call(json.dumps({"explanation": "Found the cause", "plan": plan})),
        item({"type": "function_call_output", "call_id": "p1", "output": "Plan updated"}),
    )
    (call,) = read_codex(rollout).tool_calls
    assert call.name == "update_plan"
    assert call.input == {"plan": plan, "explanation": "Found the cause"}
    assert call.output == "Plan updated" and not call.is_error


def test_update_plan_without_explanation_or_with_damaged_items_keeps_one_shape() -> None:
    arguments = json.dumps({"plan": [{"step": "Write tests", "status": "pending"}, "not a step", {"step": 3}]})
    (call,) = read_codex(jsonl(item(message("user", "go")), plan_call(arguments))).tool_calls
    assert call.input == {
        "plan": [{"step": "Write tests", "status": "pending"}, {"step": "", "status": ""}],
        "explanation": None,
    }


def test_update_plan_with_arguments_that_are_not_json_keeps_the_raw_text() -> None:
    (call,) = read_codex(jsonl(item(message("user", "go")), plan_call("{plan: oops"))).tool_calls
    assert (call.name, call.input) == ("update_plan", "{plan: oops")


def test_update_plan_in_the_older_flat_format() -> None:
    rollout = jsonl(
        {"id": "sess", "timestamp": "2025-05-01T10:00:00Z", "instructions": None},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go"}]},
        {
            "type": "function_call",
            "name": "update_plan",
            "call_id": "p1",
            "arguments": json.dumps({"plan": [{"step": "Ship", "status": "pending"}]}),
        },
    )
    transcript = read_transcript(rollout)
    assert transcript.format == "codex_jsonl"
    assert transcript.tool_calls[0].input == {"plan": [{"step": "Ship", "status": "pending"}], "explanation": None}
