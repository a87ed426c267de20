"""The usage-log readers and the dedup rule on hand-made logs (tests/usage_log_helpers.py), every rule
once, totals per day and per agent session against the figures computed by hand there."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.usage_log_helpers import CODEX_FILE, DAY, claude_line, codex_token_count, write_claude_tree, write_codex_tree

from paas.core.usage_logs import Deduplicator, Kept, Offer, claude_code, codex
from paas.core.usage_logs.model import UsageRecord


def claude_files(root: Path) -> list[tuple[Path, str | None]]:
    projects = write_claude_tree(root) / "projects"
    return [(path, claude_code.session_of_path(path.relative_to(projects).parts))
            for path in sorted(projects.rglob("*.jsonl"))]


def kept_records(root: Path) -> tuple[list[UsageRecord], Deduplicator, int]:
    dedup = Deduplicator()
    bad = 0
    for path, session in claude_files(root):
        read = claude_code.read_chunk(path.read_bytes(), agent_session=session)
        bad += read.bad_lines
        for record in read.records:
            dedup.offer(record)
    return [kept.record for kept in dedup.kept() if kept.record is not None], dedup, bad


def test_claude_records_are_counted_as_ccusage_counts_them(tmp_path: Path) -> None:
    records, dedup, bad = kept_records(tmp_path)
    assert sorted((record.message_id, record.total_tokens) for record in records) == [
        ("m1", 160), ("m2", 300), ("m3", 10), ("m4", 10), ("m5", 2)]
    assert (dedup.duplicates, bad) == (5, 1)
    by_day: Counter[str] = Counter()
    by_session: Counter[str] = Counter()
    for record in records:
        by_day[record.occurred_at.date().isoformat()] += record.total_tokens
        by_session[record.agent_session or ""] += record.total_tokens
    assert by_day == {"2026-11-25": 480, "2026-11-26": 2}
    assert by_session == {"s1": 472, "s2": 10}
    assert [sum(getattr(record, name) for record in records) for name in
            ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")] == [43, 69, 170, 200]


def test_the_cache_creation_breakdown_wins_over_the_flat_figure(tmp_path: Path) -> None:
    line = claude_line("m", "r", f"{DAY}T10:00:00Z", input_tokens=1, cache_creation=999, breakdown=(30, 40))
    flat = claude_line("n", "r", f"{DAY}T10:00:00Z", input_tokens=1, cache_creation=999)
    read = claude_code.read_chunk(f"{line}\n{flat}\n".encode())
    assert [record.cache_creation_tokens for record in read.records] == [70, 999]


def test_a_synthetic_record_is_ignored_and_a_half_written_line_waits() -> None:
    synthetic = claude_line("m", "r", f"{DAY}T10:00:00Z", input_tokens=5, model="<synthetic>")
    real = claude_line("n", "r", f"{DAY}T10:00:00Z", input_tokens=5)
    data = f"{synthetic}\n{real}\n{real[:40]}".encode()
    read = claude_code.read_chunk(data)
    assert [record.message_id for record in read.records] == ["n"]
    assert read.consumed == len(f"{synthetic}\n{real}\n".encode())
    assert read.lines == 2 and read.bad_lines == 0


def test_bad_json_is_counted_and_skipped_never_raised() -> None:
    good = claude_line("n", "r", f"{DAY}T10:00:00Z", input_tokens=5)
    lines = ['{"usage": nope}', '{"message": {"usage": "not an object"}}', good,
             '{"message": {"usage": {"input_tokens": 3}}}', "\x00\xff garbage \"usage\""]
    read = claude_code.read_chunk(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))
    assert [record.message_id for record in read.records] == ["n"]
    assert read.bad_lines == 4  # the last two: a record with no time, bytes that are not JSON
    assert read.lines == 5


def test_a_negative_or_absurd_token_count_is_a_bad_line_not_a_record() -> None:
    # a negative count failed the ledger's check, 10^20 overflowed its 64-bit column: both stopped the import
    good = claude_line("n", "r", f"{DAY}T10:00:00Z", input_tokens=5)
    lines = [claude_line("a", "r", f"{DAY}T10:00:00Z", input_tokens=-100, output_tokens=5),
             claude_line("b", "r", f"{DAY}T10:00:00Z", output_tokens=10**20),
             claude_line("c", "r", f"{DAY}T10:00:00Z", breakdown=(-1, 5)), good]
    read = claude_code.read_chunk(("\n".join(lines) + "\n").encode())
    assert [record.message_id for record in read.records] == ["n"] and read.bad_lines == 3
    rollout = [codex_token_count(f"{DAY}T10:00:00Z", 10**20, 0, 5), codex_token_count(f"{DAY}T10:01:00Z", -7, 0, 5),
               codex_token_count(f"{DAY}T10:02:00Z", 100, 40, 5)]
    counted = codex.read_chunk(("\n".join(rollout) + "\n").encode(), agent_session="s")
    assert [(record.input_tokens, record.cache_read_tokens) for record in counted.records] == [(60, 40)]
    assert counted.bad_lines == 2


def test_the_record_reads_the_fields_claude_code_writes() -> None:
    line = claude_line("msg_01", "req_01", "2026-11-25T10:00:00.500Z", input_tokens=3, output_tokens=4,
                       cache_read=5, sidechain=True, session="sess", cwd="/w")
    [record] = claude_code.read_chunk(f"{line}\n".encode(), agent_session="from-path").records
    assert record == UsageRecord(source="claude_code", message_id="msg_01", request_id="req_01", sidechain=True,
                                 agent_session="sess", model="claude-sonnet-4-5",
                                 occurred_at=datetime(2026, 11, 25, 10, 0, 0, 500000, tzinfo=UTC), input_tokens=3,
                                 output_tokens=4, cache_creation_tokens=0, cache_read_tokens=5, project_dir="/w")
    assert claude_code.session_of_path(("-p", "s1.jsonl")) == "s1"
    assert claude_code.session_of_path(("-p", "s1", "subagents", "agent-x.jsonl")) == "s1"


def kept(message_id: str, request_id: str | None, sidechain: bool, tokens: int) -> Kept:
    return Kept(message_id=message_id, request_id=request_id, sidechain=sidechain, total_tokens=tokens, stored_id=1)


def record(message_id: str | None, request_id: str | None, *, sidechain: bool = False, tokens: int = 1) -> UsageRecord:
    return UsageRecord(source="claude_code", message_id=message_id, request_id=request_id, sidechain=sidechain,
                       agent_session="s", model="m", occurred_at=datetime(2026, 11, 25, tzinfo=UTC),
                       input_tokens=tokens, output_tokens=0, cache_creation_tokens=0, cache_read_tokens=0)


def test_each_dedup_rule_against_a_copy_kept_earlier() -> None:
    cases = [
        (kept("m", "r", False, 10), record("m", "r", tokens=11), Offer.REPLACED),  # more tokens win
        (kept("m", "r", False, 10), record("m", "r", tokens=10), Offer.DUPLICATE),  # a tie keeps the first
        (kept("m", "r", False, 10), record("m", "other", tokens=50), Offer.NEW),  # another request
        (kept("m", None, False, 10), record("m", "r", tokens=5), Offer.DUPLICATE),  # no request id: message alone
        (kept("m", "r", False, 10), record("m", None, tokens=50), Offer.REPLACED),
        (kept("m", "r", True, 99), record("m", "other", tokens=5), Offer.REPLACED),  # main beats a sidechain
        (kept("m", "r", False, 5), record("m", "other", sidechain=True, tokens=99), Offer.DUPLICATE),
        (kept("m", "r", True, 5), record("m", "r", sidechain=True, tokens=6), Offer.REPLACED),
    ]
    for earlier, offered, expected in cases:
        dedup = Deduplicator()
        dedup.seed([earlier])
        assert dedup.offer(offered) is expected, (earlier, offered)
    dedup = Deduplicator()
    assert [dedup.offer(record(None, None)) for _ in range(2)] == [Offer.NEW, Offer.NEW]  # no id: never a copy


def test_codex_counts_cumulative_totals_once_with_the_cached_input_apart(tmp_path: Path) -> None:
    path = write_codex_tree(tmp_path) / CODEX_FILE
    session = codex.session_of_path(path.relative_to(tmp_path / "codex" / "sessions").parts)
    assert session == "2026/11/25/rollout-2026-11-25T10-00-00-abc"
    read = codex.read_chunk(path.read_bytes(), agent_session=session)
    assert [(r.model, r.input_tokens, r.cache_read_tokens, r.output_tokens, r.cache_creation_tokens)
            for r in read.records] == [("gpt-5", 600, 400, 100, 0), ("gpt-5-codex", 500, 1000, 200, 0)]
    assert read.lines == 7 and read.bad_lines == 0
    assert len({r.message_id for r in read.records}) == 2
    assert read.state["totals"] == [2500, 1400, 300, 0, 2800]


def test_codex_goes_on_from_its_state_when_the_file_grew(tmp_path: Path) -> None:
    path = write_codex_tree(tmp_path) / CODEX_FILE
    first = codex.read_chunk(path.read_bytes(), agent_session="s")
    more = (codex_token_count(f"{DAY}T11:00:00Z", 2500, 1400, 300) + "\n"  # the same total: nothing
            + codex_token_count(f"{DAY}T11:00:05Z", 3000, 1500, 310) + "\n").encode()
    second = codex.read_chunk(more, agent_session="s", state=first.state)
    assert [(r.model, r.input_tokens, r.cache_read_tokens, r.output_tokens) for r in second.records] == [
        ("gpt-5-codex", 400, 100, 10)]
    bad = codex.read_chunk(b'{"type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":[]}}}\n',
                           agent_session="s", state=second.state)
    assert (bad.records, bad.bad_lines, bad.state["totals"]) == ([], 1, second.state["totals"])
    assert json.loads(json.dumps(second.state)) == second.state  # kept as JSON in usage_import_files.state


def test_an_overlong_id_is_kept_as_its_hash_so_copies_still_meet() -> None:
    long_id = "m" * 300
    line = claude_line(long_id, "r" * 250, f"{DAY}T10:00:00Z", input_tokens=1)
    first, second = claude_code.read_chunk(f"{line}\n{line}\n".encode()).records
    assert first.message_id == second.message_id and first.message_id is not None
    assert first.message_id.startswith("sha256:") and len(first.message_id) <= 200
    assert first.request_id is not None and len(first.request_id) <= 200
