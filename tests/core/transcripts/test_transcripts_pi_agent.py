"""pi agent session JSONL: the active branch of the entry tree, tool results by id."""

from __future__ import annotations

import json
from typing import Any

from paas.core.transcripts import read_transcript
from paas.core.transcripts.pi_agent import read_pi_agent


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(record) for record in records)


def entry(entry_id: str, parent: str | None, message: dict[str, Any], kind: str = "message") -> dict[str, Any]:
    return {
        "type": kind,
        "id": entry_id,
        "parentId": parent,
        "timestamp": f"2026-06-08T16:00:0{len(entry_id)}Z",
        "message": message,
    }


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "text", "text": text}], "timestamp": 1}


def assistant(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": list(blocks),
        "model": "claude-sonnet-4-6",
        "stopReason": "toolUse",
        **extra,
    }


def tool_result(call_id: str, name: str, output: str, is_error: bool = False) -> dict[str, Any]:
    return {
        "role": "toolResult",
        "toolCallId": call_id,
        "toolName": name,
        "isError": is_error,
        "content": [{"type": "text", "text": output}],
    }


SESSION = jsonl(
    {"type": "session", "version": 3, "id": "sess-1", "timestamp": "2026-06-08T16:00:00Z", "cwd": "/repo"},
    {
        "type": "model_change",
        "id": "m0",
        "parentId": None,
        "timestamp": "t",
        "provider": "anthropic",
        "modelId": "claude-sonnet-4-6",
    },
    entry("u1", "m0", user("make login redirect")),
    entry(
        "a1",
        "u1",
        assistant(
            {"type": "thinking", "thinking": "hmm"},
            {"type": "text", "text": "Looking."},
            {"type": "toolCall", "id": "c1", "name": "bash", "arguments": {"command": "ls"}},
        ),
    ),
    entry("r1", "a1", tool_result("c1", "bash", "src\nweb")),
    # an abandoned branch: the user went back to u1 and asked differently
    entry("x1", "r1", assistant({"type": "text", "text": "ABANDONED ANSWER"})),
    {
        "type": "branch_summary",
        "id": "b1",
        "parentId": "r1",
        "timestamp": "t",
        "fromId": "x1",
        "summary": "Tried approach A",
    },
    entry("u2", "b1", user("use approach B")),
    entry(
        "a2",
        "u2",
        assistant(
            {"type": "toolCall", "id": "c2", "name": "edit", "arguments": {"path": "a.ts", "edits": []}},
            {"type": "toolCall", "id": "c3", "name": "bash", "arguments": {"command": "npm test"}},
        ),
    ),
    entry("r2", "a2", tool_result("c2", "edit", "Successfully replaced 1 block(s)")),
    entry("r3", "r2", tool_result("c3", "bash", "1 failing\n\nCommand exited with code 1", is_error=True)),
    entry(
        "be",
        "r3",
        {
            "role": "bashExecution",
            "command": "git diff",
            "output": "diff",
            "exitCode": 0,
            "cancelled": False,
            "truncated": False,
            "timestamp": 5,
        },
    ),
    entry("a3", "be", assistant({"type": "text", "text": "Done."}, stopReason="stop")),
    {"type": "session_info", "id": "n1", "parentId": "a3", "timestamp": "t", "name": "Login redirect"},
)


def test_reads_the_active_branch_only() -> None:
    transcript = read_pi_agent(SESSION)
    texts = [turn.text for turn in transcript.turns]
    assert "ABANDONED ANSWER" not in texts
    assert [turn.role for turn in transcript.turns] == [
        "user",
        "assistant",
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
    ]
    assert texts[2] == "Summary of an abandoned branch:\nTried approach A"
    assert transcript.title == "Login redirect"


def test_tool_calls_results_and_exit_status() -> None:
    calls = {call.call_id: call for call in read_pi_agent(SESSION).tool_calls}
    assert calls["c1"].input == {"command": "ls"} and calls["c1"].output == "src\nweb"
    assert calls["c1"].exit_status == 0 and not calls["c1"].is_error
    assert calls["c2"].name == "edit" and calls["c2"].exit_status is None
    assert calls["c3"].is_error and calls["c3"].exit_status == 1


def test_user_shell_command_is_a_tool_turn() -> None:
    turn = read_pi_agent(SESSION).turns[5]
    assert turn.role == "tool"
    call = turn.tool_calls[0]
    assert (call.name, call.input, call.output, call.exit_status, call.is_error) == (
        "bash",
        {"command": "git diff"},
        "diff",
        0,
        False,
    )


def test_metadata_timestamps_and_detection() -> None:
    transcript = read_transcript(SESSION)
    assert transcript.format == "pi_agent_jsonl"
    assert transcript.metadata["session_id"] == "sess-1" and transcript.metadata["cwd"] == "/repo"
    assert transcript.metadata["models"] == ["claude-sonnet-4-6"]
    assert transcript.turns[0].timestamp == "2026-06-08T16:00:02Z"
    assert transcript.turns[0].source_line == 3


def test_assistant_error_is_reported_as_a_system_turn() -> None:
    session = jsonl(
        entry("u", None, user("hi")), entry("a", "u", assistant(stopReason="error", errorMessage="overloaded_error"))
    )
    transcript = read_pi_agent(session)
    assert transcript.turns[-1].role == "system"
    assert transcript.turns[-1].text == "Assistant error: overloaded_error"


def test_version_one_files_without_ids_are_read_in_order() -> None:
    session = jsonl(
        {"type": "session", "version": 1, "id": "s", "timestamp": "t", "cwd": "/"},
        {"type": "message", "timestamp": "t", "message": user("one")},
        {"type": "message", "timestamp": "t", "message": assistant({"type": "text", "text": "two"})},
    )
    assert [turn.text for turn in read_pi_agent(session).turns] == ["one", "two"]
