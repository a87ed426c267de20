"""Polishing through a real OpenAI-compatible endpoint on 127.0.0.1 (tests.polish_stub): what is sent,
what is kept, and that every failure keeps the plain briefing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paas.config import get_settings
from paas.core.briefing import Briefing
from paas.core.errors import InvalidInput
from paas.services.briefing import compress_text
from paas.services.polish import chat_polisher, polish_briefing, polisher_from_settings
from tests.core.briefing.test_briefing_polish import TRANSCRIPT
from tests.polish_stub import PolishStub

SECRET = "sk-test-0123456789abcdef"


def plain_briefing() -> Briefing:
    return compress_text(TRANSCRIPT, filename=".aider.chat.history.md")


def polish(stub: PolishStub, timeout: float = 5.0) -> Briefing:
    polisher = chat_polisher(stub.url, "tiny-model", api_key=SECRET, timeout=timeout)
    return polish_briefing(plain_briefing(), sources=TRANSCRIPT, polisher=polisher)


def test_an_accepted_polish_replaces_the_body_and_says_so(polish_stub: PolishStub) -> None:
    plain = plain_briefing()
    result = polish(polish_stub)
    assert result.stats["polish"]["accepted"] is True, result.stats["polish"]
    assert "## Next step\n\n- Next: " in result.markdown
    assert "```markdown" not in result.markdown
    assert result.markdown != plain.markdown
    assert result.stats["polish"]["model"] == "tiny-model"
    assert result.stats["polish"]["tokens_plain"] == plain.stats["tokens_after"]


def test_the_request_is_an_openai_chat_completion_with_the_key_as_bearer(polish_stub: PolishStub) -> None:
    polish(polish_stub)
    [sent] = polish_stub.requests
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert sent["body"]["model"] == "tiny-model" and sent["body"]["temperature"] == 0
    assert sent["body"]["messages"][-1]["content"].startswith("## Goal")


@pytest.mark.parametrize(("reply", "expected"), [
    ((500, b'{"error": "overloaded"}'), "answered HTTP 500"),
    ((200, b"<html>not json</html>"), "no choices[0].message.content"),
    ((200, b'{"choices": []}'), "no choices[0].message.content"),
    ((200, b'{"choices": [{"message": {"content": 42}}]}'), "not text"),
])
def test_a_broken_endpoint_keeps_the_plain_briefing(polish_stub: PolishStub, reply: tuple[int, bytes],
                                                    expected: str) -> None:
    polish_stub.reply = lambda _messages: reply
    result = polish(polish_stub)
    assert result.markdown == plain_briefing().markdown
    outcome = result.stats["polish"]
    assert outcome["accepted"] is False and any(expected in problem for problem in outcome["problems"])
    assert SECRET not in json.dumps(outcome)


def test_a_slow_endpoint_times_out_and_keeps_the_plain_briefing(polish_stub: PolishStub) -> None:
    polish_stub.delay = 1.0
    result = polish(polish_stub, timeout=0.2)
    outcome = result.stats["polish"]
    assert outcome["accepted"] is False and "could not be reached" in outcome["problems"][0]
    assert result.markdown == plain_briefing().markdown


def test_an_unreachable_endpoint_keeps_the_plain_briefing() -> None:
    polisher = chat_polisher("http://127.0.0.1:9/v1", "m", timeout=2)
    result = polish_briefing(plain_briefing(), sources=TRANSCRIPT, polisher=polisher)
    assert result.stats["polish"]["accepted"] is False
    assert "could not be reached" in result.stats["polish"]["problems"][0]


def test_a_polish_that_invents_or_drops_facts_is_refused(polish_stub: PolishStub) -> None:
    polish_stub.reply = lambda messages: messages[-1]["content"].replace("3f2a9c1", "9e8d7c6")
    result = polish(polish_stub)
    outcome = result.stats["polish"]
    assert outcome["accepted"] is False
    assert result.markdown == plain_briefing().markdown
    assert "the section '## Where it stands' was changed" in outcome["problems"]


def test_polishing_needs_a_configured_endpoint(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="PAAS_POLISH_URL"):
        polisher_from_settings(get_settings(data_dir=tmp_path))
    polisher = polisher_from_settings(get_settings(data_dir=tmp_path, polish_url="http://127.0.0.1:1/v1",
                                                   polish_model="m"))
    assert polisher.model == "m" and callable(polisher.ask)
