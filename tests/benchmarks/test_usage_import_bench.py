"""The usage-import benchmark's own pieces: the reference's rules on a hand-made tree (totals computed
by hand below), and the generator at a tiny size (deterministic, real-shaped, read consistently)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from benchmarks.usage_import.ccusage import codex_session_id
from benchmarks.usage_import.generator import generate, grow
from benchmarks.usage_import.paas_run import Workspace
from benchmarks.usage_import.reference import CLAUDE, CODEX, Totals, read_tree
from benchmarks.usage_import.runner import compare

CODEX_SESSION = "11111111-2222-4333-8444-555555555555"


def usage(input_tokens: int, output: int, cache_read: int, *, flat: int = 0,
          breakdown: tuple[int, int] | None = None) -> dict[str, Any]:
    figures: dict[str, Any] = {"input_tokens": input_tokens, "output_tokens": output,
                               "cache_creation_input_tokens": flat, "cache_read_input_tokens": cache_read}
    if breakdown is not None:
        figures["cache_creation"] = {"ephemeral_5m_input_tokens": breakdown[0],
                                     "ephemeral_1h_input_tokens": breakdown[1]}
    return figures


def assistant(message_id: str, request_id: str | None, at: str, figures: dict[str, Any], *, session: str = "s1",
              sidechain: bool = False, model: str = "claude-sonnet-4-5-20250929") -> dict[str, Any]:
    record: dict[str, Any] = {"type": "assistant", "sessionId": session, "isSidechain": sidechain,
                              "timestamp": at, "version": "2.0.50",
                              "message": {"id": message_id, "model": model, "role": "assistant",
                                          "content": [{"type": "text", "text": "ok"}], "usage": figures}}
    if request_id is not None:
        record["requestId"] = request_id
    return record


def token_count(at: str, total: dict[str, int] | None) -> dict[str, Any]:
    info = None if total is None else {"total_token_usage": total, "last_token_usage": total}
    return {"timestamp": at, "type": "event_msg", "payload": {"type": "token_count", "info": info}}


def write(path: Path, *records: dict[str, Any] | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((record if isinstance(record, str) else json.dumps(record)) + "\n"
                            for record in records), encoding="utf-8")


def mini_tree(root: Path) -> tuple[Path, Path]:
    """Every rule once. Sorted order: -p/s1.jsonl, -p/s1/subagents/agent-x.jsonl, -q/s2.jsonl."""
    claude, codex = root / "claude", root / "codex"
    day1, day2 = "2026-11-01T10:00:00.000Z", "2026-11-02T09:00:00.000Z"
    write(claude / "projects" / "-p" / "s1.jsonl",
          {"type": "user", "sessionId": "s1", "timestamp": day1, "message": {"role": "user", "content": "hi"}},
          # m1 streamed twice (same message + request): the copy with more tokens wins; cache creation 4+6
          assistant("m1", "r1", day1, usage(1, 2, 100, flat=10, breakdown=(4, 6))),
          assistant("m1", "r1", "2026-11-01T10:00:00.500Z", usage(1, 20, 100, flat=10, breakdown=(4, 6))),
          # m2 once without a request id, then with one: copies by message id alone; no breakdown: flat 50
          assistant("m2", None, "2026-11-01T11:00:00.000Z", usage(3, 30, 200, flat=50)),
          assistant("m2", "r2", "2026-11-01T11:00:00.400Z", usage(3, 31, 200, flat=50)),
          # <synthetic> never counts, whatever it says
          assistant("synthetic-1", None, "2026-11-01T12:00:00.000Z", usage(1000, 1000, 0), model="<synthetic>"),
          # m3: the breakdown (7 + 8) counts, not the flat 99
          assistant("m3", "r3", day2, usage(5, 50, 300, flat=99, breakdown=(7, 8))),
          # m4: one message id, two request ids, both in the main chain: two records
          assistant("m4", "r4a", "2026-11-02T09:10:00.000Z", usage(1, 1, 0)),
          assistant("m4", "r4b", "2026-11-02T09:11:00.000Z", usage(1, 1, 0)),
          "{not json")
    write(claude / "projects" / "-p" / "s1" / "subagents" / "agent-x.jsonl",
          # sidechain copies of main messages lose even with more tokens (new request id; same request id)
          assistant("m3", "r3x", day2, usage(5, 500, 300, breakdown=(7, 8)), sidechain=True),
          assistant("m1", "r1", day1, usage(1, 1000, 100, breakdown=(4, 6)), sidechain=True),
          # the subagent's own message, copied again in the sidechain under a new request id: more tokens win
          assistant("m5", "r5", "2026-11-02T09:30:00.000Z", usage(2, 4, 10), sidechain=True),
          assistant("m5", "r5b", "2026-11-02T09:30:00.000Z", usage(2, 8, 10), sidechain=True))
    write(claude / "projects" / "-q" / "s2.jsonl",
          assistant("m6", "r6", "2026-11-03T00:00:01.000Z", usage(10, 10, 10, flat=10), session="s2"),
          # the same message + request in another file, fewer tokens: already counted, in s1
          assistant("m1", "r1", "2026-11-03T01:00:00.000Z", usage(1, 5, 100, breakdown=(4, 6)), session="s2"))
    rollout = codex / "sessions" / "2026" / "11" / "01" / f"rollout-2026-11-01T08-00-00-{CODEX_SESSION}.jsonl"
    write(rollout,
          {"timestamp": "2026-11-01T08:00:00.000Z", "type": "session_meta", "payload": {"id": CODEX_SESSION}},
          {"timestamp": "2026-11-01T08:00:00.000Z", "type": "turn_context", "payload": {"model": "gpt-5-codex"}},
          token_count("2026-11-01T08:00:30.000Z", None),
          token_count("2026-11-01T08:01:00.000Z", {"input_tokens": 1000, "cached_input_tokens": 600,
                                                   "output_tokens": 100, "reasoning_output_tokens": 40,
                                                   "total_tokens": 1100}),
          # the same total again: nothing more
          token_count("2026-11-01T08:01:01.000Z", {"input_tokens": 1000, "cached_input_tokens": 600,
                                                   "output_tokens": 100, "reasoning_output_tokens": 40,
                                                   "total_tokens": 1100}),
          token_count("2026-11-01T23:59:59.000Z", {"input_tokens": 2500, "cached_input_tokens": 2000,
                                                   "output_tokens": 150, "total_tokens": 2650}),
          token_count("2026-11-02T00:00:05.000Z", {"input_tokens": 3000, "cached_input_tokens": 2100,
                                                   "output_tokens": 400, "total_tokens": 3400}))
    return claude, codex


def test_the_reference_counts_a_hand_made_tree_as_computed_by_hand(tmp_path: Path) -> None:
    claude, codex = mini_tree(tmp_path)
    report = read_tree([claude], [codex])
    # (input, output, cache creation, cache read); Claude:
    #   m1 (1, 20, 10, 100) and m2 (3, 31, 50, 200) on 11-01; m3 (5, 50, 15, 300), m4 twice (1, 1, 0, 0),
    #   m5 (2, 8, 0, 10) on 11-02; m6 (10, 10, 10, 10) on 11-03.
    # Codex deltas: (400, 100, 0, 600) and (100, 50, 0, 1400) on 11-01; (400, 250, 0, 100) on 11-02.
    assert {key: totals.figures() for key, totals in report.per_day().items()} == {
        (CLAUDE, "2026-11-01"): (4, 51, 60, 300),
        (CLAUDE, "2026-11-02"): (9, 60, 15, 310),
        (CLAUDE, "2026-11-03"): (10, 10, 10, 10),
        (CODEX, "2026-11-01"): (500, 150, 0, 2000),
        (CODEX, "2026-11-02"): (400, 250, 0, 100),
    }
    assert {key: totals.figures() for key, totals in report.per_session().items()} == {
        (CLAUDE, "s1"): (13, 111, 75, 610),
        (CLAUDE, "s2"): (10, 10, 10, 10),
        (CODEX, CODEX_SESSION): (900, 400, 0, 2100),
    }
    # 7 Claude records and 3 Codex deltas kept; 6 Claude copies and 1 repeated total skipped
    assert (report.records, report.duplicates, report.synthetic, report.bad_lines) == (10, 7, 1, 1)
    assert (report.files, report.lines) == (4, 23)
    assert report.total().figures() == (923, 521, 85, 2720)


def test_reading_only_usage_lines_changes_no_total(tmp_path: Path) -> None:
    claude, codex = mini_tree(tmp_path)
    every, filtered = read_tree([claude], [codex]), read_tree([claude], [codex], usage_lines_only=True)
    assert filtered.per_day() == every.per_day() and filtered.per_session() == every.per_session()


def digest(paths: list[Path], root: Path) -> str:
    hashed = hashlib.sha256()
    for path in paths:
        hashed.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return hashed.hexdigest()


def test_the_generator_is_deterministic_real_shaped_and_read_consistently(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", claude_bytes=400_000, codex_bytes=100_000, seed=3)
    second = generate(tmp_path / "b", claude_bytes=400_000, codex_bytes=100_000, seed=3)
    assert digest(first.files, first.root) == digest(second.files, second.root)
    assert first.bytes >= 500_000 and first.claude_files() and first.codex_files()

    lines = [json.loads(line) for path in first.claude_files() for line in path.read_text().splitlines()]
    assistants = [line for line in lines if line.get("type") == "assistant"]
    assert all(line["message"]["usage"] and line["sessionId"] and line["timestamp"] for line in assistants)
    assert any("cache_creation" in line["message"]["usage"] for line in assistants)
    assert any(line.get("toolUseResult") for line in lines)
    message_ids = [line["message"]["id"] for line in assistants]
    assert len(set(message_ids)) < len(message_ids)  # streamed copies share a message id
    for path in first.claude_files():
        relative = path.relative_to(first.claude_dir / "projects").parts
        assert len(relative) == 2 or relative[2] == "subagents"
    rollout = first.codex_files()[0].relative_to(first.codex_dir / "sessions").parts
    assert len(rollout) == 4 and rollout[3].startswith("rollout-")

    report = read_tree([first.claude_dir], [first.codex_dir])
    usage_lines = sum(1 for line in assistants) + sum(
        1 for path in first.codex_files() for line in path.read_text().splitlines()
        if '"token_count"' in line and '"info":null' not in line)
    assert report.records + report.duplicates + report.synthetic == usage_lines
    assert report.duplicates > 0 and report.bad_lines == 0
    day_sum, session_sum = Totals(), Totals()
    for totals in report.per_day().values():
        day_sum.add(totals)
    for totals in report.per_session().values():
        session_sum.add(totals)
    assert day_sum.figures() == session_sum.figures() == report.total().figures()

    path, appended = grow(first)
    grown = read_tree([first.claude_dir], [first.codex_dir])
    assert appended > 0 and grown.bytes == report.bytes + appended
    assert grown.total().tokens > report.total().tokens


def test_ccusage_codex_sessions_map_to_rollout_ids_and_compare_treats_missing_as_zero() -> None:
    assert codex_session_id({"sessionId": f"2026/11/01/rollout-2026-11-01T08-00-00-{CODEX_SESSION}"}) == CODEX_SESSION
    mine = {(CLAUDE, "s1"): Totals(1, 2, 3, 4), (CLAUDE, "empty"): Totals()}
    theirs = {(CLAUDE, "s1"): Totals(1, 2, 3, 4), (CLAUDE, "s2"): Totals(0, 1, 0, 0)}
    equal, total, examples = compare(mine, theirs)
    assert (equal, total) == (2, 3) and examples == ["s2: (0, 0, 0, 0) vs (0, 1, 0, 0)"]


def test_paas_usage_import_through_the_benchmark_runner_agrees_with_the_reference(tmp_path: Path) -> None:
    # the benchmark's own path to paas (the CLI in a subprocess, the ledger read back) on the hand-made tree
    claude, codex = mini_tree(tmp_path)
    workspace = Workspace(tmp_path / "paas-data")
    workspace.prepare()
    _, _, answer = workspace.import_tree(claude, codex)
    per_day, per_session = workspace.ledger_totals()
    reference = read_tree([claude], [codex])
    assert compare(per_day, reference.per_day())[:2] == (5, 5)
    assert compare(per_session, reference.per_session())[:2] == (3, 3)
    assert (answer["input_tokens"], answer["output_tokens"], answer["cache_read_tokens"]) == (923, 521, 2720)
    _, _, again = workspace.import_tree(claude, codex)
    assert (again["records"], again["input_tokens"], again["lines"]) == (0, 0, 0)


def test_copies_without_request_id_at_other_times_name_their_day(tmp_path: Path) -> None:
    # ccusage's daily report counts such copies apart; the reference merges them and names the day
    claude = tmp_path / "claude"
    write(claude / "projects" / "-p" / "s1.jsonl",
          assistant("m1", None, "2026-11-05T10:00:00.000Z", usage(1, 2, 3)),
          assistant("m1", None, "2026-11-05T10:00:00.300Z", usage(1, 9, 3)),
          assistant("m2", None, "2026-11-06T10:00:00.000Z", usage(1, 2, 3)),
          assistant("m2", None, "2026-11-06T10:00:00.000Z", usage(1, 2, 3)))
    report = read_tree([claude])
    assert report.untimed_copy_days == {"2026-11-05"}
    assert {key[1]: totals.figures() for key, totals in report.per_day().items()} == {
        "2026-11-05": (1, 9, 0, 3), "2026-11-06": (1, 2, 0, 3)}
