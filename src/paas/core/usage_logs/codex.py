"""Codex CLI rollouts: ``<CODEX_HOME>/sessions/YYYY/MM/DD/rollout-*.jsonl`` as usage records.

Codex logs, after each model response, an ``event_msg`` whose payload is of type
``token_count``; its ``info.total_token_usage`` is the session's CUMULATIVE usage
(``input_tokens`` with the cached part included, ``cached_input_tokens``, ``output_tokens``,
``reasoning_output_tokens``, ``total_tokens``). One record is the difference from the previous
total; a total logged again unchanged adds nothing. As ccusage reports it: input WITHOUT the
cached part, the cached input as cache reads, no cache creation. The model is the latest
``turn_context`` payload's ``model``. The state carried from one read to the next (a file that
grew is read from where it stopped) is the last total and the model.

A Codex record has no message id: its id is the session and the cumulative total it reached,
stable across rereads, so a file read again from the start is recognised record by record.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import msgspec

from paas.core.usage_logs.model import ChunkRead, TokenCount, UsageRecord, as_utc, complete_part

SOURCE = "codex"
_MARKERS = (b'"token_count"', b'"turn_context"')
_FIELDS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens", "total_tokens")


class _TokenUsage(msgspec.Struct):
    input_tokens: TokenCount | None = None
    cached_input_tokens: TokenCount | None = None
    output_tokens: TokenCount | None = None
    reasoning_output_tokens: TokenCount | None = None
    total_tokens: TokenCount | None = None

    def as_tuple(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) or 0 for name in _FIELDS)


class _Info(msgspec.Struct):
    total_token_usage: _TokenUsage | None = None


class _Payload(msgspec.Struct):
    type: str | None = None
    info: _Info | None = None
    model: str | None = None
    cwd: str | None = None


class _Line(msgspec.Struct):
    timestamp: datetime | None = None
    type: str | None = None
    payload: _Payload | None = None


_decode = msgspec.json.Decoder(_Line).decode


def read_chunk(data: bytes, *, agent_session: str, state: dict[str, Any] | None = None) -> ChunkRead:
    """The usage records in ``data`` (a rollout's bytes from a line start), going on from ``state``
    (what the previous read of the same file answered; empty for a read from the start)."""
    whole = complete_part(data)
    totals = tuple(state.get("totals", ())) if state else ()
    model: str | None = state.get("model") if state else None
    cwd: str | None = state.get("cwd") if state else None
    records: list[UsageRecord] = []
    bad = 0
    for raw in whole.splitlines():
        if not any(marker in raw for marker in _MARKERS):
            continue
        try:
            line = _decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            bad += 1
            continue
        payload = line.payload
        if payload is None:
            continue
        if line.type == "turn_context":
            model = payload.model or model
            cwd = payload.cwd or cwd
            continue
        if line.type != "event_msg" or payload.type != "token_count":
            continue
        total = payload.info.total_token_usage if payload.info is not None else None
        if total is None:
            continue
        if line.timestamp is None:
            bad += 1
            continue
        now_total = total.as_tuple()
        if now_total == totals:
            continue  # the same cumulative total logged again
        before = totals if len(totals) == len(now_total) else (0,) * len(now_total)
        delta = [max(0, after - earlier) for after, earlier in zip(now_total, before, strict=True)]
        totals = now_total
        input_all, cached, output = delta[0], delta[1], delta[2]
        if not any(delta[:4]):
            continue
        moment = as_utc(line.timestamp)
        records.append(UsageRecord(
            source=SOURCE, message_id=_record_id(agent_session, now_total),
            request_id=None, sidechain=False, agent_session=agent_session, model=model, occurred_at=moment,
            input_tokens=max(0, input_all - cached), output_tokens=output, cache_creation_tokens=0,
            cache_read_tokens=cached, project_dir=cwd))
    new_state: dict[str, Any] = {"totals": list(totals), "model": model, "cwd": cwd}
    return ChunkRead(consumed=len(whole), lines=whole.count(b"\n"), records=records, bad_lines=bad,
                     state=new_state)


def _record_id(agent_session: str, total: tuple[int, ...]) -> str:
    """The session and the cumulative total it reached (the session hashed when its name is long)."""
    where = agent_session if len(agent_session) <= 120 else hashlib.sha256(agent_session.encode()).hexdigest()
    return f"{where}@{total[4]}:{total[0]}:{total[2]}"


def session_of_path(parts: tuple[str, ...]) -> str:
    """The agent session a rollout's path names, from its parts below ``sessions/``
    (``2025/09/28/rollout-...``: the path without ``.jsonl``, as ccusage's session report names it)."""
    return "/".join(parts).removesuffix(".jsonl") or "unknown"
