"""Readers for AI-coding transcripts: many formats in, one turn model out.

``read_transcript(text, filename=None, format=None)`` detects the format (content first, file
name as a hint; unknown text is read as plain text) and returns a ``Transcript``: ordered
``Turn``s (role, text, tool calls, timestamp, source line) plus title and metadata. See
``model`` for the model and each reader module for what it keeps and drops.

Pure code: the caller supplies the text; nothing here reads files, the network or the clock.
Damaged input raises ``TranscriptFormatError`` whose ``details`` name the ``line`` (JSON Lines)
or ``offset`` (JSON documents); no other exception type escapes a reader.
"""

from __future__ import annotations

from collections.abc import Callable

from paas.core.errors import TranscriptFormatError
from paas.core.transcripts.aider import read_aider
from paas.core.transcripts.chatgpt import read_chatgpt
from paas.core.transcripts.claude_code import read_claude_code
from paas.core.transcripts.cline import read_cline
from paas.core.transcripts.codex import read_codex
from paas.core.transcripts.detect import FORMATS, detect_format
from paas.core.transcripts.model import ToolCall, Transcript, Turn
from paas.core.transcripts.pi_agent import read_pi_agent
from paas.core.transcripts.plain import read_plain
from paas.core.transcripts.specstory import read_specstory

__all__ = [
    "FORMATS",
    "ToolCall",
    "Transcript",
    "TranscriptFormatError",
    "Turn",
    "detect_format",
    "read_transcript",
]

_READERS: dict[str, Callable[[str], Transcript]] = {
    "plain": read_plain,
    "aider": read_aider,
    "claude_code_jsonl": read_claude_code,
    "codex_jsonl": read_codex,
    "specstory": read_specstory,
    "cline_json": read_cline,
    "pi_agent_jsonl": read_pi_agent,
}


def read_transcript(
    text: str,
    filename: str | None = None,
    format: str | None = None,
    *,
    conversation_id: str | None = None,
) -> Transcript:
    """Read ``text`` as ``format`` (detected when None) into a ``Transcript``.

    ``conversation_id`` picks one conversation of a ChatGPT export (by id or list index); by
    default the most recently updated one is read. A leading byte-order mark is ignored, so
    reported offsets count from the character after it.
    """
    if format is not None and format not in FORMATS:
        raise TranscriptFormatError(
            f"unknown transcript format {format!r}; known formats: {', '.join(FORMATS)}",
            {"format": format, "known_formats": list(FORMATS)},
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    chosen = format or detect_format(text, filename)
    if chosen == "chatgpt_json":
        return read_chatgpt(text, conversation_id)
    return _READERS[chosen](text)
