"""Plain text and generic Markdown: speaker markers when it is a dialogue, else one request."""

from __future__ import annotations

from paas.core.transcripts import read_transcript
from paas.core.transcripts.plain import read_plain


def test_label_markers_split_a_dialogue() -> None:
    transcript = read_plain(
        "User: how do I sort a list?\nwith a key\n\nAssistant: use sorted(xs, key=f)\nHuman: thanks"
    )
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("user", "how do I sort a list?\nwith a key"),
        ("assistant", "use sorted(xs, key=f)"),
        ("user", "thanks"),
    ]
    assert [turn.source_line for turn in transcript.turns] == [1, 4, 5]


def test_markdown_headings_and_bold_labels_are_markers_but_not_inside_code() -> None:
    text = (
        "# Chat export\nExported from somewhere\n\n## User\nwrite a haiku\n\n### Assistant\n"
        "```text\nUser: this is inside code\n```\n\n**AI:** another answer\n**System**: note\n"
    )
    transcript = read_plain(text)
    assert transcript.title == "Chat export"
    assert [(turn.role, turn.text) for turn in transcript.turns] == [
        ("system", "Exported from somewhere"),
        ("user", "write a haiku"),
        ("assistant", "```text\nUser: this is inside code\n```"),
        ("assistant", "another answer"),
        ("system", "note"),
    ]


def test_text_without_a_dialogue_is_one_user_turn() -> None:
    text = "Please refactor the parser.\nUser: a lone marker is not a dialogue\n"
    transcript = read_transcript(text)
    assert transcript.format == "plain"
    assert [(turn.role, turn.text) for turn in transcript.turns] == [("user", text.strip())]
    assert transcript.tool_calls == ()


def test_unknown_formats_fall_back_to_plain_text() -> None:
    transcript = read_transcript("<html><body>hi</body></html>", filename="page.html")
    assert transcript.format == "plain" and transcript.turns[0].text == "<html><body>hi</body></html>"
