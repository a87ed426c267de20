"""`paas statusline`: Claude Code's status line JSON in, one line out; the platform's readings stored
beside our estimate (once a minute at most when nothing moved); nothing ever breaks the status bar
(bad input, no database, an unknown account: one line on stdout, exit 0, the reason on stderr).

The README's `.claude/settings.json` snippet is run as written (``paas`` on PATH, a real process fed
a recorded payload), like tests/test_agent_day.py does for the hooks."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from paas.cli import app
from paas.cli.statusline import _payload
from paas.services import accounts, project_links, projects, sessions
from paas.store.schema import PlatformReading
from paas.store.unit import transaction
from tests.api.api_helpers import ok
from tests.test_agent_day import env, readme_json

PAYLOAD = Path(__file__).parents[1] / "fixtures" / "claude_code_statusline.json"
LINE = "Claude-Main · 5h 42% (est 38%, resets 14:05) · 7d 61% · session 1 due at 90%"


def payload(cwd: Path | str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PAYLOAD.read_text().replace("CWD", str(cwd)))
    return {**data, **changes}


def working_day(engine: Engine, folder: Path, now: datetime) -> int:
    """Project Shop linked to ``folder``; Claude-Main (5M tokens a 5-hour window) in session 1 with 1.9M used."""
    folder.mkdir(parents=True, exist_ok=True)
    with transaction(engine) as session:
        shop = projects.create_project(session, name="Shop")
        main = accounts.create_account(session, account_name="Claude-Main", platform="claude", quota_unit="tokens",
                                       quota=5_000_000, window_kind="rolling", window_hours=5, now=now)
        accounts.create_account(session, account_name="Spare", now=now)
        project_links.link(session, folder, shop.id, now=now)
        work = sessions.start_session(session, project_id=shop.id, account_id=main.id, now=now)
        sessions.record_usage(session, work.id, credits=1_900_000, now=now)
        return main.id


def stored(engine: Engine) -> int:
    with transaction(engine, write=False) as session:
        return int(session.scalar(select(func.count()).select_from(PlatformReading)) or 0)


@pytest.fixture
def statusline(database_url: str, monkeypatch: pytest.MonkeyPatch, clock: Any) -> Callable[..., Result]:
    """``statusline(stdin, *options)`` in-process, at the test clock, reset times shown in UTC."""
    monkeypatch.setattr("paas.cli.door.now", clock)
    monkeypatch.setenv("TZ", "UTC")

    def run(stdin: str | dict[str, Any], *options: str, url: str = database_url) -> Result:
        text = stdin if isinstance(stdin, str) else json.dumps(stdin)
        return CliRunner().invoke(app, ["statusline", *options], input=text, env={"PAAS_DATABASE_URL": url})

    return run


def one_line(result: Result) -> str:
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert len(lines[0]) <= 100
    return lines[0]


def test_the_readme_snippet_prints_the_line_and_stores_the_readings(engine: Engine, database_url: str,
                                                                     tmp_path: Path, client: TestClient) -> None:
    account_id = working_day(engine, tmp_path / "shop", datetime.now(UTC))
    command = readme_json("statusLine")["statusLine"]
    assert command == {"type": "command", "command": "paas statusline"}
    shown = subprocess.run(command["command"], shell=True, input=json.dumps(payload(tmp_path / "shop" / "src")),
                           capture_output=True, text=True, env={**env(database_url, tmp_path), "TZ": "UTC"},
                           timeout=120, check=False)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == LINE + "\n"
    api = ok(client.get(f"/api/accounts/{account_id}"))["data"]
    five, seven = api["platform_readings"]["five_hour"], api["platform_readings"]["seven_day"]
    assert (five["used_percentage"], five["estimated_percentage"], five["resets_at"]) == (
        42.0, 38.0, "2026-12-04T14:05:00Z")
    assert (seven["used_percentage"], seven["estimated_percentage"], seven["resets_at"]) == (
        61.2, None, "2026-12-09T00:00:00Z")
    shown_json = CliRunner().invoke(app, ["accounts", "show", "Claude-Main", "--json"],
                                    env={"PAAS_DATABASE_URL": database_url})
    assert json.loads(shown_json.stdout)["platform_readings"] == api["platform_readings"]
    text = CliRunner().invoke(app, ["accounts", "show", "Claude-Main"], env={"PAAS_DATABASE_URL": database_url})
    assert "platform 5h: 42% used (our estimate 38%) · resets 2026-12-04 14:05 UTC" in text.stdout


def test_the_account_is_named_or_found_from_the_folder(engine: Engine, tmp_path: Path, clock: Any,
                                                       statusline: Callable[..., Result]) -> None:
    working_day(engine, tmp_path / "shop", clock())
    assert one_line(statusline(payload(tmp_path / "shop"))) == LINE
    elsewhere = payload("/", rate_limits={"five_hour": {"used_percentage": 42, "resets_at": "2026-12-04T14:05:00Z"}})
    named = one_line(statusline(elsewhere, "--account", "Claude-Main"))
    assert named == "Claude-Main · 5h 42% (est 38%, resets 14:05) · session 1 due at 90%"
    spare = one_line(statusline(elsewhere, "--account", "Spare"))
    assert spare == "Spare · 5h 42% (est 0%, resets 14:05)"  # a daily account: compared with five_hour, no session
    no_limits = one_line(statusline({**payload(tmp_path / "shop"), "rate_limits": None}))
    assert no_limits == "Claude-Main · used 38% · session 1 due at 90%"  # an API key: our figure alone


def test_an_unchanged_reading_is_stored_once_a_minute(engine: Engine, tmp_path: Path, clock: Any,
                                                      statusline: Callable[..., Result]) -> None:
    working_day(engine, tmp_path / "shop", clock())
    given = payload(tmp_path / "shop")
    one_line(statusline(given))
    assert stored(engine) == 2  # five_hour and seven_day
    clock.now += timedelta(seconds=20)
    one_line(statusline(given))
    assert stored(engine) == 2
    moved = {**given, "rate_limits": {**given["rate_limits"], "seven_day": {"used_percentage": 62}}}
    one_line(statusline(moved))
    assert stored(engine) == 3  # only the window that moved
    clock.now += timedelta(seconds=61)
    one_line(statusline(moved))
    assert stored(engine) == 5


def test_the_session_due_now_and_colour_when_asked(engine: Engine, tmp_path: Path, clock: Any,
                                                   statusline: Callable[..., Result]) -> None:
    working_day(engine, tmp_path / "shop", clock())
    with transaction(engine) as session:
        sessions.record_usage(session, 1, credits=2_700_000, now=clock())
    plain = one_line(statusline(payload(tmp_path / "shop")))
    assert plain.endswith("· session 1 due now") and "est 92%" in plain and "\x1b[" not in plain
    coloured = statusline(payload(tmp_path / "shop"), "--color")
    assert coloured.exit_code == 0 and "\x1b[31mdue now\x1b[0m" in coloured.stdout
    assert "\x1b[32m42%\x1b[0m" in coloured.stdout


@pytest.mark.parametrize(("stdin", "line", "said"), [
    ("not json", "paas · status line input is not JSON", "input is not JSON"),
    ("[1, 2]", "paas · status line input is not a JSON object", "not a JSON object"),
    ("", "paas · status line input is empty", "input is empty"),  # was "not JSON"
    (" \n", "paas · status line input is empty", "input is empty"),
])
def test_bad_input_is_a_short_line_and_exit_0(engine: Engine, stdin: str, line: str, said: str,
                                              statusline: Callable[..., Result]) -> None:
    result = statusline(stdin)
    assert one_line(result) == line and said in result.stderr
    assert stored(engine) == 0


def test_run_by_hand_in_a_terminal_it_says_where_its_input_comes_from(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

        def read(self, size: int | None = -1) -> str:
            raise AssertionError("waited for a terminal's input (it waited until Ctrl-D)")

    monkeypatch.setattr("sys.stdin", Terminal())
    payload, problem = _payload()
    assert payload is None and problem is not None and "from Claude Code on stdin" in problem


def test_nothing_found_is_a_line_without_account_figures(engine: Engine, tmp_path: Path, clock: Any,
                                                         statusline: Callable[..., Result]) -> None:
    working_day(engine, tmp_path / "shop", clock())
    (tmp_path / "other").mkdir()
    unlinked = one_line(statusline(payload(tmp_path / "other")))
    assert unlinked == "paas · 5h 42% (resets 14:05) · 7d 61% · folder not linked (paas projects link)"
    unknown = statusline(payload(tmp_path / "shop"), "--account", "Clade-Main")
    assert one_line(unknown).endswith("· no account named 'Clade-Main'; did you mean 'Claude-Main'?")
    assert "no account named 'Clade-Main'" in unknown.stderr
    with transaction(engine) as session:
        sessions.complete_session(session, 1, now=clock())
    assert one_line(statusline(payload(tmp_path / "shop"))).endswith("· no session in progress")
    assert stored(engine) == 0


def test_no_database_is_a_line_and_exit_0(tmp_path: Path, statusline: Callable[..., Result]) -> None:
    empty = statusline(payload(tmp_path), url=f"sqlite:///{tmp_path / 'never-initialised.db'}")
    assert one_line(empty) == "paas · 5h 42% (resets 14:05) · 7d 61% · database unavailable"
    assert "paas init" in empty.stderr
    broken = statusline(payload(tmp_path), url="nosuchdriver://x")
    assert one_line(broken).endswith("· database unavailable")
