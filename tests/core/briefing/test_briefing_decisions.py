"""Decisions read alone: what was given up ("no Dockerfile needed"), what a switch replaced."""

from __future__ import annotations

from paas.core.briefing.decisions import decisions
from paas.core.transcripts.model import Transcript, Turn


def chosen(*replies: str) -> list[str]:
    turns = [Turn(0, "user", "host the page and make the roll truly random")]
    turns += [Turn(i + 1, "assistant", reply) for i, reply in enumerate(replies)]
    return [f.text for f in decisions(Transcript("plain", tuple(turns), metadata={}))]


def test_a_thing_not_needed_is_a_choice_read_with_the_sentence_after_it() -> None:
    found = chosen("Nope, no Dockerfile needed. Render has a **Static Site** type that serves files directly.")
    assert found == ["Nope, no Dockerfile needed. Render has a **Static Site** type that serves files directly."]


def test_no_changes_needed_is_a_status_not_a_choice() -> None:
    assert chosen("No changes needed; the schemas match the tests' expectations.",
                  "No change required in the backend, it already works.") == []


def test_a_switch_that_does_not_say_from_what_names_the_code_before_it() -> None:
    found = chosen("`Math.random()` is a seeded PRNG. For a fair roll I'll swap to `crypto.getRandomValues()`, "
                   "which pulls from the OS RNG.")
    assert any(f.endswith("(from `Math.random()`)") and "swap to `crypto.getRandomValues()`" in f for f in found)


def test_a_switch_that_says_from_what_is_left_as_it_is() -> None:
    found = chosen("We use `fetch` now. I switched from `axios` to `fetch` because it needs no dependency.")
    assert any("switched from `axios` to `fetch`" in f and "(from" not in f for f in found)


def test_a_comparison_inside_an_explanation_is_not_a_choice() -> None:
    assert chosen("**Summary**: OAuth 2.0 allows applications to access user data securely by using tokens "
                  "instead of credentials, ensuring user privacy.") == []
    assert chosen("Change the test configuration to use port 8080 instead of the default 3000.")
    kept = chosen("We read the config with `tomllib` instead of a regex, since the file is TOML.")
    assert kept and "`tomllib` instead of a regex" in kept[0]
