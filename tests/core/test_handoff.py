"""core.handoff: the interim briefing keeps the last non-empty lines, per level, under an honest header."""

from __future__ import annotations

import pytest

from paas.core.handoff import TailBriefing, tail_briefing


def numbered(count: int) -> str:
    return "\n".join(f"line {number}" for number in range(1, count + 1))


@pytest.mark.parametrize(("level", "kept"), [("low", 25), ("medium", 15), ("high", 5)])
def test_keeps_the_last_lines_of_each_level(level: str, kept: int) -> None:
    briefing = tail_briefing(numbered(40), project_name="P", level=level)
    body = briefing.markdown.split("## Latest context\n\n", 1)[1].splitlines()
    assert body == [f"line {number}" for number in range(41 - kept, 41)]
    assert briefing.kept_lines == kept
    assert briefing.original_lines == 40


def test_medium_is_the_default_level() -> None:
    assert tail_briefing(numbered(40), project_name="P").kept_lines == 15


def test_empty_and_blank_lines_are_not_counted_or_kept() -> None:
    context = "first\n\n   \nsecond  \n\t\nthird\n"
    briefing = tail_briefing(context, project_name="P", level="high")
    assert briefing.original_lines == 3
    assert briefing.kept_lines == 3
    assert briefing.markdown.endswith("## Latest context\n\nfirst\nsecond\nthird\n")


def test_shorter_context_than_the_budget_is_kept_whole() -> None:
    briefing = tail_briefing(numbered(3), project_name="P", level="low")
    assert (briefing.original_lines, briefing.kept_lines) == (3, 3)
    assert briefing.compression_ratio == 0


def test_header_names_project_account_credits_and_figures() -> None:
    briefing = tail_briefing(numbered(20), project_name="Barber SaaS", level="high",
                             from_account="GenSpark-Main", credits_used=88)
    lines = briefing.markdown.splitlines()
    assert lines[0] == "# Handoff briefing: Barber SaaS"
    assert "- From account: GenSpark-Main" in lines
    assert "- Credits used: 88" in lines
    assert "- Kept the last 5 of 20 non-empty lines" in lines


def test_header_leaves_out_unknown_account_and_credits_but_shows_zero_credits() -> None:
    without = tail_briefing("x", project_name="P").markdown
    assert "From account" not in without
    assert "Credits used" not in without
    assert "- Credits used: 0" in tail_briefing("x", project_name="P", credits_used=0).markdown


def test_compression_ratio_is_the_percent_left_out() -> None:
    assert tail_briefing(numbered(20), project_name="P", level="high").compression_ratio == 75
    assert tail_briefing(numbered(30), project_name="P", level="medium").compression_ratio == 50
    assert TailBriefing(markdown="", original_lines=3, kept_lines=1).compression_ratio == 67


def test_compression_ratio_of_an_empty_context_is_zero() -> None:
    briefing = tail_briefing("\n\n", project_name="P")
    assert (briefing.original_lines, briefing.kept_lines, briefing.compression_ratio) == (0, 0, 0)


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown level 'extreme'"):
        tail_briefing("x", project_name="P", level="extreme")
