"""Claude Code session logs: ``<config dir>/projects/<encoded cwd>/<session>.jsonl`` (and sub-agents'
files below a session's folder) as usage records.

A line is a usage record when it holds ``message.usage`` (Claude Code writes one per streamed
content block of an assistant message, so one API response is often several lines sharing
``message.id`` and ``requestId``; ``dedup`` keeps one). Tokens: ``input_tokens``,
``output_tokens``, ``cache_read_input_tokens``, and cache creation from
``usage.cache_creation.ephemeral_5m_input_tokens + ephemeral_1h_input_tokens`` where that
breakdown exists, else ``cache_creation_input_tokens``. Records of the model ``<synthetic>``
(Claude Code's own error or placeholder messages) are ignored. The agent session is the
record's ``sessionId`` (else the one its path names); the project is its ``cwd``.

Speed: only lines containing ``"usage"`` are decoded at all (found with ``bytes.find`` over the
whole chunk, not by splitting every line), and decoding declares only the fields read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import msgspec

from paas.core.usage_logs.model import ChunkRead, TokenCount, UsageRecord, as_utc, complete_part

SOURCE = "claude_code"
SYNTHETIC_MODEL = "<synthetic>"
MAX_ID_LENGTH = 200  # what the ledger keeps of a message or request id
_MARKER = b'"usage"'


class _CacheCreation(msgspec.Struct):
    ephemeral_5m_input_tokens: TokenCount | None = None
    ephemeral_1h_input_tokens: TokenCount | None = None


class _Usage(msgspec.Struct):
    input_tokens: TokenCount | None = None
    output_tokens: TokenCount | None = None
    cache_creation_input_tokens: TokenCount | None = None
    cache_read_input_tokens: TokenCount | None = None
    cache_creation: _CacheCreation | None = None


class _Message(msgspec.Struct):
    id: str | None = None
    model: str | None = None
    usage: _Usage | None = None


class _Line(msgspec.Struct):
    timestamp: datetime | None = None
    message: _Message | None = None
    requestId: str | None = None  # noqa: N815 - Claude Code's field name
    isSidechain: bool | None = None  # noqa: N815
    sessionId: str | None = None  # noqa: N815
    cwd: str | None = None


_decode = msgspec.json.Decoder(_Line).decode


def read_chunk(data: bytes, *, agent_session: str | None = None) -> ChunkRead:
    """The usage records in ``data`` (bytes of a log from a line start); ``agent_session``: the
    session the file's path names, for records that do not say theirs."""
    whole = complete_part(data)
    view = memoryview(whole)
    records: list[UsageRecord] = []
    bad = 0
    find, rfind = whole.find, whole.rfind
    position = 0
    while True:
        hit = find(_MARKER, position)
        if hit < 0:
            break
        start = rfind(b"\n", 0, hit) + 1
        end = find(b"\n", hit)  # always found: ``whole`` ends with a newline
        position = end + 1
        try:
            line = _decode(view[start:end])
        except (msgspec.DecodeError, msgspec.ValidationError):
            bad += 1
            continue
        record = _record(line, agent_session)
        if record is None:
            if line.message is not None and line.message.usage is not None and line.timestamp is None:
                bad += 1  # usage with no time cannot be placed in any window
            continue
        records.append(record)
    return ChunkRead(consumed=len(whole), lines=whole.count(b"\n"), records=records, bad_lines=bad)


def _record(line: _Line, agent_session: str | None) -> UsageRecord | None:
    message = line.message
    if message is None or message.usage is None or line.timestamp is None:
        return None
    if message.model == SYNTHETIC_MODEL:
        return None
    usage = message.usage
    breakdown = usage.cache_creation
    if breakdown is not None:
        cache_creation = (breakdown.ephemeral_5m_input_tokens or 0) + (breakdown.ephemeral_1h_input_tokens or 0)
    else:
        cache_creation = usage.cache_creation_input_tokens or 0
    moment = as_utc(line.timestamp)
    return UsageRecord(
        source=SOURCE, message_id=fitted_id(message.id), request_id=fitted_id(line.requestId),
        sidechain=bool(line.isSidechain), agent_session=line.sessionId or agent_session, model=message.model,
        occurred_at=moment, input_tokens=usage.input_tokens or 0, output_tokens=usage.output_tokens or 0,
        cache_creation_tokens=cache_creation, cache_read_tokens=usage.cache_read_input_tokens or 0,
        project_dir=line.cwd)


def fitted_id(value: str | None) -> str | None:
    """An id as stored (200 characters at most): a longer one is replaced by its SHA-256, so two long
    ids stay two and the same one stays the same."""
    if not value:
        return None
    return value if len(value) <= MAX_ID_LENGTH else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def session_of_path(parts: tuple[str, ...]) -> str | None:
    """The agent session a log's path names, from its parts below ``projects/``:
    ``<project>/<session>.jsonl``, or ``<project>/<session>/.../<file>.jsonl`` (sub-agents)."""
    if len(parts) >= 3:
        return parts[1]
    if len(parts) == 2:
        return parts[1].removesuffix(".jsonl")
    return None
