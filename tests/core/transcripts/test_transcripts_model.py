"""The turn model: immutable values with the views a consumer needs."""

from __future__ import annotations

import dataclasses

import pytest

from paas.core.transcripts import FORMATS, ToolCall, Transcript, Turn, read_transcript


def sample() -> Transcript:
    edit = ToolCall(name="Edit", input={"file_path": "a.py"}, output="ok", exit_status=None, is_error=False)
    shell = ToolCall(name="Bash", input={"command": "pytest"}, output="1 failed", exit_status=1, is_error=True)
    return Transcript(
        format="claude_code_jsonl",
        turns=(
            Turn(index=0, role="user", text="fix it"),
            Turn(index=1, role="assistant", text="done", tool_calls=(edit, shell)),
            Turn(index=2, role="system", text="compacted"),
            Turn(index=3, role="user", text="thanks!"),
        ),
        title="t",
        metadata={"cwd": "/x"},
    )


def test_views_select_turns_and_calls_by_role_and_kind() -> None:
    transcript = sample()
    assert [turn.text for turn in transcript.user_turns] == ["fix it", "thanks!"]
    assert [turn.index for turn in transcript.assistant_turns] == [1]
    assert transcript.last_user_turn is not None and transcript.last_user_turn.text == "thanks!"
    assert [call.name for call in transcript.tool_calls] == ["Edit", "Bash"]
    assert [call.name for call in transcript.edit_calls] == ["Edit"]
    assert transcript.text_length == len("fix it") + len("done") + len("compacted") + len("thanks!")
    assert [turn.index for turn in transcript.turns_by_role("system")] == [2]


def test_tool_call_input_value_reads_dict_inputs_only() -> None:
    assert ToolCall("edit", {"path": "a"}).input_value("path") == "a"
    assert ToolCall("apply_patch", "*** Begin Patch").input_value("path") is None


def test_model_values_are_frozen() -> None:
    transcript = sample()
    with pytest.raises(dataclasses.FrozenInstanceError):
        transcript.turns[0].text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        transcript.tool_calls[0].output = "changed"  # type: ignore[misc]


def test_empty_transcript_has_no_last_user_turn() -> None:
    transcript = read_transcript("")
    assert transcript.turns == ()
    assert transcript.last_user_turn is None
    assert transcript.format == "plain"


def test_every_format_name_is_listed_once() -> None:
    assert len(FORMATS) == len(set(FORMATS)) == 8
    assert set(FORMATS) == {
        "plain",
        "aider",
        "claude_code_jsonl",
        "codex_jsonl",
        "chatgpt_json",
        "specstory",
        "cline_json",
        "pi_agent_jsonl",
    }


def test_turn_indexes_are_positions() -> None:
    transcript = read_transcript("User: a\nAssistant: b\nUser: c\n")
    assert [turn.index for turn in transcript.turns] == list(range(len(transcript.turns)))
