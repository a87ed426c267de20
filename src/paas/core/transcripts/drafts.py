"""Shared plumbing for the readers: mutable drafts, strict JSON decoding, safe field access.

Readers build ``TurnDraft``/``CallDraft`` objects while they scan (tool results often arrive
after the call they answer, and streamed records extend a turn already started), then
``build_transcript`` freezes them into the immutable model in one pass. Text parts are
collected in lists and joined once, so building stays linear in the input size.

Every decoding failure becomes a ``TranscriptFormatError`` naming the line (JSONL) or the
character offset (JSON documents). ``RecursionError`` (absurdly nested JSON) and ``ValueError``
(e.g. an integer literal over Python's digit limit) are converted too, so no other exception
type escapes a reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from paas.core.errors import TranscriptFormatError
from paas.core.transcripts.model import ToolCall, Transcript, Turn


@dataclass
class CallDraft:
    name: str
    input: dict[str, Any] | str
    call_id: str | None = None
    output: str | None = None
    exit_status: int | None = None
    is_error: bool = False

    def freeze(self) -> ToolCall:
        return ToolCall(
            name=self.name,
            input=self.input,
            output=self.output,
            exit_status=self.exit_status,
            is_error=self.is_error,
            call_id=self.call_id,
        )


@dataclass
class TurnDraft:
    role: str
    timestamp: str | None = None
    source_line: int | None = None
    parts: list[str] = field(default_factory=list)
    calls: list[CallDraft] = field(default_factory=list)
    key: str | None = None  # e.g. a streamed message id the next record may continue
    sidechain: bool = False  # from a sub-agent's conversation (see ``model.Turn``)

    def add_text(self, text: str) -> None:
        if text and text.strip():
            self.parts.append(text.strip("\n"))

    def add_call(self, call: CallDraft) -> CallDraft:
        self.calls.append(call)
        return call

    @property
    def is_empty(self) -> bool:
        return not self.calls and not any(part.strip() for part in self.parts)


def build_transcript(
    format_name: str,
    drafts: list[TurnDraft],
    title: str | None = None,
    metadata: dict[str, Any] | None = None,
    separator: str = "\n\n",
) -> Transcript:
    """Freeze drafts into a ``Transcript``; empty drafts (no text, no calls) are dropped."""
    turns: list[Turn] = []
    for draft in drafts:
        if draft.is_empty:
            continue
        turns.append(
            Turn(
                index=len(turns),
                role=draft.role,
                text=separator.join(draft.parts).strip(),
                tool_calls=tuple(call.freeze() for call in draft.calls),
                timestamp=draft.timestamp,
                source_line=draft.source_line,
                sidechain=draft.sidechain,
            )
        )
    return Transcript(format=format_name, turns=tuple(turns), title=title, metadata=metadata or {})


def iter_jsonl(text: str, format_name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` for each non-blank line; every line must be a JSON object."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        try:
            record = json.loads(stripped)
        except (ValueError, RecursionError) as exc:
            raise TranscriptFormatError(
                f"{format_name}: line {number} is not valid JSON ({_reason(exc)})",
                {"line": number, "format": format_name},
            ) from None
        if not isinstance(record, dict):
            raise TranscriptFormatError(
                f"{format_name}: line {number} is JSON but not an object",
                {"line": number, "format": format_name},
            )
        yield number, record


def parse_json_document(text: str, format_name: str) -> Any:
    """Decode a whole JSON document, naming the offset (and line) of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptFormatError(
            f"{format_name}: invalid JSON at offset {exc.pos} (line {exc.lineno}): {exc.msg}",
            {"offset": exc.pos, "line": exc.lineno, "format": format_name},
        ) from None
    except (ValueError, RecursionError) as exc:
        raise TranscriptFormatError(
            f"{format_name}: JSON document cannot be decoded ({_reason(exc)})",
            {"offset": 0, "format": format_name},
        ) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)[:200]


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def blocks_text(content: Any, image_placeholder: str = "[image]") -> str:
    """Text of a content that is a string or a list of ``{"type": "text", "text": ...}`` blocks."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in as_list(content):
        if isinstance(block, str):
            parts.append(block)
            continue
        block = as_dict(block)
        kind = as_str(block.get("type"))
        text = as_str(block.get("text"))
        if text is not None and kind in (None, "text", "input_text", "output_text"):
            parts.append(text)
        elif kind in ("image", "input_image", "image_url"):
            parts.append(image_placeholder)
    return "\n".join(parts)


_EXIT_PATTERNS = (
    re.compile(r"^(?:Error: )?Exit code:? (-?\d{1,9})\b", re.MULTILINE),
    re.compile(r"(?:Process|Command) exited with code (-?\d{1,9})\b"),
)


def exit_code_in_text(text: str) -> int | None:
    """An exit code stated in a result text ("Exit code 1", "Command exited with code 2")."""
    for pattern in _EXIT_PATTERNS:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def epoch_to_iso(value: Any) -> str | None:
    """ISO 8601 (UTC) for an epoch number in seconds or milliseconds; None when not a sane number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None
