"""Claude Code session JSONL: streamed records merged, tool results attached, meta skipped."""

from __future__ import annotations

import json
from typing import Any

from paas.core.transcripts import read_transcript
from paas.core.transcripts.claude_code import read_claude_code


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(record) for record in records) + "\n"


def user(content: Any, **extra: Any) -> dict[str, Any]:
    return {
        "type": "user",
        "sessionId": "s1",
        "cwd": "/repo",
        "timestamp": "2026-01-01T10:00:00Z",
        "message": {"role": "user", "content": content},
        **extra,
    }


def assistant(message_id: str, *blocks: dict[str, Any], timestamp: str = "2026-01-01T10:00:01Z") -> dict[str, Any]:
    return {
        "type": "assistant",
        "sessionId": "s1",
        "timestamp": timestamp,
        "message": {"id": message_id, "role": "assistant", "model": "claude-opus-4-6", "content": list(blocks)},
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(call_id: str, name: str, **tool_input: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": tool_input}


def result(call_id: str, content: Any, is_error: bool | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id, "content": content}
    if is_error is not None:
        block["is_error"] = is_error
    return block


SESSION = jsonl(
    {"type": "summary", "summary": "Add a license", "leafUuid": "u9"},
    {"type": "file-history-snapshot", "messageId": "m0", "snapshot": {}},
    user("<local-command-caveat>Caveat: do not respond</local-command-caveat>", isMeta=True),
    user(
        "<command-name>/clear</command-name>\n<command-message>clear</command-message>\n<command-args></command-args>"
    ),
    user("add an MIT license and run the tests"),
    {"type": "progress", "data": {"type": "hook_progress"}},
    assistant("msg_1", {"type": "thinking", "thinking": "plan quietly"}),
    assistant("msg_1", text("Writing the license.")),
    assistant("msg_1", tool_use("t1", "Write", file_path="/repo/LICENSE", content="MIT")),
    user([result("t1", "File created successfully")], toolUseResult={"type": "create", "filePath": "/repo/LICENSE"}),
    assistant("msg_1", tool_use("t2", "Bash", command="pytest -q")),
    user([result("t2", "Exit code 1\n1 failed", is_error=True)], toolUseResult="Error: Exit code 1\n1 failed"),
    assistant("msg_2", text("One test fails; fixing."), tool_use("t3", "Edit", file_path="/repo/a.py")),
    user([result("t3", [{"type": "text", "text": "The file /repo/a.py has been updated."}])]),
    assistant("msg_3", tool_use("t4", "Bash", command="pytest -q")),
    user(
        [result("t4", "3 passed", is_error=False)],
        toolUseResult={"stdout": "3 passed", "stderr": "", "interrupted": False},
    ),
    assistant("msg_4", text("All green.")),
    {"type": "system", "subtype": "turn_duration", "durationMs": 100},
    user([text("[Request interrupted by user]")]),
    user("thanks"),
)


def test_turn_sequence_merges_streamed_records_and_skips_bookkeeping() -> None:
    transcript = read_claude_code(SESSION)
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("user", "/clear"),
        ("user", "add an MIT license and run the tests"),
        ("assistant", "Writing the license."),
        ("assistant", "One test fails; fixing."),
        ("assistant", ""),
        ("assistant", "All green."),
        ("system", "[Request interrupted by user]"),
        ("user", "thanks"),
    ]
    merged = transcript.turns[2]
    assert [call.name for call in merged.tool_calls] == ["Write", "Bash"]
    assert merged.source_line == 7 and merged.timestamp == "2026-01-01T10:00:01Z"


def test_tool_results_attach_to_their_calls_with_errors_and_exit_status() -> None:
    calls = {call.call_id: call for call in read_claude_code(SESSION).tool_calls}
    assert calls["t1"].output == "File created successfully" and calls["t1"].exit_status is None
    assert calls["t1"].input == {"file_path": "/repo/LICENSE", "content": "MIT"}
    assert calls["t2"].is_error and calls["t2"].exit_status == 1 and calls["t2"].output == "Exit code 1\n1 failed"
    assert calls["t3"].output == "The file /repo/a.py has been updated." and not calls["t3"].is_error
    assert calls["t4"].exit_status == 0 and not calls["t4"].is_error


def test_title_and_metadata_come_from_the_records() -> None:
    transcript = read_transcript(SESSION)
    assert transcript.format == "claude_code_jsonl"
    assert transcript.title == "Add a license"
    assert transcript.metadata["session_id"] == "s1"
    assert transcript.metadata["cwd"] == "/repo"
    assert transcript.metadata["models"] == ["claude-opus-4-6"]
    assert [call.name for call in transcript.edit_calls] == ["Write", "Edit"]


def test_exit_status_from_tool_use_result_fields_and_unknown_cases() -> None:
    session = jsonl(
        user("go"),
        assistant(
            "m1",
            tool_use("a", "Bash", command="make"),
            tool_use("b", "Bash", command="sleep 99"),
            tool_use("c", "Bash", command="server &"),
        ),
        user([result("a", "built", is_error=False)], toolUseResult={"stdout": "built", "exitCode": 2}),
        user([result("b", "interrupted")], toolUseResult={"stdout": "", "interrupted": True}),
        user([result("c", "Command running in background with ID: 7")], toolUseResult={"backgroundTaskId": "7"}),
    )
    calls = {call.call_id: call for call in read_claude_code(session).tool_calls}
    assert calls["a"].exit_status == 2
    assert calls["b"].exit_status is None
    assert calls["c"].exit_status is None


def test_orphan_result_and_unanswered_call_keep_their_information() -> None:
    session = jsonl(
        user([result("gone", "output of a call logged before this file starts")]),
        assistant("m1", tool_use("late", "Read", file_path="/x")),
    )
    transcript = read_claude_code(session)
    orphan = transcript.turns[0]
    assert orphan.role == "tool" and orphan.tool_calls[0].name == "unknown"
    assert orphan.tool_calls[0].output == "output of a call logged before this file starts"
    assert transcript.turns[1].tool_calls[0].output is None


def test_user_shell_escape_and_local_command_output() -> None:
    session = jsonl(
        user("<bash-input>git status</bash-input>"),
        user("<bash-stdout>On branch main</bash-stdout><bash-stderr></bash-stderr>"),
        user("<local-command-stdout>\x1b[1mdone\x1b[22m</local-command-stdout>"),
        {
            "type": "system",
            "subtype": "local_command",
            "content": "<local-command-stdout>ok</local-command-stdout>",
            "timestamp": "t",
        },
        user("This session is being continued from a previous conversation.", isCompactSummary=True),
    )
    transcript = read_claude_code(session)
    assert [turn.role for turn in transcript.turns] == ["tool", "system", "system", "system"]
    shell = transcript.turns[0].tool_calls[0]
    assert (shell.name, shell.input, shell.output, shell.is_error) == (
        "Bash",
        {"command": "git status"},
        "On branch main",
        False,
    )
    assert transcript.turns[1].text == "done" and transcript.turns[2].text == "ok"


def test_api_error_records_become_system_turns() -> None:
    session = jsonl(user("hi"), {**assistant("err", text("API Error: overloaded")), "isApiErrorMessage": True})
    transcript = read_claude_code(session)
    turns = [(turn.role, turn.text) for turn in transcript.turns]
    assert turns == [("user", "hi"), ("system", "API Error: overloaded")]


def sidechain(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "isSidechain": True}


SUBAGENT_SESSION = jsonl(
    user("find where the config is loaded"),
    assistant("m1", tool_use("task1", "Task", description="Find config", prompt="Search for config loading")),
    sidechain(user("Search for config loading")),
    sidechain(assistant("s1", text("Looking."), tool_use("g1", "Grep", pattern="load_config"))),
    sidechain(user([result("g1", "src/config.py:3")])),
    sidechain(assistant("s2", text("It is in src/config.py."))),
    user([result("task1", [text("It is in src/config.py.")])]),
    assistant("m2", text("The config is loaded in src/config.py.")),
)


def test_sidechain_prompt_is_the_agent_talking_not_the_person() -> None:
    transcript = read_claude_code(SUBAGENT_SESSION)
    assert [turn.text for turn in transcript.user_turns] == ["find where the config is loaded"]
    prompt = next(turn for turn in transcript.turns if turn.text == "Search for config loading")
    assert (prompt.role, prompt.sidechain) == ("assistant", True)


def test_every_turn_of_a_sidechain_is_flagged_and_main_turns_are_not() -> None:
    transcript = read_claude_code(SUBAGENT_SESSION)
    assert [(turn.role, turn.sidechain, turn.text) for turn in transcript.turns] == [
        ("user", False, "find where the config is loaded"),
        ("assistant", False, ""),
        ("assistant", True, "Search for config loading"),
        ("assistant", True, "Looking."),
        ("assistant", True, "It is in src/config.py."),
        ("assistant", False, "The config is loaded in src/config.py."),
    ]
    grep = next(call for call in transcript.tool_calls if call.name == "Grep")
    assert grep.input == {"pattern": "load_config"} and grep.output == "src/config.py:3"
    task = next(call for call in transcript.tool_calls if call.name == "Task")
    assert task.output == "It is in src/config.py."


def test_a_log_made_only_of_sidechain_records_has_no_user_turn() -> None:
    session = jsonl(sidechain(user("Summarise README.md")), sidechain(assistant("s1", text("It is a demo."))))
    transcript = read_claude_code(session)
    assert transcript.user_turns == ()
    assert all(turn.sidechain and turn.role == "assistant" for turn in transcript.turns)


def test_a_main_record_never_continues_a_sidechain_turn_with_the_same_message_id() -> None:
    session = jsonl(user("go"), sidechain(assistant("same", text("sub"))), assistant("same", text("main")))
    turns = read_claude_code(session).turns
    assert [(turn.text, turn.sidechain) for turn in turns[1:]] == [("sub", True), ("main", False)]


def test_todo_write_calls_keep_their_todo_list() -> None:
    todos = [
        {"content": "Add the parser", "status": "completed", "activeForm": "Adding the parser"},
        {"content": "Run the tests", "status": "in_progress", "activeForm": "Running the tests"},
    ]
    session = jsonl(
        user("plan it"),
        assistant("m1", tool_use("t1", "TodoWrite", todos=todos)),
        user([result("t1", "Todos have been modified successfully.")]),
    )
    (call,) = read_claude_code(session).tool_calls
    assert call.name == "TodoWrite"
    assert call.input == {"todos": todos}
    assert call.output == "Todos have been modified successfully." and call.exit_status is None


def test_images_in_user_messages_become_placeholders() -> None:
    session = jsonl(user([text("what is this?"), {"type": "image", "source": {"data": "..."}}]))
    assert read_claude_code(session).turns[0].text == "what is this?\n[image]"
