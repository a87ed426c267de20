"""End to end: a conversation that pastes a database URL and an AWS key; no briefing repeats either."""

from __future__ import annotations

import json

import pytest

from paas.services.briefing import LEVELS, compress_text

PASSWORD = "S3cr3t-pa55"
AWS_ID = "AKIA" + "Q3EXAMPLEZ7Y2X4W"  # made up, assembled so no scanner flags the file
PASTE = (f"The API cannot reach the database. My .env has\nDATABASE_URL=postgresql://app:{PASSWORD}@db.internal:5432/app\n"
         f"AWS_ACCESS_KEY_ID={AWS_ID}\nPlease fix src/app/db.py so it connects.")


def claude_code_jsonl() -> str:
    events = [
        {"type": "user", "uuid": "u1", "sessionId": "s1", "cwd": "/work/app",
         "message": {"role": "user", "content": PASTE}},
        {"type": "assistant", "uuid": "a1", "sessionId": "s1", "message": {"role": "assistant", "content": [
            {"type": "text", "text": "Checking the connection settings."},
            {"type": "tool_use", "id": "t1", "name": "Bash",
             "input": {"command": f"psql postgresql://app:{PASSWORD}@db.internal:5432/app -c 'select 1'"}}]}},
        {"type": "user", "uuid": "u2", "sessionId": "s1", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "is_error": True,
             "content": "psql: error: connection to server at \"db.internal\" failed: timeout"}]}},
        {"type": "user", "uuid": "u3", "sessionId": "s1",
         "message": {"role": "user", "content": f"Same password {PASSWORD} works from my laptop. {PASTE}"}},
    ]
    return "\n".join(json.dumps(event) for event in events) + "\n"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("text", "filename"), [(f"User: {PASTE}", None), (claude_code_jsonl(), "session.jsonl")])
def test_no_level_carries_the_password_or_the_key(level: str, text: str, filename: str | None) -> None:
    markdown = compress_text(text, level=level, filename=filename).markdown
    assert PASSWORD not in markdown
    assert AWS_ID not in markdown
    assert "[redacted: password]" in markdown
    assert "db.internal" in markdown


def test_lines_mode_and_a_tight_budget_carry_no_secret_either() -> None:
    for markdown in (compress_text(claude_code_jsonl(), filename="s.jsonl", lines_mode=True).markdown,
                     compress_text(claude_code_jsonl(), filename="s.jsonl", max_tokens=60).markdown):
        assert PASSWORD not in markdown and AWS_ID not in markdown
