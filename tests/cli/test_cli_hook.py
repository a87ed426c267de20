"""`paas hook claude-code` with recorded Claude Code payloads: SessionStart hands the pending
briefing to the new session once; PreCompact and SessionEnd keep the transcript; anything wrong
is a note on stderr and exit 0, never a broken session, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from paas.cli import app, main
from paas.store.schema import ContextSnapshot, HandoffQueueItem, TranscriptSource
from paas.store.unit import transaction
from tests.services.test_context_save import CLAUDE

PAYLOADS = Path(__file__).parents[1] / "fixtures" / "hooks"
Hook = Callable[..., Result]


@pytest.fixture
def hook(database_url: str) -> Hook:
    def run(payload: str, *args: str) -> Result:
        return CliRunner().invoke(app, ["hook", "claude-code", *args], input=payload,
                                  env={"PAAS_DATABASE_URL": database_url, "COLUMNS": "200"})

    return run


def recorded(name: str, **fill: str) -> str:
    text = (PAYLOADS / name).read_text()
    for key, value in fill.items():
        text = text.replace("{" + key + "}", value)
    return text


@pytest.fixture
def folder(cli: Callable[..., Result], tmp_path: Path) -> Path:
    """Project Shop linked to a folder, working on alpha, rotated once to beta (a handoff waits)."""
    shop = tmp_path / "shop"
    (shop / "src").mkdir(parents=True)
    for args in (("projects", "add", "Shop"), ("accounts", "add", "alpha"), ("accounts", "add", "beta"),
                 ("projects", "link", str(shop), "--project", "Shop"),
                 ("session", "start", "--project", "Shop", "--account", "alpha"),
                 ("session", "usage", "--project", "Shop", "--credits", "93"),
                 ("context", "save", "--project", "Shop", str(CLAUDE)), ("rotate", "--project", "Shop")):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
    return shop


def count(engine: Engine, model: type, **where: object) -> int:
    with transaction(engine, write=False) as session:
        statement = select(func.count()).select_from(model)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        return session.scalar(statement) or 0


def test_session_start_gives_the_pending_briefing_once(hook: Hook, folder: Path, engine: Engine) -> None:
    started = hook(recorded("session_start.json", cwd=str(folder / "src")))  # below the linked folder
    assert started.exit_code == 0, started.output
    output = json.loads(started.stdout)
    context = output["hookSpecificOutput"]["additionalContext"]
    assert output["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    assert "AUTO-ROTATION HANDOFF" in context and "**New**: beta" in context and "http_client.py" in context
    assert count(engine, HandoffQueueItem, status="pending") == 0
    assert count(engine, HandoffQueueItem, status="completed") == 1
    with transaction(engine, write=False) as session:
        assert session.scalar(select(HandoffQueueItem.processed_at)) is not None
    again = hook(recorded("session_start.json", cwd=str(folder)))
    assert (again.exit_code, again.stdout) == (0, "")  # delivered once


@pytest.mark.parametrize("payload", ["pre_compact.json", "session_end.json"])
def test_pre_compact_and_session_end_keep_the_transcript(hook: Hook, folder: Path, engine: Engine,
                                                          tmp_path: Path, payload: str) -> None:
    transcript = tmp_path / "later.jsonl"
    transcript.write_text(CLAUDE.read_text() + "\n")  # the session went on: another text than the saved one
    before = count(engine, ContextSnapshot)
    saved = hook(recorded(payload, cwd=str(folder), transcript=str(transcript)))
    assert saved.exit_code == 0, saved.output
    assert saved.stdout == "" and "transcript saved for project 1" in saved.stderr
    assert count(engine, ContextSnapshot) == before + 1 and count(engine, TranscriptSource) == 2


@pytest.mark.parametrize(("payload", "note"), [
    ("not json", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    ('{"cwd": "/"}', "no hook_event_name"),
    ("session_start.json:/", "is not linked to a project"),
    ("pre_compact.json:missing", "is not a file"),
])
def test_anything_wrong_is_a_note_and_exit_0_and_changes_nothing(hook: Hook, folder: Path, engine: Engine,
                                                                   tmp_path: Path, payload: str, note: str) -> None:
    if payload.endswith(":/"):
        payload = recorded(payload.split(":")[0], cwd=str(tmp_path / "elsewhere"))
        (tmp_path / "elsewhere").mkdir()
    elif payload.endswith(":missing"):
        payload = recorded(payload.split(":")[0], cwd=str(folder), transcript=str(tmp_path / "gone.jsonl"))
    before = (count(engine, ContextSnapshot), count(engine, HandoffQueueItem, status="pending"))
    result = hook(payload)
    assert result.exit_code == 0 and result.stdout == ""
    assert note in result.stderr and result.stderr.count("\n") == 1
    assert (count(engine, ContextSnapshot), count(engine, HandoffQueueItem, status="pending")) == before


def test_stop_does_nothing(hook: Hook, folder: Path, engine: Engine) -> None:
    before = count(engine, ContextSnapshot)
    result = hook(recorded("stop.json", cwd=str(folder), transcript=str(CLAUDE)))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert count(engine, ContextSnapshot) == before and count(engine, HandoffQueueItem, status="pending") == 1


def test_a_project_named_on_the_command_line_needs_no_link(hook: Hook, folder: Path, tmp_path: Path) -> None:
    (tmp_path / "unlinked").mkdir()
    result = hook(recorded("session_start.json", cwd=str(tmp_path / "unlinked")), "--project", "shop")
    assert result.exit_code == 0 and "AUTO-ROTATION HANDOFF" in result.stdout


@pytest.mark.parametrize("source", ["resume", "compact"])
def test_a_resumed_or_compacted_session_leaves_the_briefing_for_the_next_one(hook: Hook, folder: Path,
                                                                            engine: Engine, source: str) -> None:
    payload = recorded("session_start.json", cwd=str(folder)).replace('"startup"', f'"{source}"')
    result = hook(payload)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert count(engine, HandoffQueueItem, status="pending") == 1
    assert "AUTO-ROTATION HANDOFF" in hook(recorded("session_start.json", cwd=str(folder))).stdout  # then startup


@pytest.mark.parametrize("broken", ["not initialised", "bad setting", "unexpected"])
def test_a_broken_install_is_one_line_and_a_non_blocking_exit_1(folder: Path, tmp_path: Path, engine: Engine,
                                                               database_url: str, monkeypatch: pytest.MonkeyPatch,
                                                               broken: str) -> None:
    env = {"PAAS_DATABASE_URL": database_url, "COLUMNS": "200"}
    if broken == "not initialised":
        env["PAAS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.db'}"
    elif broken == "bad setting":  # the CLI's exit 2 elsewhere; Claude Code would read 2 as "block"
        env["PAAS_SQLITE_BUSY_TIMEOUT_MS"] = "soon"
    else:
        def fails(*args: object, **kwargs: object) -> None:
            raise RuntimeError("disk on fire\nsecond line")

        monkeypatch.setattr("paas.services.hooks.claude_code", fails)
    payload = recorded("pre_compact.json", cwd=str(folder), transcript=str(CLAUDE))
    before = count(engine, ContextSnapshot)
    result = CliRunner().invoke(app, ["hook", "claude-code"], input=payload, env=env)
    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert {"not initialised": "paas init", "bad setting": "PAAS_SQLITE_BUSY_TIMEOUT_MS",
            "unexpected": "RuntimeError: disk on fire second line"}[broken] in result.stderr
    assert count(engine, ContextSnapshot) == before


def test_a_mistake_in_the_hook_command_is_not_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["hook", "claude-code", "--bogus"])
    assert done.value.code == 1 and "No such option: --bogus" in capsys.readouterr().err
