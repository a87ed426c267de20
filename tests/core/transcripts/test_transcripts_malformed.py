"""Damaged input raises TranscriptFormatError naming the line or offset, never anything else."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paas.core.errors import TranscriptFormatError
from paas.core.transcripts import FORMATS, read_transcript

GOOD_LINES = {
    "claude_code_jsonl": [
        {"type": "user", "sessionId": "s", "message": {"role": "user", "content": "hi"}},
        {"type": "assistant", "sessionId": "s", "message": {"id": "m", "content": [{"type": "text", "text": "yo"}]}},
    ],
    "codex_jsonl": [
        {"timestamp": "t", "type": "session_meta", "payload": {"id": "x"}},
        {"timestamp": "t", "type": "response_item", "payload": {"type": "message", "role": "user", "content": []}},
    ],
    "pi_agent_jsonl": [
        {"type": "session", "version": 3, "id": "x", "timestamp": "t", "cwd": "/"},
        {"type": "message", "id": "a", "parentId": None, "timestamp": "t", "message": {"role": "user"}},
    ],
}


@pytest.mark.parametrize("format_name", sorted(GOOD_LINES))
@pytest.mark.parametrize("broken", ['{"type": "user", "message": {', "not json", "[1, 2]", '"a string"'])
def test_jsonl_with_a_broken_line_3_names_line_3(format_name: str, broken: str) -> None:
    lines = [json.dumps(record) for record in GOOD_LINES[format_name]]
    text = "\n".join([lines[0], lines[1], broken, lines[1]])
    with pytest.raises(TranscriptFormatError) as raised:
        read_transcript(text)  # detected from the good lines, reported by the reader
    assert raised.value.details["line"] == 3
    assert raised.value.details["format"] == format_name
    assert "line 3" in raised.value.message


def test_blank_lines_count_in_line_numbers() -> None:
    good = json.dumps(GOOD_LINES["claude_code_jsonl"][0])
    with pytest.raises(TranscriptFormatError) as raised:
        read_transcript(f"{good}\n\n\n{{oops\n", format="claude_code_jsonl")
    assert raised.value.details["line"] == 4


def test_truncated_conversations_json_names_the_offset() -> None:
    document = json.dumps(
        [
            {
                "title": "t",
                "current_node": "a",
                "mapping": {
                    "a": {
                        "message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["hi"]}},
                        "parent": None,
                        "children": [],
                    }
                },
            }
        ]
    )
    truncated = document[: len(document) // 2]
    with pytest.raises(TranscriptFormatError) as raised:
        read_transcript(truncated, filename="conversations.json")
    offset = raised.value.details["offset"]
    assert isinstance(offset, int) and 0 < offset <= len(truncated)
    assert raised.value.details["format"] == "chatgpt_json"


def test_truncated_cline_history_names_the_offset() -> None:
    with pytest.raises(TranscriptFormatError) as raised:
        read_transcript('[{"role": "user", "content": "hi"}, {"role": "assis')
    assert raised.value.details["format"] == "cline_json"
    assert raised.value.details["offset"] > 30


@pytest.mark.parametrize(
    ("text", "format_name"),
    [
        ("[1, 2, 3]", "chatgpt_json"),
        ('{"no": "mapping"}', "chatgpt_json"),
        ('{"role": "user"}', "cline_json"),
    ],
)
def test_valid_json_of_the_wrong_shape_is_a_format_error(text: str, format_name: str) -> None:
    with pytest.raises(TranscriptFormatError) as raised:
        read_transcript(text, format=format_name)
    assert raised.value.details["offset"] == 0


def test_absurd_nesting_and_huge_numbers_become_format_errors() -> None:
    with pytest.raises(TranscriptFormatError) as nested:
        read_transcript("[" * 200_000 + "]" * 200_000, format="chatgpt_json")
    assert "offset" in nested.value.details
    with pytest.raises(TranscriptFormatError) as deep_line:
        read_transcript('{"a": ' + "[" * 200_000 + "]" * 200_000 + "}", format="claude_code_jsonl")
    assert deep_line.value.details["line"] == 1
    with pytest.raises(TranscriptFormatError) as huge:
        read_transcript('{"type": "user", "n": ' + "9" * 5000 + "}", format="codex_jsonl")
    assert huge.value.details["line"] == 1


def test_unknown_format_name_is_refused() -> None:
    with pytest.raises(TranscriptFormatError) as raised:
        read_transcript("hi", format="word_doc")
    assert raised.value.details["format"] == "word_doc"


def test_wrong_field_types_are_tolerated_not_crashed() -> None:
    odd_records = [
        {"type": "assistant", "message": {"id": 5, "content": [None, 3, {"type": "tool_use", "input": 7}]}},
        {"type": "user", "message": {"content": [{"type": "tool_result", "tool_use_id": None, "content": 9}]}},
        {"type": "user", "message": "not a dict", "isMeta": "yes"},
        {"type": "system", "content": ["x"]},
    ]
    transcript = read_transcript("\n".join(json.dumps(r) for r in odd_records), format="claude_code_jsonl")
    assert transcript.format == "claude_code_jsonl"
    odd_chatgpt = json.dumps(
        [
            {
                "mapping": {"a": 5, "b": {"message": {"author": "x", "content": 3}, "parent": 9}},
                "current_node": "b",
                "update_time": "soon",
            }
        ]
    )
    assert read_transcript(odd_chatgpt).format == "chatgpt_json"
    odd_cline = json.dumps(
        [
            5,
            {"role": "user", "content": [None, {"type": "text", "text": 3}]},
            {"role": "assistant", "content": {"a": 1}},
        ]
    )
    assert read_transcript(odd_cline, format="cline_json").format == "cline_json"


FRAGMENTS = st.sampled_from(
    [
        "\n",
        "#### ",
        "> ",
        "# aider chat started at 2025-01-01\n",
        "```",
        "````\n",
        "---\n",
        "_**User**_\n",
        "_**Assistant**_\n",
        "<details>",
        "<summary>Tool use: **x**</summary>",
        "</details>",
        "<tool-use ",
        "Read file: ",
        "User: ",
        "Assistant: ",
        "{",
        "}",
        "[",
        "]",
        '"type": "user"',
        '"message": ',
        '"mapping"',
        '"role": ',
        '"content": ',
        '"payload": ',
        '"parentId": ',
        ", ",
        ":",
        '"',
        "<write_to_file>",
        "<path>",
        "</path>",
        "Applied edit to a.py  \n",
        "Commit abc1234 msg  \n",
        "\r\n",
        "\ufeff",
        "x",
        "  ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.text(max_size=400), st.lists(FRAGMENTS, max_size=60).map("".join)), st.sampled_from([None, *FORMATS])
)
def test_any_text_reads_or_raises_only_transcript_format_error(text: str, format_name: str | None) -> None:
    try:
        transcript = read_transcript(text, format=format_name)
    except TranscriptFormatError as error:
        assert "line" in error.details or "offset" in error.details
    else:
        assert transcript.format in FORMATS
        assert [turn.index for turn in transcript.turns] == list(range(len(transcript.turns)))
