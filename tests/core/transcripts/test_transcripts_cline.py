"""Cline / Roo api_conversation_history.json: XML tool calls in text, results in user messages."""

from __future__ import annotations

import json
from typing import Any

from paas.core.transcripts import read_transcript
from paas.core.transcripts.cline import read_cline, split_tool_xml


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


HISTORY = json.dumps(
    [
        {
            "role": "user",
            "content": [
                text("<task>\nAdd a README and run the tests\n</task>"),
                text("<environment_details>\n# VSCode Open Tabs\nsrc/a.ts\n</environment_details>"),
            ],
        },
        {
            "role": "assistant",
            "content": [
                text(
                    "<thinking>I should write the file first.</thinking>\nI'll create the README.\n\n"
                    "<write_to_file>\n<path>README.md</path>\n<content>\n# Demo\n<b>bold</b>\n</content>\n"
                    "</write_to_file>"
                )
            ],
        },
        {
            "role": "user",
            "content": [
                text("[write_to_file for 'README.md'] Result:"),
                text("The content was successfully saved to README.md."),
                text("<environment_details>\n...\n</environment_details>"),
            ],
        },
        {
            "role": "assistant",
            "content": [
                text(
                    "<execute_command>\n<command>npm test</command>\n<requires_approval>false</requires_approval>\n"
                    "</execute_command>"
                )
            ],
        },
        {
            "role": "user",
            "content": [
                text("[execute_command for 'npm test'] Result:"),
                text("Command executed in terminal within working directory '/x'. Exit code: 1\nOutput:\n1 failing"),
            ],
        },
        {
            "role": "assistant",
            "content": "<ask_followup_question>\n<question>Fix the failing test too?</question>\n"
            "</ask_followup_question>",
        },
        {
            "role": "user",
            "content": [
                text("[ask_followup_question for 'Fix the failing test too?'] Result:"),
                text("<answer>\nyes please\n</answer>"),
            ],
        },
        {
            "role": "assistant",
            "content": [text("<replace_in_file>\n<path>src/a.ts</path>\n<diff>\n-a\n+b\n</diff>\n</replace_in_file>")],
        },
        {
            "role": "user",
            "content": [
                text("[replace_in_file for 'src/a.ts'] Result:"),
                text("The user denied this operation."),
                text("<feedback>\nuse a different approach\n</feedback>"),
            ],
        },
        {"role": "user", "content": [text("[ERROR] You did not use a tool in your previous response!")]},
        {
            "role": "assistant",
            "content": [text("<attempt_completion>\n<result>README added.</result>\n</attempt_completion>")],
        },
    ]
)


def test_turns_separate_human_words_from_harness_traffic() -> None:
    transcript = read_cline(HISTORY)
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("user", "Add a README and run the tests"),
        ("assistant", "I'll create the README."),
        ("assistant", ""),
        ("assistant", "Fix the failing test too?"),
        ("user", "yes please"),
        ("assistant", ""),
        ("user", "use a different approach"),
        ("system", "[ERROR] You did not use a tool in your previous response!"),
        ("assistant", "README added."),
    ]


def test_xml_tool_calls_get_their_parameters_and_results() -> None:
    calls = read_cline(HISTORY).tool_calls
    assert [call.name for call in calls] == [
        "write_to_file",
        "execute_command",
        "ask_followup_question",
        "replace_in_file",
        "attempt_completion",
    ]
    write, command, question, replace, completion = calls
    assert write.input == {"path": "README.md", "content": "# Demo\n<b>bold</b>"}
    assert write.output == "The content was successfully saved to README.md." and not write.is_error
    assert command.input == {"command": "npm test", "requires_approval": "false"}
    assert command.exit_status == 1 and command.is_error and command.output is not None
    assert command.output.endswith("1 failing")
    assert question.output == "<answer>\nyes please\n</answer>"
    assert replace.is_error and replace.output is not None and replace.output.startswith("The user denied")
    assert completion.input == {"result": "README added."} and completion.output is None


def test_detection_and_edit_view() -> None:
    transcript = read_transcript(HISTORY, filename="tasks/1/api_conversation_history.json")
    assert transcript.format == "cline_json"
    assert [call.input_value("path") for call in transcript.edit_calls] == ["README.md", "src/a.ts"]


def test_native_tool_use_blocks() -> None:
    history = json.dumps(
        [
            {"role": "user", "content": "list files"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "list_files", "input": {"path": "."}}],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "a.py"}]}
                ],
            },
        ]
    )
    transcript = read_cline(history)
    assert [turn.role for turn in transcript.turns] == ["user", "assistant"]
    assert transcript.tool_calls[0].output == "a.py" and transcript.tool_calls[0].call_id == "t1"


def test_split_tool_xml_handles_unclosed_calls_and_plain_mentions() -> None:
    prose, calls = split_tool_xml("Use <b>bold</b> here.\n<read_file>\n<path>src/x.ts")
    assert prose == "Use <b>bold</b> here."
    assert calls == [("read_file", {"path": "src/x.ts"})]
