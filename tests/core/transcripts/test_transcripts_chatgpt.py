"""ChatGPT export: the active branch from current_node, conversation choice, tool messages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from paas.core.errors import TranscriptFormatError
from paas.core.transcripts import read_transcript
from paas.core.transcripts.chatgpt import read_chatgpt


def node(
    role: str | None, text: str = "", parent: str | None = None, children: tuple[str, ...] = (), **message: Any
) -> dict[str, Any]:
    if role is None:
        return {"message": None, "parent": parent, "children": list(children)}
    content = message.pop("content", {"content_type": "text", "parts": [text]})
    author = {"role": role, **({"name": message.pop("name")} if "name" in message else {})}
    return {"message": {"author": author, "content": content, **message}, "parent": parent, "children": list(children)}


BRANCHED = {
    "id": "conv-b",
    "title": "Plotting help",
    "create_time": 1_700_000_000,
    "update_time": 1_700_000_900,
    "current_node": "a2",
    "default_model_slug": "gpt-4o",
    "mapping": {
        "root": node(None, children=("sys",)),
        "sys": node("system", "", parent="root", children=("u1",)),
        "u1": node("user", "plot sin(x)", parent="sys", children=("a1", "a1b"), create_time=1_700_000_001),
        "a1": node("assistant", "FIRST DRAFT, regenerated away", parent="u1", children=()),
        "a1b": node(
            "assistant",
            "",
            parent="u1",
            children=("t1",),
            recipient="python",
            content={"content_type": "code", "language": "python", "text": "plot(sin)"},
        ),
        "t1": node(
            "tool",
            "",
            parent="a1b",
            children=("r1",),
            name="python",
            content={"content_type": "execution_output", "text": "<figure>"},
        ),
        "r1": node(
            "assistant", "", parent="t1", children=("u2",), content={"content_type": "thoughts", "thoughts": []}
        ),
        "u2": node(
            "user",
            "",
            parent="r1",
            children=("a2",),
            content={"content_type": "multimodal_text", "parts": [{"asset_pointer": "file://x"}, "and cos?"]},
        ),
        "a2": node("assistant", "Here is cos too.", parent="u2", children=(), create_time=1_700_000_500.5),
    },
}
OLDER = {
    "id": "conv-a",
    "title": "Older",
    "update_time": 1_600_000_000,
    "current_node": "x",
    "mapping": {"x": node("user", "old question")},
}


def test_walks_back_from_current_node_and_drops_other_branches() -> None:
    transcript = read_chatgpt(json.dumps([OLDER, BRANCHED]))
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("user", "plot sin(x)"),
        ("assistant", ""),
        ("user", "[image]\nand cos?"),
        ("assistant", "Here is cos too."),
    ]
    assert transcript.title == "Plotting help"
    assert transcript.turns[0].timestamp == "2023-11-14T22:13:21Z"
    assert transcript.turns[3].timestamp == "2023-11-14T22:21:40.500000Z"


def test_assistant_message_to_a_tool_is_a_call_answered_by_the_tool_message() -> None:
    call = read_chatgpt(json.dumps([BRANCHED])).tool_calls[0]
    assert (call.name, call.input, call.output, call.is_error) == ("python", "plot(sin)", "<figure>", False)


def test_default_is_the_last_updated_conversation_and_an_id_picks_another() -> None:
    document = json.dumps([BRANCHED, OLDER])
    default = read_transcript(document)
    assert default.format == "chatgpt_json"
    assert default.metadata["conversation_count"] == 2 and default.metadata["conversation_id"] == "conv-b"
    assert default.metadata["models"] == ["gpt-4o"]
    older = read_transcript(document, conversation_id="conv-a")
    assert [turn.text for turn in older.turns] == ["old question"]
    assert read_chatgpt(document, conversation_id="1").title == "Older"
    with pytest.raises(TranscriptFormatError) as raised:
        read_chatgpt(document, conversation_id="nope")
    assert raised.value.details["conversation_id"] == "nope"


def test_single_conversation_object_and_missing_current_node() -> None:
    single = {key: value for key, value in BRANCHED.items() if key != "current_node"}
    transcript = read_chatgpt(json.dumps(single))
    assert transcript.turns[-1].text == "Here is cos too."  # the most recently created leaf


def test_hidden_messages_and_custom_instructions() -> None:
    conversation = {
        "current_node": "u",
        "mapping": {
            "c": node(
                "user",
                "",
                children=("h",),
                content={
                    "content_type": "user_editable_context",
                    "user_profile": "I am a dev",
                    "user_instructions": "Be brief",
                },
            ),
            "h": node(
                "system", "hidden", parent="c", children=("u",), metadata={"is_visually_hidden_from_conversation": True}
            ),
            "u": node("user", "hello", parent="h"),
        },
    }
    transcript = read_chatgpt(json.dumps([conversation]))
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("system", "I am a dev\n\nBe brief"),
        ("user", "hello"),
    ]


def test_parent_cycle_stops_the_walk() -> None:
    conversation = {
        "current_node": "a",
        "mapping": {"a": node("user", "a", parent="b"), "b": node("assistant", "b", parent="a")},
    }
    assert [turn.text for turn in read_chatgpt(json.dumps(conversation)).turns] == ["b", "a"]
