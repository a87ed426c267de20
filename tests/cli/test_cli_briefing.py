"""`paas context save` keeps the file, `paas rotate` hands over what `paas compress` shows of it, and
`paas briefing show` reads a saved briefing back (the API's JSON with --json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import Result

from tests.services.test_context_save import CLAUDE
from tests.services.test_rotation_briefing import AIDER, section

Cli = Callable[..., Result]


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    return result.stderr


@pytest.fixture
def working(cli: Cli) -> None:
    """Project 1 working on account 1, with account 2 free."""
    ok(cli("projects", "add", "Shop"))
    ok(cli("accounts", "add", "first"))
    ok(cli("accounts", "add", "second"))
    ok(cli("sessions", "add", "--project", "1", "--account", "1"))


@pytest.mark.parametrize("transcript", [CLAUDE, AIDER], ids=["claude_code", "aider"])
def test_rotate_after_context_save_states_the_edits_errors_and_next_step_of_compress(
        cli: Cli, working: None, transcript: Path) -> None:
    saved = ok(cli("context", "save", "--project", "1", str(transcript)))
    assert "snapshot 1 saved" in saved and "source 1 kept" in saved
    compressed = json.loads(ok(cli("compress", str(transcript), "--json")))["briefing"]
    rotated = json.loads(ok(cli("rotate", "--project", "1", "--json")))
    assert rotated["next_account"]["account_name"] == "second"
    for name in ("Files", "Errors", "Next step"):
        assert section(compressed, name), name
        assert section(rotated["briefing"], name) == section(compressed, name), name
    assert rotated["briefing"].count("AUTO-ROTATION HANDOFF") == 1


def test_context_save_of_the_same_file_twice_keeps_it_once(cli: Cli, working: None) -> None:
    first = ok(cli("context", "save", "--project", "1", str(CLAUDE)))
    assert "source 1 kept (claude_code_jsonl" in first
    second = ok(cli("context", "save", "--project", "1", str(CLAUDE)))
    assert "snapshot 2 saved" in second and "source 1 already kept (same SHA-256)" in second


def test_context_save_errors_are_one_line_and_change_nothing(cli: Cli, working: None, tmp_path: Path) -> None:
    broken = tmp_path / "s.jsonl"
    broken.write_text('{"type": "user", "message": {"content": "hi"}}\n{broken\n', encoding="utf-8")
    one_line_error(cli("context", "save", "--project", "1", str(broken)), 2)
    one_line_error(cli("context", "save", "--project", "9", str(CLAUDE)), 3)
    one_line_error(cli("context", "save", "--project", "1", str(tmp_path / "missing.md")), 2)
    one_line_error(cli("briefing", "show", "--project", "1"), 3)  # nothing was saved


def test_briefing_show_prints_the_latest_handoff_or_one_by_id(cli: Cli, working: None) -> None:
    ok(cli("context", "save", "--project", "1", str(CLAUDE)))
    rotated = json.loads(ok(cli("rotate", "--project", "1", "--json")))["briefing"]
    latest = cli("briefing", "show", "--project", "1")
    assert ok(latest) == rotated
    assert latest.stderr.startswith("briefing 2 · project 1 · session 1 · handoff · claude_code_jsonl · ")
    first = ok(cli("briefing", "show", "--id", "1"))
    assert "# Handoff briefing" in first and "AUTO-ROTATION" not in first
    assert ok(cli("briefing", "show", "--id", "1", "--project", "1")) == first


def test_briefing_show_json_is_the_apis_json(cli: Cli, working: None, client: TestClient) -> None:
    ok(cli("context", "save", "--project", "1", str(CLAUDE)))
    ok(cli("rotate", "--project", "1"))
    for args, briefing_id in ((("--id", "1"), 1), (("--project", "1"), 2)):
        printed: dict[str, Any] = json.loads(ok(cli("briefing", "show", *args, "--json")))
        answered = client.get(f"/api/briefings/{briefing_id}").json()["data"]
        assert printed == answered
        assert printed["id"] == briefing_id and printed["source_format"] == "claude_code_jsonl"


def test_briefing_show_errors_are_one_line_with_documented_codes(cli: Cli, working: None) -> None:
    ok(cli("context", "save", "--project", "1", str(CLAUDE)))
    ok(cli("projects", "add", "Other"))
    assert "--project P" in one_line_error(cli("briefing", "show"), 2)
    assert "briefing 99 does not exist" in one_line_error(cli("briefing", "show", "--id", "99"), 3)
    assert "project 99 does not exist" in one_line_error(cli("briefing", "show", "--project", "99"), 3)
    assert "no handoff briefing yet" in one_line_error(cli("briefing", "show", "--project", "2"), 3)
    assert "in project 2" in one_line_error(cli("briefing", "show", "--id", "1", "--project", "2"), 3)
    bad_id = cli("briefing", "show", "--id", "0")
    assert bad_id.exit_code == 2 and "Traceback" not in bad_id.output
