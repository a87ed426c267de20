"""The one record model every usage-log reader answers, and what a read of one chunk gives.

A ``UsageRecord`` is one API response's token usage as an agent logged it: input (without any
cached part), output, cache creation and cache reads, the model, when (aware UTC), and the ids
that let the same response logged twice be recognised (``message_id`` + ``request_id``,
``sidechain`` for a sub-agent's copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec

# A token count as a log may state it, checked as the line is decoded: never negative (a negative
# count failed the ledger's check and stopped the import with a traceback), at most 10^12 (a
# larger one overflowed the 64-bit columns). A line with any other count is a bad line: skipped
# and counted, like one that does not decode.
MAX_TOKEN_COUNT = 10**12
TokenCount = Annotated[int, msgspec.Meta(ge=0, le=MAX_TOKEN_COUNT)]


@dataclass(frozen=True, slots=True)
class UsageRecord:
    source: str  # core.types.UsageSource value
    message_id: str | None
    request_id: str | None
    sidechain: bool
    agent_session: str | None
    model: str | None
    occurred_at: datetime
    input_tokens: int
    output_tokens: int
    cache_creation_tokens: int
    cache_read_tokens: int
    project_dir: str | None = None

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_creation_tokens + self.cache_read_tokens


@dataclass(frozen=True, slots=True)
class ChunkRead:
    """What one reader made of a chunk of bytes: ``consumed`` bytes (complete lines only: a last
    line without its newline is left for the next read), ``lines`` among them, the records found,
    ``bad_lines`` that looked like usage but did not decode, and the reader's state to go on from."""

    consumed: int
    lines: int
    records: list[UsageRecord]
    bad_lines: int = 0
    state: dict[str, Any] = field(default_factory=dict)


def as_utc(moment: datetime) -> datetime:
    """A log's timestamp in UTC (one without a zone is taken as UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def complete_part(data: bytes) -> bytes:
    """``data`` up to and including its last newline (a half-written last line waits)."""
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""
