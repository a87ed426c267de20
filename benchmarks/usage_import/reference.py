"""The reference reader: the issue's counting rules in plain Python, written apart from paas's importer.

It never imports ``paas``: it is what the importer's totals are checked against, so it must stay
obviously right rather than fast. Every line goes through ``json.loads`` (``usage_lines_only``
skips, before decoding, lines that cannot matter: no ``"usage"`` in a Claude line, none of
``token_count``/``turn_context``/``session_meta`` in a Codex line; the totals are the same, the
time is the issue's "json.loads of just the usage lines" baseline).

Claude Code (the issue's rules, applied over the whole tree in sorted path order, lines in order):

- a record counts when it has ``message.usage`` and its model is not ``<synthetic>``;
- two records with the same ``message.id`` are copies of one message when they share the
  ``requestId``, or either has none, or either is a sidechain (``isSidechain``) copy; records
  with the same message id and two different request ids, both in the main chain, are two;
- of the copies, a non-sidechain copy beats a sidechain one, then the most tokens
  (input + output + cache creation + cache reads) wins, then the first seen stays;
- cache creation is ``cache_creation.ephemeral_5m_input_tokens + ephemeral_1h_input_tokens``
  where that object exists, else ``cache_creation_input_tokens``;
- the kept copy's timestamp (its UTC date) and ``sessionId`` say which day and session it is;
- copies are looked for across the whole tree, as paas's ledger does (ccusage looks within a
  session; the generated tree copies no message into another session, so both agree on it).

Codex CLI (each rollout on its own): the usage of an ``event_msg`` ``token_count`` is its
``info.total_token_usage`` minus the previous total of the file (a repeated total adds nothing);
input is reported without the cached part (``input_tokens - cached_input_tokens``), the cached
part is cache reads, output is ``output_tokens`` (reasoning included, as OpenAI counts it); the
session is ``session_meta.payload.id``, the model the latest ``turn_context``'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CLAUDE = "claude_code"
CODEX = "codex"
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")


@dataclass
class Totals:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_tokens: int = 0
    cache_read_tokens: int = 0
    records: int = 0

    def add(self, other: Totals) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_creation_tokens += other.cache_creation_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.records += other.records

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_creation_tokens + self.cache_read_tokens

    def figures(self) -> tuple[int, int, int, int]:
        return (self.input_tokens, self.output_tokens, self.cache_creation_tokens, self.cache_read_tokens)


@dataclass
class Usage:
    """One counted record: where it belongs and its tokens."""

    agent: str
    session: str
    day: str
    model: str | None
    tokens: Totals
    sidechain: bool = False


@dataclass
class Report:
    """What the reference read and the totals it found, per (agent, day) and per (agent, session)."""

    files: int = 0
    bytes: int = 0
    lines: int = 0
    records: int = 0
    duplicates: int = 0
    synthetic: int = 0
    bad_lines: int = 0
    usages: list[Usage] = field(default_factory=list)
    # days holding copies without any requestId written at another time than the first copy: the
    # days ccusage's daily report counts apart (it keys such copies by timestamp too)
    untimed_copy_days: set[str] = field(default_factory=set)

    def total(self) -> Totals:
        total = Totals()
        for usage in self.usages:
            total.add(usage.tokens)
        return total

    def by(self, key: str) -> dict[tuple[str, str], Totals]:
        grouped: dict[tuple[str, str], Totals] = {}
        for usage in self.usages:
            grouped.setdefault((usage.agent, getattr(usage, key)), Totals()).add(usage.tokens)
        return grouped

    def per_day(self) -> dict[tuple[str, str], Totals]:
        return self.by("day")

    def per_session(self) -> dict[tuple[str, str], Totals]:
        return self.by("session")


def jsonl_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.jsonl") if path.is_file())


def read_lines(path: Path, report: Report) -> Iterable[bytes]:
    data = path.read_bytes()
    report.files += 1
    report.bytes += len(data)
    for line in data.split(b"\n"):
        if line.strip():
            report.lines += 1
            yield line


def decode(line: bytes, report: Report) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:
        report.bad_lines += 1
        return None
    return value if isinstance(value, dict) else None


# ---- Claude Code ---------------------------------------------------------------------------------

def number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def claude_tokens(usage: dict[str, Any]) -> Totals:
    breakdown = usage.get("cache_creation")
    if isinstance(breakdown, dict):
        created = (number(breakdown.get("ephemeral_5m_input_tokens"))
                   + number(breakdown.get("ephemeral_1h_input_tokens")))
    else:
        created = number(usage.get("cache_creation_input_tokens"))
    return Totals(number(usage.get("input_tokens")), number(usage.get("output_tokens")), created,
                  number(usage.get("cache_read_input_tokens")), 1)


@dataclass
class ClaudeCopy:
    message_id: str
    request_id: str | None
    usage: Usage
    timestamp: object  # the first copy's, as written


def same_message(kept: ClaudeCopy, request_id: str | None, sidechain: bool) -> bool:
    if kept.request_id is None or request_id is None or kept.usage.sidechain or sidechain:
        return True
    return kept.request_id == request_id


def better(candidate: Usage, kept: Usage) -> bool:
    if candidate.sidechain != kept.sidechain:
        return kept.sidechain
    return candidate.tokens.tokens > kept.tokens.tokens


def session_of(path: Path, projects: Path) -> str:
    """The session a file belongs to when its records do not say (``<s>.jsonl``, ``<s>/subagents/...``)."""
    parts = path.relative_to(projects).parts
    return parts[1] if len(parts) > 2 else path.stem


def read_claude(config_dirs: Iterable[Path], report: Report, *, usage_lines_only: bool = False) -> None:
    kept: dict[str, list[ClaudeCopy]] = {}
    for config_dir in config_dirs:
        projects = config_dir / "projects"
        for path in jsonl_files(projects):
            fallback_session = session_of(path, projects)
            for line in read_lines(path, report):
                if usage_lines_only and b'"usage"' not in line:
                    continue
                record = decode(line, report)
                message = record.get("message") if record else None
                if not isinstance(message, dict) or not isinstance(message.get("usage"), dict):
                    continue
                assert record is not None
                if message.get("model") == "<synthetic>":
                    report.synthetic += 1
                    continue
                timestamp = record.get("timestamp")
                day = timestamp[:10] if isinstance(timestamp, str) else "unknown"
                model = message.get("model") if isinstance(message.get("model"), str) else None
                usage = Usage(CLAUDE, str(record.get("sessionId") or fallback_session), day, model,
                              claude_tokens(message["usage"]), sidechain=record.get("isSidechain") is True)
                message_id = message.get("id")
                request_id = record.get("requestId") if isinstance(record.get("requestId"), str) else None
                if not isinstance(message_id, str):
                    report.usages.append(usage)  # nothing to know its copies by
                    continue
                copies = kept.setdefault(message_id, [])
                match = next((copy for copy in copies if same_message(copy, request_id, usage.sidechain)), None)
                if match is None:
                    copies.append(ClaudeCopy(message_id, request_id, usage, timestamp))
                    continue
                report.duplicates += 1
                if request_id is None and match.request_id is None and timestamp != match.timestamp:
                    report.untimed_copy_days.update((day, match.usage.day))
                if better(usage, match.usage):
                    match.usage = usage
                    match.request_id = request_id if request_id is not None else match.request_id
    for copies in kept.values():
        report.usages.extend(copy.usage for copy in copies)


# ---- Codex CLI -----------------------------------------------------------------------------------

CODEX_MARKERS = (b'"token_count"', b'"turn_context"', b'"session_meta"')
CODEX_FIELDS = ("input_tokens", "cached_input_tokens", "output_tokens")


def read_codex(codex_homes: Iterable[Path], report: Report, *, usage_lines_only: bool = False) -> None:
    for home in codex_homes:
        for path in jsonl_files(home / "sessions"):
            session = path.stem
            model: str | None = None
            previous = dict.fromkeys(CODEX_FIELDS, 0)
            for line in read_lines(path, report):
                if usage_lines_only and not any(marker in line for marker in CODEX_MARKERS):
                    continue
                record = decode(line, report)
                payload = record.get("payload") if record else None
                if not isinstance(payload, dict):
                    continue
                assert record is not None
                kind = record.get("type")
                if kind == "session_meta" and isinstance(payload.get("id"), str):
                    session = payload["id"]
                elif kind == "turn_context" and isinstance(payload.get("model"), str):
                    model = payload["model"]
                elif kind == "event_msg" and payload.get("type") == "token_count":
                    info = payload.get("info")
                    total = info.get("total_token_usage") if isinstance(info, dict) else None
                    if not isinstance(total, dict):
                        continue
                    current = {name: number(total.get(name)) for name in CODEX_FIELDS}
                    delta = {name: max(current[name] - previous[name], 0) for name in CODEX_FIELDS}
                    previous = current
                    if not any(delta.values()):
                        report.duplicates += 1  # a repeated total
                        continue
                    cached = min(delta["cached_input_tokens"], delta["input_tokens"])
                    timestamp = record.get("timestamp")
                    day = timestamp[:10] if isinstance(timestamp, str) else "unknown"
                    report.usages.append(Usage(CODEX, session, day, model,
                                               Totals(delta["input_tokens"] - cached, delta["output_tokens"], 0,
                                                      cached, 1)))


def read_tree(claude_dirs: Iterable[Path] = (), codex_homes: Iterable[Path] = (), *,
              usage_lines_only: bool = False) -> Report:
    """Read every Claude config dir and Codex home; ``records`` counts what was kept."""
    report = Report()
    read_claude(claude_dirs, report, usage_lines_only=usage_lines_only)
    read_codex(codex_homes, report, usage_lines_only=usage_lines_only)
    report.records = len(report.usages)
    return report
