"""The session's own words at a handoff: each claim checked against the transcript, secrets redacted.

The transcript is the Claude Code fixture (retry added to src/shop/http_client.py, its tests pass,
then the whole suite fails on an unrelated rounding error in checkout) and small plain ones."""

from __future__ import annotations

from pathlib import Path

from tests.core.briefing.steps import session

from paas.adapters.secrets import find_secrets
from paas.core.briefing import extract_facts, transcript_text
from paas.core.briefing.own_words import HEADING, MAX_CLAIMS, check_claims, own_words_section, split_claims
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall

FIXTURE = Path(__file__).parents[2] / "fixtures" / "claude_code_retry_session.jsonl"
TRANSCRIPT = read_transcript(FIXTURE.read_text(encoding="utf-8"), filename=FIXTURE.name)
FACTS = extract_facts(TRANSCRIPT)
TEXT = transcript_text(TRANSCRIPT)
OPENAI = "sk-proj-" + "abcDEF1234567890ghijKLMNOPqrst"  # made up, assembled so no scanner flags this file


def verdicts(summary: str | None, next_step: str | None = None) -> list[tuple[str, str]]:
    claims, _ = check_claims(summary, next_step, FACTS, TEXT)
    return [(claim.text, claim.verdict) for claim in claims]


def line_of(section: str, start: str) -> str:
    return next(line for line in section.splitlines() if line.startswith(f"- “{start}"))


def test_claims_are_sentences_and_list_items() -> None:
    text = "- Edited app.py and utils.py. Then ran the tests!\n* Updated the README\n1. Next: ship v1.2.3.\n\n"
    assert split_claims(text) == ["Edited app.py and utils.py.", "Then ran the tests!", "Updated the README",
                                  "Next: ship v1.2.3."]
    assert split_claims("") == []


def test_a_file_the_transcript_edited_supports_the_claim_and_is_cited_by_turn() -> None:
    section = own_words_section("Added retry with exponential backoff to `src/shop/http_client.py`.", None,
                                FACTS, TEXT, source="the saved transcript")
    assert section.startswith(HEADING + "\n")
    assert "checked against the saved transcript" in section
    line = line_of(section, "Added retry")
    assert "✓ supported by file `src/shop/http_client.py` edited (turn 5)" in line


def test_tests_said_to_pass_are_held_against_the_last_run() -> None:
    assert verdicts("All tests pass.") == [("All tests pass.", "contradicted")]  # the full suite failed last
    section = own_words_section("All tests pass.", None, FACTS, TEXT, source="x")
    assert "⚠ contradicted by test `1 failed, 11 passed in 0.94s` failed (turn 7)" in section
    # The run it names passed: supported, by that command.
    claims, _ = check_claims("The tests in tests/test_http_retry.py pass.", None, FACTS, TEXT)
    assert claims[0].verdict == "supported"
    assert claims[0].evidence is not None and claims[0].evidence.text == "python -m pytest -q tests/test_http_retry.py"
    # Saying they fail is no claim that they pass.
    assert verdicts("The checkout test does not pass yet.")[0][1] == "supported"


def test_a_passing_last_run_supports_the_claim() -> None:
    run = ToolCall("Bash", {"command": "pytest -q"}, output="3 passed in 0.10s", exit_status=0)
    transcript = session(("user", "Make the parser tests pass please"), ("assistant", "Running them.", (run,)))
    claims, _ = check_claims("All tests pass.", None, extract_facts(transcript), transcript_text(transcript))
    assert claims[0].verdict == "supported"
    assert claims[0].evidence is not None and claims[0].evidence.category == "test"


def test_an_error_said_fixed_but_still_unresolved_is_a_contradiction() -> None:
    claims, _ = check_claims("Fixed the AssertionError in checkout.", None, FACTS, TEXT)
    assert claims[0].verdict == "contradicted"
    assert claims[0].evidence is not None and claims[0].evidence.category == "error"
    assert claims[0].evidence.status == "unresolved"


def test_what_the_transcript_never_shows_is_not_found_and_named() -> None:
    section = own_words_section("Deployed to https://staging.example.com and bumped version 2.4.1.", None,
                                FACTS, TEXT, source="x")
    line = line_of(section, "Deployed")
    assert "✗ not found in the transcript: `2.4.1`, `https://staging.example.com`" in line
    assert verdicts("Then update the changelog.") == [("Then update the changelog.", "not found")]


def test_words_without_anchors_match_a_fact_and_empty_words_are_nothing_to_check() -> None:
    claims, _ = check_claims(None, "Look at the rounding in checkout next.", FACTS, TEXT)
    assert claims[0].part == "Next step" and claims[0].verdict == "supported"
    assert verdicts("Done.") == [("Done.", "nothing to check")]


def test_secrets_are_redacted_in_the_claims_and_in_the_verdicts() -> None:
    said = f"Deployed with key {OPENAI} to staging."
    section = own_words_section(said, None, FACTS, TEXT, source="x", secret_finder=find_secrets)
    assert OPENAI not in section
    assert "[redacted:" in line_of(section, "Deployed with key")
    # A secret the transcript holds still matches (checked before redaction), and is not carried either.
    secret = "hunter2-" + "Zq9xV7pL"
    transcript = session(("user", f"Use DB_PASSWORD={secret} for the staging database please"),
                         ("assistant", "Noted."))
    section = own_words_section(f"Set DB_PASSWORD={secret} for staging.", None, extract_facts(transcript),
                                transcript_text(transcript), source="x", secret_finder=find_secrets)
    assert secret not in section
    assert "✓ supported" in line_of(section, "Set DB_PASSWORD=")


def test_parts_are_marked_and_kept_apart() -> None:
    section = own_words_section("Added retry to `src/shop/http_client.py`.", "Look at src/shop/checkout.py.",
                                FACTS, TEXT, source="x")
    lines = section.splitlines()
    assert lines.index("**Summary**") < lines.index("**Next step**")
    assert "✓ supported by file `src/shop/checkout.py` mentioned (turn 8)" in line_of(section, "Look at")


def test_with_no_transcript_saved_nothing_is_supported_and_the_section_says_why() -> None:
    section = own_words_section("Added retry to `src/shop/http_client.py`. Done.", None, None, None)
    assert "No transcript was saved" in section
    assert "✓" not in section
    assert "✗ not found in the transcript: `src/shop/http_client.py`" in section
    assert "· nothing to check" in line_of(section, "Done.")


def test_nothing_said_is_no_section_and_a_flood_is_counted_not_checked() -> None:
    assert own_words_section(None, None, FACTS, TEXT) == ""
    assert own_words_section("  \n ", "", FACTS, TEXT) == ""
    flood = " ".join(f"Step {index} done." for index in range(MAX_CLAIMS + 5))
    claims, left_out = check_claims(flood, None, FACTS, TEXT)
    assert len(claims) == MAX_CLAIMS and left_out == 5
    assert "(5 more claims not checked)" in own_words_section(flood, None, FACTS, TEXT, source="x")
