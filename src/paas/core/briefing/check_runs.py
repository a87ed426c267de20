"""Test and check runs: the summary line a runner printed, and what it says (failed, passed, ran).

Design: a call counts as a test run when its command names a test runner or checker
(``TEST_CMD_RE``: pytest, jest, cargo test, svelte-check, tsc --noEmit...) or its output says
"passed" / "failed"; the summary is the runner's own last summary line (``outputs.TEST_SUMMARY_RE``),
verbatim. Runs of one command family are one fact: the latest result, how many runs, the first
turn. A later run that shows no summary (``svelte-check | grep profile`` printing nothing) does
not erase the summary an earlier run of the family showed ("svelte-check found 4 errors and 2
warnings in 2 files"): that stays the result, and the run is counted.
"""

from __future__ import annotations

import re
from dataclasses import replace

from paas.core.briefing.model import Fact
from paas.core.briefing.outputs import TEST_SUMMARY_RE
from paas.core.briefing.text import clip, first_line
from paas.core.transcripts.model import ToolCall

TEST_CMD_RE = re.compile(
    r"\b(?:pytest|py\.test|jest|vitest|mocha|go test|cargo test|cargo nextest|(?:npm|pnpm|yarn|bun)(?: run)? test|"
    r"deno test|unittest|rspec|phpunit|dotnet test|mvn\w* test|gradlew? test|make (?:test|check)|ctest|tox|nox|"
    r"playwright test|svelte-check|tsc --noEmit)\b"
)
NO_SUMMARY = "finished without a summary"
_FILTERED_RE = re.compile(r"\|\s*(?:grep|rg|head|tail)\b[^|]*$")


def run_result(call: ToolCall, command: str | None, key: str, turn: int, failed: bool,
             previous: Fact | None) -> Fact | None:
    """The fact for one call that ran tests (None when it did not), given the family's ``previous`` fact."""
    if command is None and "test" not in call.name.lower():
        return None  # summaries count when a command (or a test tool) produced them, not in a file's content
    output = call.output or ""
    is_test_command = bool(command and TEST_CMD_RE.search(command))
    if not is_test_command and not (" passed" in output or " failed" in output or "Ran " in output):
        return None
    summary = ""
    for match in TEST_SUMMARY_RE.finditer(output[-4000:]):
        summary = match.group(0)
    summary = clip(summary.strip(" =-*\t"), 160)
    if not summary and not is_test_command:
        return None
    if not summary:
        if call.exit_status is None and not call.is_error:
            return None  # a test command whose result the transcript does not show
        filtered = bool(command and _FILTERED_RE.search(command))  # "| grep x" exits 1 when nothing matches
        if previous is not None and previous.text not in (NO_SUMMARY, "failed") and (filtered or not failed):
            return replace(previous, count=previous.count + 1)  # a filtered look: the shown summary stands
        summary = "failed" if failed else NO_SUMMARY
    summary = " ".join(summary.split())
    if failed or re.search(r"\b[1-9]\d* (?:failed|failing|errors?)\b|FAIL", summary):
        status = "failed"
    elif re.search(r"\b[1-9]\d* (?:passed|passing)\b|test result: ok|^ok\b|\bOK\b", summary):
        status = "passed"
    else:
        status = "ran"  # no failure, but nothing shown passing either (e.g. "0 passed")
    return Fact("test", summary, turn, status=status, key=key, first_turn=previous.first_turn if previous else turn,
                count=previous.count + 1 if previous else 1, source="tool",
                detail=first_line(command, 100) if command else "")
