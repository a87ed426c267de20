"""The readers against the real transcripts in ../shared/corpus/dev (read in place, never copied).

Each check compares the reader's structure with a count made independently here, by scanning
the raw file (line patterns for Markdown, a direct JSON walk for JSONL) or with the numbers
SOURCES.tsv gives.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paas.core.transcripts import Transcript, detect_format, read_transcript

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "dev"
pytestmark = pytest.mark.skipif(
    not (CORPUS / "SOURCES.tsv").is_file(), reason=f"real-transcript corpus not present at {CORPUS.resolve()}"
)


def sources() -> list[dict[str, str]]:
    if not (CORPUS / "SOURCES.tsv").is_file():
        return []
    with (CORPUS / "SOURCES.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def notes(row: dict[str, str]) -> dict[str, int]:
    """``key=N`` pairs of the notes column (after any excerpt description)."""
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", row["notes"].rsplit("|", 1)[-1])}


def rows_of(format_name: str) -> list[dict[str, str]]:
    return [row for row in sources() if row["format"] == format_name]


def ids(rows: list[dict[str, str]]) -> list[str]:
    return [row["file"][:24] for row in rows]


def load(row: dict[str, str]) -> tuple[str, Transcript]:
    text = (CORPUS / row["file"]).read_text(encoding="utf-8")
    return text, read_transcript(text, filename=row["file"])


def lines_of(text: str) -> list[str]:
    return [line.rstrip("\r") for line in text.split("\n")]


def records(text: str) -> Iterator[dict[str, Any]]:
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def test_the_corpus_has_the_four_kinds_of_file() -> None:
    kinds = {row["format"] for row in sources()}
    assert kinds == {"aider", "specstory", "claude_code_jsonl", "pi_agent_jsonl"}


@pytest.mark.parametrize("row", sources(), ids=ids(sources()))
def test_every_file_is_detected_as_its_format_and_parses(row: dict[str, str]) -> None:
    text = (CORPUS / row["file"]).read_text(encoding="utf-8")
    assert detect_format(text) == row["format"]  # from content alone
    transcript = read_transcript(text, filename=row["file"])
    assert transcript.format == row["format"]
    assert transcript.user_turns and transcript.assistant_turns
    assert [turn.index for turn in transcript.turns] == list(range(len(transcript.turns)))
    source_lines = [turn.source_line for turn in transcript.turns if turn.source_line is not None]
    assert source_lines == sorted(source_lines) or row["format"] == "aider"  # aider notices group per exchange


# ---- aider ---------------------------------------------------------------------------------
def prompt_blocks(lines: list[str]) -> list[tuple[int, str]]:
    """(line, first prompt text) of each run of `####` lines, blank lines not breaking a run."""
    blocks: list[tuple[int, str]] = []
    in_block = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("####"):
            if not in_block:
                blocks.append((number, line[5:].strip()))
            in_block = True
        elif line.strip():
            in_block = False
    return blocks


def architect_echoes(lines: list[str]) -> list[int]:
    """First lines of the `####` runs that repeat, line for line, the reply text just before them.

    That is how aider logs the architect's answer being passed to the editor model; the reply
    is the text before the `> ` output lines (tokens, file questions) that follow it."""
    echoes: list[int] = []
    number = 0
    while number < len(lines):
        if not lines[number].startswith("####"):
            number += 1
            continue
        start, block = number, []
        while number < len(lines) and (lines[number].startswith("####") or not lines[number].strip()):
            if lines[number][5:].strip():
                block.append(lines[number][5:].rstrip())
            number += 1
        before, back = [], start - 1
        while back >= 0 and (not lines[back].strip() or lines[back].startswith(">")):
            back -= 1
        while back >= 0 and len(before) < len(block) and not lines[back].startswith(("####", "> ")):
            if lines[back].strip():
                before.append(lines[back].rstrip())
            back -= 1
        if block and before[::-1] == block:
            echoes.append(start + 1)
    return echoes


@pytest.mark.parametrize("row", rows_of("aider"), ids=ids(rows_of("aider")))
def test_aider_prompts_match_the_prompt_blocks(row: dict[str, str]) -> None:
    text, transcript = load(row)
    lines = lines_of(text)
    blocks = prompt_blocks(lines)
    assert len(blocks) == notes(row)["user_blocks"]  # SOURCES counted the same blocks
    architect = " with architect edit format" in text or "\n#### /architect " in text
    echoes = architect_echoes(lines) if architect else []
    assert [handoff["echo_line"] for handoff in transcript.metadata["architect_handoffs"]] == echoes
    prompt_starts = {turn.source_line for turn in transcript.user_turns}
    assert prompt_starts.isdisjoint(echoes)
    reply_text = "\n".join(turn.text for turn in transcript.assistant_turns)
    headings = [(n, first) for n, first in blocks if n not in prompt_starts and n not in echoes]
    assert all(f"#### {first}" in reply_text for _, first in headings)  # the rest are headings in replies
    assert len(transcript.user_turns) == len(blocks) - len(headings) - len(echoes)
    prompt_lines = [line for line in lines if line.startswith("####")]
    if all(line.endswith("  ") for line in prompt_lines):  # aider's own mark on every prompt line kept
        assert headings == []


def test_the_architect_mode_histories_hand_answers_to_the_editor() -> None:
    handoffs = {row["file"][:2]: len(load(row)[1].metadata["architect_handoffs"]) for row in rows_of("aider")}
    assert all(handoffs[key] > 0 for key in ("14", "17", "19", "20"))  # the four architect-mode files
    assert all(count == 0 for key, count in handoffs.items() if key not in ("14", "17", "19", "20"))


@pytest.mark.parametrize("row", rows_of("aider"), ids=ids(rows_of("aider")))
def test_aider_runs_edits_commits_and_commands_match_the_output_lines(row: dict[str, str]) -> None:
    text, transcript = load(row)
    lines = lines_of(text)
    runs = [line for line in lines if line.startswith("# aider chat started at ")]
    assert len(transcript.metadata["sessions"]) == len(runs) == notes(row)["sessions"]
    edited = [line[len("> Applied edit to ") :].strip() for line in lines if line.startswith("> Applied edit to ")]
    assert [call.input_value("path") for call in transcript.tool_calls if call.name == "edit"] == edited
    shas = [match.group(1) for line in lines if (match := re.match(r"^> Commit ([0-9a-f]{7,40}) ", line))]
    commits = [call for call in transcript.tool_calls if call.name == "commit"]
    assert [call.input_value("sha") for call in commits if not call.is_error] == shas
    failed = sum(1 for line in lines if line.startswith("> Unable to commit"))
    assert sum(1 for call in commits if call.is_error) == failed
    ran = [line[len("> Running ") :].strip() for line in lines if line.startswith("> Running ")]
    assert [call.input_value("command") for call in transcript.tool_calls if call.name == "shell"] == ran


# ---- specstory -----------------------------------------------------------------------------
@pytest.mark.parametrize("row", rows_of("specstory"), ids=ids(rows_of("specstory")))
def test_specstory_messages_and_tool_steps_match_the_markup(row: dict[str, str]) -> None:
    text, transcript = load(row)
    assert len(transcript.user_turns) == len(re.findall(r"^_\*\*User", text, re.MULTILINE))
    assert len(transcript.assistant_turns) == len(re.findall(r"^_\*\*(?:Assistant|Agent)", text, re.MULTILINE))
    names = [call.name for call in transcript.tool_calls]
    assert names.count("read_file") == len(re.findall(r"^Read file: ", text, re.MULTILINE))
    assert names.count("list_dir") == text.count("<summary>Listed directory ")
    assert names.count("codebase_search") == text.count("<summary>Searched codebase ")
    assert names.count("shell") == len(re.findall(r"^---\n\n```(?:bash|shell|sh|powershell)\n", text, re.MULTILINE))
    diffs = len(re.findall(r"^(?:```|\\`\\`\\`)diff", text, re.MULTILINE))
    elided = len(re.findall(r"^````\n\s*\n````$", text, re.MULTILINE))
    assert names.count("edit") == diffs + elided
    title_line = next(line for line in text.splitlines() if line.startswith("#") and "SpecStory" not in line)
    assert transcript.title and transcript.title in title_line
    assert f"({transcript.metadata['started_at']})" in title_line


# ---- claude code ---------------------------------------------------------------------------
def claude_scan(text: str) -> dict[str, Any]:
    """An independent walk over the raw records."""
    uses: dict[str, dict[str, Any]] = {}
    results: dict[str, dict[str, Any]] = {}
    message_ids: set[str] = set()
    humans = 0
    for record in records(text):
        side = record.get("isSidechain") is True  # a sub-agent's calls count; its prompts are not the person's
        content = (record.get("message") or {}).get("content")
        if record.get("type") == "assistant":
            if not side:
                message_ids.add(record["message"]["id"])
            uses.update({b["id"]: b for b in content if isinstance(b, dict) and b.get("type") == "tool_use"})
        elif record.get("type") == "user" and not record.get("isMeta"):
            if isinstance(content, list):
                results.update({b["tool_use_id"]: b for b in content if b.get("type") == "tool_result"})
                words = [b["text"] for b in content if b.get("type") == "text"]
            else:
                words = [content]
            machine = ("[Request interrupted", "<local-command-", "<bash-")
            humans += 0 if side else sum(1 for w in words if w.strip() and not w.lstrip().startswith(machine))
    return {"uses": uses, "results": results, "message_ids": message_ids, "humans": humans}


@pytest.mark.parametrize("row", rows_of("claude_code_jsonl"), ids=ids(rows_of("claude_code_jsonl")))
def test_claude_code_structure_matches_a_scan_of_the_records(row: dict[str, str]) -> None:
    text, transcript = load(row)
    scan = claude_scan(text)
    calls = {call.call_id: call for call in transcript.tool_calls}
    assert set(calls) == set(scan["uses"])
    edits = [i for i, use in scan["uses"].items() if use["name"] in ("Edit", "Write", "MultiEdit", "NotebookEdit")]
    assert sorted(call.call_id or "" for call in transcript.edit_calls) == sorted(edits)
    commits = [
        i
        for i, use in scan["uses"].items()
        if use["name"] == "Bash" and "git commit" in use["input"].get("command", "")
    ]
    assert [c for c in calls if calls[c].name == "Bash" and "git commit" in calls[c].input_value("command")] == commits
    main_replies = [turn for turn in transcript.assistant_turns if not turn.sidechain]
    assert len(main_replies) == len(scan["message_ids"])  # streamed records merged
    assert len(transcript.user_turns) == scan["humans"]
    for call_id, block in scan["results"].items():
        call = calls[call_id]
        assert call.output is not None and call.is_error == (block.get("is_error") is True)
        stated = re.match(r"Exit code (\d+)", call.output)
        if call.name == "Bash" and stated:
            assert call.exit_status == int(stated.group(1))
    unanswered = set(scan["uses"]) - set(scan["results"])
    assert all(calls[call_id].output is None for call_id in unanswered)


# ---- pi agent ------------------------------------------------------------------------------
@pytest.mark.parametrize("row", rows_of("pi_agent_jsonl"), ids=ids(rows_of("pi_agent_jsonl")))
def test_pi_agent_structure_matches_a_scan_of_the_records(row: dict[str, str]) -> None:
    text, transcript = load(row)
    messages = [r["message"] for r in records(text) if r.get("type") == "message"]
    assert len(transcript.user_turns) == sum(1 for m in messages if m["role"] == "user")
    assert len(transcript.assistant_turns) == sum(1 for m in messages if m["role"] == "assistant")
    uses = {b["id"]: b for m in messages if m["role"] == "assistant" for b in m["content"] if b["type"] == "toolCall"}
    calls = {call.call_id: call for call in transcript.tool_calls}
    assert set(calls) == set(uses)
    assert sum(1 for call in calls.values() if call.name in ("edit", "write")) == sum(
        1 for use in uses.values() if use["name"] in ("edit", "write")
    )
    for result in (m for m in messages if m["role"] == "toolResult"):
        call = calls[result["toolCallId"]]
        assert call.output == "\n".join(b["text"] for b in result["content"] if b["type"] == "text")
        assert call.is_error == result["isError"]
        stated = re.search(r"Command exited with code (\d+)", call.output)
        if call.name == "bash":
            assert call.exit_status == (int(stated.group(1)) if stated else 0)
