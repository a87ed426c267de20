"""A transcript from (role, text[, tool calls]) steps, for the briefing tests."""

from __future__ import annotations

from paas.core.transcripts.model import ToolCall, Transcript, Turn

Step = tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]


def session(*turns: Step, fmt: str = "plain") -> Transcript:
    built = tuple(Turn(i, t[0], t[1], t[2] if len(t) > 2 else ()) for i, t in enumerate(turns))  # type: ignore[misc]
    return Transcript(fmt, built, metadata={})
