"""Hostile names and values through `paas`: refused as the API refuses them (one line, exit 2 or 4,
nothing stored), and what is already stored (rows from before the rule, free text) printed with
its control characters escaped, in tables, messages and JSON alike."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from paas.cli import app
from paas.cli.printing import EscapingConsole
from paas.core.statusline import LineFacts, render_line
from paas.store.schema import Account, KnowledgeEntry, Project
from paas.store.unit import transaction
from tests.api.api_helpers import rows
from tests.cli.cli_helpers import printed
from tests.cli.test_cli_briefing import one_line_error
from tests.services.test_names import HOSTILE

Cli = Callable[..., Result]
RAW = ("\x1b", "\x07", "\x08", "\r", "\x9b", "\u202e", "\u2066")


def refused(cli: Cli, engine: Engine, code: int, *args: str) -> str:
    before = rows(engine)
    error = one_line_error(cli(*args), code)
    assert rows(engine) == before
    assert not any(char in error for char in RAW), repr(error)  # the error itself does not echo it raw
    return error


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_command_that_names_something_refuses_control_characters(cli: Cli, engine: Engine,
                                                                       name: str) -> None:
    assert cli("projects", "add", "Shop").exit_code == 0
    assert cli("accounts", "add", "seat").exit_code == 0
    for args in [("projects", "add", name),
                 ("accounts", "add", name), ("accounts", "edit", "seat", "--name", name),
                 ("accounts", "add", "tagged", "--tags", name),
                 ("token", "create", "--name", name, "--quiet"),
                 ("knowledge", "add", "--category", "tip", "--title", name),
                 ("knowledge", "add", "--category", "tip", "--title", "t", "--tags", name)]:
        error = refused(cli, engine, 2, *args)
        assert "must not contain control or bidirectional-override characters" in error, (args, error)


@pytest.mark.parametrize("name", ["evil\x1b[2Jname", "invoice\u202eexe.pdf"], ids=["escape", "override"])
def test_an_import_file_row_with_such_a_name_is_a_row_error(cli: Cli, engine: Engine, tmp_path: Path,
                                                            name: str) -> None:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps([{"account_name": "fine"}, {"account_name": name}]), encoding="utf-8")
    before = rows(engine)
    result = cli("accounts", "import", str(path))
    assert result.exit_code == 2, result.output
    assert "control or bidirectional-override" in result.stderr and "Traceback" not in result.output
    assert not any(char in result.output for char in RAW)
    assert rows(engine) == before


def test_a_second_spelling_of_a_taken_name_is_exit_4_naming_the_one_there(cli: Cli, engine: Engine) -> None:
    nfc, nfd = unicodedata.normalize("NFC", "Café"), unicodedata.normalize("NFD", "Café")
    assert cli("projects", "add", nfc).exit_code == 0
    assert cli("accounts", "add", "X").exit_code == 0
    assert "'Café'" in refused(cli, engine, 4, "projects", "add", nfd)
    assert "'X'" in refused(cli, engine, 4, "accounts", "add", "x")
    assert printed(cli, "accounts", "show", "x")["account_name"] == "X"  # lookups fold case as before


def test_credits_above_the_quota_and_a_host_time_zone_are_refused(cli: Cli, engine: Engine) -> None:
    assert "cannot exceed the quota" in refused(cli, engine, 2, "accounts", "add", "over", "--quota", "40",
                                                "--credits", "41")
    assert "window_timezone: unknown time zone 'localtime'" in refused(cli, engine, 2, "accounts", "add", "z",
                                                                        "--timezone", "localtime")


@pytest.fixture
def stored_before_the_rule(engine: Engine) -> None:
    """Rows a database may hold from before names were checked, and free text with line breaks."""
    with transaction(engine) as session:
        session.add(Project(name="proj\x1b[2J\x1b]0;owned\x07", description="line one\nforged\trow"))
        session.add(Account(account_name="acct\u202eexe.pdf\r", notes="note\x1b[31m", tags="a\x9bb"))
        session.add(KnowledgeEntry(category="tip", title="tip\x08\x08x", description="d", tags="t\x1b"))


@pytest.mark.parametrize("args", [("projects", "list"), ("accounts", "list"), ("accounts", "show", "1"),
                                  ("knowledge", "list"), ("projects", "edit", "1", "--description", "fresh"),
                                  ("projects", "list", "--json"), ("accounts", "show", "1", "--json"),
                                  ("knowledge", "list", "--json")])
def test_what_is_stored_prints_with_its_control_characters_escaped(cli: Cli, stored_before_the_rule: None,
                                                                   args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert not any(char in result.stdout for char in RAW), repr(result.stdout)
    shown = result.stdout
    if "--json" in args:
        data = json.loads(shown)  # still JSON, and the values as stored
        stored = data if isinstance(data, list) else [data]
        assert any(char in str(value) for item in stored for value in item.values() for char in RAW), data
    else:
        assert "\\x1b" in shown or "\\u202e" in shown or "\\x08" in shown, shown


def test_a_table_cell_shows_line_breaks_as_escapes_and_names_as_text_not_markup(cli: Cli, engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Project(name="[/red][bold]loud", description="line one\nforged row"))
    result = cli("projects", "list")
    assert result.exit_code == 0, result.output
    assert "[/red][bold]loud" in result.stdout and "line one\\nforged row" in result.stdout


def test_a_briefing_is_printed_with_its_control_characters_escaped_and_its_lines_kept() -> None:
    transcript = ("User: deploy the \x1b[31mshop\x1b[0m service\u202e today\n"
                  "Assistant: I will deploy the shop service.\n")
    result = CliRunner().invoke(app, ["compress", "-"], input=transcript)
    assert result.exit_code == 0, result.output
    assert not any(char in result.stdout for char in RAW), repr(result.stdout)
    assert "\\x1b[31mshop" in result.stdout and result.stdout.count("\n") > 1


def test_the_status_line_shows_a_stored_name_s_control_characters_as_escapes() -> None:
    line = render_line(LineFacts(account_name="seat\x1b]0;owned\x07\u202e"), colour=True)
    assert "seat\\x1b]0;owned\\x07\\u202e" in line
    assert line.count("\x1b") == line.count("\x1b[")  # only the colours' own escape sequences remain


@pytest.mark.parametrize("name", ["[/red]x", "[/]", "[/bold] [/link]"])
def test_a_name_that_looks_like_markup_is_printed_as_typed_not_a_crash(cli: Cli, name: str) -> None:
    added = cli("accounts", "add", name)
    assert added.exit_code == 0, added.output
    assert f"added: {name} ·" in added.stdout
    shown = cli("accounts", "show", "1")
    assert shown.exit_code == 0 and name in shown.stdout, shown.output
    assert cli("knowledge", "add", "--category", "tip", "--title", name).stdout.strip().endswith(f"added: {name}")


def test_a_stored_hyperlink_tag_is_text_not_a_terminal_hyperlink() -> None:
    terminal = EscapingConsole(force_terminal=True, width=200)
    with terminal.capture() as captured:
        terminal.print("account 1 added: [link=https://evil.example]seat[/link] · [bold]ok[/bold]")
    shown = captured.get()
    assert "\x1b]8;" not in shown  # OSC 8, a hyperlink
    assert "[link=https://evil.example]seat[/link]" in Text.from_ansi(shown).plain
    assert "\x1b[1mok" in shown  # the message's own markup still works
