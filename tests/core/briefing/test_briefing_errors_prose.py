"""Errors told in words: the user's reports, the assistant's plain statements, and the verdicts that end them."""

from __future__ import annotations

import pytest

from paas.core.briefing import Fact, extract_facts
from paas.core.briefing.failures import is_open
from paas.core.briefing.prose_errors import assistant_failures, confirmation, user_failures
from paas.core.transcripts import read_transcript
from paas.core.transcripts.model import ToolCall, Transcript, Turn


def transcript(*turns: tuple[str, str] | tuple[str, str, tuple[ToolCall, ...]]) -> Transcript:
    built = []
    for index, turn in enumerate(turns):
        calls = turn[2] if len(turn) == 3 else ()  # type: ignore[misc]
        built.append(Turn(index, turn[0], turn[1], calls))
    return Transcript("plain", tuple(built))


def statuses(errors: tuple[Fact, ...]) -> list[tuple[str, str]]:
    return [(e.text, e.status) for e in errors]


FIX = "Try this:\n```js\nconst items = data ?? []\n```"


@pytest.mark.parametrize("message", [
    "dotnet run stalls",
    "the database rejected 'academic'",
    "the page is still blank",
    "it still doesn't work",
    "I get a 404",
    "When I click the button nothing happens",
    "the app crashes on startup",
    "the login fails with 401",
    "it has some errors",
    "no funciona el login",
    "ça ne marche pas",
    "das Build funktioniert immer noch nicht",
    "j'ai une erreur 404 sur /blog",
])
def test_failures_reported_in_words(message: str) -> None:
    assert user_failures(message) == [message]


@pytest.mark.parametrize("message", [
    "make sure it doesn't crash on empty input",
    "it should not fail when the list is empty",
    "please handle errors gracefully",
    "add error handling to the upload",
    "As such, errors are to be expected along with frequent changes.",
    "I didn't need to install next, how can I uninstall it?",
    "no, I only wanted you to create a task, not work on it.",
    "I don't see any errors in the console",
    "- the API must not crash when the file is missing",
    "still not convincing, make it smoother",
])
def test_rules_wishes_and_lists_are_not_reports(message: str) -> None:
    assert user_failures(message) == []


def test_the_assistants_plain_statements_of_failure() -> None:
    assert assistant_failures("Done. The build still fails because STRIPE_KEY is not set.") == [
        "The build still fails because STRIPE_KEY is not set."]
    remaining = "The 4 remaining errors are in other files."
    assert assistant_failures(remaining) == [remaining]
    assert assistant_failures("If the build still fails, run npm ci.") == []
    assert assistant_failures("Everything builds now.") == []


def test_confirmations_strong_weak_and_negated() -> None:
    assert confirmation("works now, thanks!") == "strong"
    assert confirmation("THANKS!! it works perfectly") == "strong"
    assert confirmation("great, now add a dark mode") == "weak"
    assert confirmation("it still doesn't work") == ""


def test_a_reported_failure_with_no_fix_is_unresolved_and_a_confirmation_resolves_it() -> None:
    facts = extract_facts(transcript(("user", "dotnet run stalls"), ("assistant", "Which project?")))
    assert statuses(facts.errors) == [("dotnet run stalls", "unresolved")]
    error = extract_facts(transcript(
        ("user", "the page is still blank"), ("assistant", FIX), ("user", "it works now, thanks"),
    )).errors[0]
    assert error.status == "resolved" and error.detail.startswith("fixed: the user confirmed at turn 2")


def test_an_approving_reply_to_the_fix_resolves_but_moving_on_only_leaves_it_attempted() -> None:
    approved = extract_facts(transcript(
        ("user", "the login fails with 401"), ("assistant", FIX), ("user", "great, now add a logout button"),
    )).errors[0]
    assert approved.status == "resolved" and "approved the fix at turn 2" in approved.detail
    moved = extract_facts(transcript(
        ("user", "the login fails with 401"), ("assistant", FIX), ("user", "now add a logout button"),
    )).errors[0]
    assert moved.status == "attempted" and moved.detail.endswith("the user moved on at turn 2")
    assert not is_open(moved)
    unanswered = extract_facts(transcript(("user", "the login fails with 401"), ("assistant", FIX))).errors[0]
    assert unanswered.status == "attempted" and is_open(unanswered)


def test_a_short_still_failing_message_joins_the_error_before_it() -> None:
    facts = extract_facts(transcript(
        ("user", "I get this error:\n```\nTypeError: cannot read properties of undefined (reading 'map')\n```"),
        ("assistant", FIX),
        ("user", "still doesn't work"),
    ))
    (error,) = facts.errors
    assert error.text == "TypeError: cannot read properties of undefined (reading 'map')"
    assert (error.count, error.turn, error.status) == (2, 2, "unresolved")
    assert error.detail == "still failing per the user at turn 2"


def test_a_failure_reported_again_with_the_same_identifier_is_unresolved() -> None:
    facts = extract_facts(transcript(
        ("user", 'The error was: "redirect_uri" mismatch'),
        ("assistant", FIX),
        ("user", "GET https://shop.example/authorize?redirect_uri=https://localhost:3000/cb 400 (Bad Request)"),
    ))
    first = facts.errors[0]
    assert first.status == "unresolved" and first.detail.startswith("reported again at turn 2")


def test_the_assistant_stating_a_failure_at_the_end_is_unresolved() -> None:
    facts = extract_facts(transcript(
        ("user", "deploy it"),
        ("assistant", "I pushed the branch. The deploy still fails because the DATABASE_URL secret is missing."),
    ))
    (error,) = facts.errors
    assert (error.source, error.status) == ("assistant", "unresolved")
    assert error.detail == "stated by the assistant at turn 1"


def test_aider_prose_and_an_undo() -> None:
    history = (
        "# aider chat started at 2025-01-01 10:00:00\n\n"
        "#### the navbar is still blank on mobile  \n\n"
        "Fix:\n\nsrc/Nav.tsx\n```tsx\nexport const Nav = () => <nav />\n```\n\n"
        "> Applied edit to src/Nav.tsx  \n> Commit 1a2b3c4 fix: nav  \n\n"
        "#### /undo  \n\n"
        "> Removed: 1a2b3c4 fix: nav  \n\n"
    )
    (error,) = extract_facts(read_transcript(history, filename=".aider.chat.history.md")).errors
    assert (error.text, error.status) == ("the navbar is still blank on mobile", "superseded")
    assert error.detail == "superseded: undone by `/undo` at turn 3"


def test_a_french_report_confirmed_in_french() -> None:
    (error,) = extract_facts(transcript(
        ("user", "la page de connexion ne marche pas"), ("assistant", FIX), ("user", "ça marche maintenant, merci"),
    )).errors
    assert error.status == "resolved" and error.detail.startswith("fixed: the user confirmed at turn 2")
