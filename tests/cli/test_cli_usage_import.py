"""`paas usage import` and `paas usage watch`: what a run read and added (the --json keys), one-line
errors with their exit codes, the default folders from the agents' own variables, both backends."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import Result

from paas.services import accounts
from paas.store.schema import Account, CreditEvent, UsageImportFile
from paas.store.unit import transaction
from tests.cli.test_cli_briefing import one_line_error
from tests.usage_log_helpers import DAY, claude_line, write_claude_tree, write_codex_tree

Cli = Callable[..., Result]
KEYS = {"files", "lines", "records", "duplicates", "input_tokens", "output_tokens", "cache_creation_tokens",
        "cache_read_tokens"}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("paas.cli.door.now", lambda: datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC))


def add_account(engine: Engine, name: str, unit: str = "tokens", quota: int = 1_000_000) -> None:
    with transaction(engine) as session:
        account_id = accounts.create_account(session, account_name=name, quota=quota,
                                             now=datetime(2026, 11, 25, tzinfo=UTC)).id
        row = session.get(Account, account_id)
        assert row is not None
        row.quota_unit = unit


def counts(engine: Engine) -> tuple[int, int]:
    with transaction(engine, write=False) as session:
        return (session.scalar(select(func.count()).select_from(CreditEvent)) or 0,
                session.scalar(select(func.count()).select_from(UsageImportFile)) or 0)


def test_json_has_the_keys_and_the_totals_of_what_this_run_added(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    add_account(engine, "a")
    claude, codex = write_claude_tree(tmp_path), write_codex_tree(tmp_path)
    result = cli("usage", "import", "--claude", str(claude), "--codex", str(codex), "--account", "a", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= KEYS
    assert {key: data[key] for key in KEYS} == {
        "files": 4, "lines": 20, "records": 7, "duplicates": 5, "input_tokens": 1143, "output_tokens": 369,
        "cache_creation_tokens": 170, "cache_read_tokens": 1600}
    assert data["skipped_files"] == 0 and data["bad_lines"] == 1 and data["unmapped_files"] == []
    assert [(item["account_name"], item["credits"], item["quota_unit"]) for item in data["accounts"]] == [
        ("a", 3282, "tokens")]
    assert isinstance(data["seconds"], float)
    again = json.loads(cli("usage", "import", "--claude", str(claude), "--codex", str(codex), "--account", "a",
                           "--json").stdout)
    assert (again["files"], again["skipped_files"], again["records"], again["lines"]) == (0, 4, 0, 0)


def test_the_text_says_what_it_read_and_added_and_when_rotation_is_due(cli: Cli, engine: Engine,
                                                                        tmp_path: Path) -> None:
    add_account(engine, "small", quota=500)
    result = cli("usage", "import", "--claude", str(write_claude_tree(tmp_path)), "--account", "small")
    assert result.exit_code == 0, result.output
    assert "read 3 files (0 unchanged, not opened), 13 lines" in result.stdout
    assert "5 records kept, 5 duplicates skipped, 1 bad lines skipped" in result.stdout
    assert "tokens added: input 43, output 69, cache creation 170, cache read 200" in result.stdout
    assert "small: +482 tokens over 5 records; 480 of 450 used in its window rotate due" in result.stdout


def test_refusals_are_one_line_with_their_exit_code_and_change_nothing(cli: Cli, engine: Engine,
                                                                       tmp_path: Path) -> None:
    add_account(engine, "genspark", unit="credits")
    add_account(engine, "a")
    claude = str(write_claude_tree(tmp_path))
    assert "paas accounts edit genspark --unit tokens" in one_line_error(
        cli("usage", "import", "--claude", claude, "--account", "genspark"), 2)
    assert "no account named 'nobody'" in one_line_error(cli("usage", "import", "--claude", claude, "--account",
                                                             "nobody"), 3)
    assert "no such folder" in one_line_error(cli("usage", "import", "--claude", str(tmp_path / "x"), "--account",
                                                  "a"), 2)
    assert "not both" in one_line_error(cli("usage", "import", "--claude", claude, "--account", "a", "--map",
                                            f"{claude}=a"), 2)
    assert "DIR=ACCOUNT" in one_line_error(cli("usage", "import", "--claude", claude, "--map", "nothing"), 2)
    assert "--account A" in one_line_error(cli("usage", "import", "--claude", claude), 2)
    assert counts(engine) == (0, 0)


def test_maps_send_folders_to_accounts_and_unmapped_files_are_noted(cli: Cli, engine: Engine,
                                                                    tmp_path: Path) -> None:
    add_account(engine, "p")
    claude = write_claude_tree(tmp_path)
    result = cli("usage", "import", "--claude", str(claude), "--map", f"{claude / 'projects' / '-p'}=p")
    assert result.exit_code == 0, result.output
    assert "note: 1 files below no --map folder were not read" in " ".join(result.stderr.split())
    assert "s2.jsonl" in result.stderr


def test_the_default_folders_are_the_agents_own(cli: Cli, engine: Engine, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    add_account(engine, "a")
    claude, codex = write_claude_tree(tmp_path), write_codex_tree(tmp_path)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{claude},{tmp_path / 'not-there'}")
    monkeypatch.setenv("CODEX_HOME", str(codex))
    data = json.loads(cli("usage", "import", "--account", "a", "--json").stdout)
    assert (data["files"], data["records"]) == (4, 7)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "not-there"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "not-there"))
    assert "no agent logs found" in one_line_error(cli("usage", "import", "--account", "a"), 2)


def test_watch_imports_in_rounds_and_warns_once_when_rotation_comes_due(cli: Cli, engine: Engine,
                                                                       tmp_path: Path) -> None:
    add_account(engine, "small", quota=500)
    result = cli("usage", "watch", "--claude", str(write_claude_tree(tmp_path)), "--account", "small",
                 "--interval", "0.1", "--rounds", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("+5 records (5 duplicates) from 3 files: small +482 tokens") == 1
    warning = " ".join(result.stderr.split())
    assert warning.count("warning: small is due to rotate: 480 of 450 tokens used") == 1
    assert counts(engine)[0] == 5


def test_help_names_both_commands(cli: Cli) -> None:
    result = cli("usage", "--help")
    assert result.exit_code == 0 and "import" in result.stdout and "watch" in result.stdout




def test_a_usd_account_is_shown_in_dollars_not_cents_called_usd(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    add_account(engine, "dollars", unit="usd", quota=300)
    home = tmp_path / "claude"
    log = home / "projects" / "-p" / "s.jsonl"
    log.parent.mkdir(parents=True)
    # claude-sonnet-4-5 at $3 / $15 a million (under 200k input): 100k input + 10k output is $0.45 = 45 cents
    log.write_text(claude_line("m1", "r1", f"{DAY}T10:00:00Z", input_tokens=100_000, output_tokens=10_000) + "\n")
    result = cli("usage", "import", "--claude", str(home), "--account", "dollars")
    assert result.exit_code == 0, result.output
    assert "dollars: +$0.45 over 1 records; $0.45 of $2.70 used in its window" in result.stdout
    assert "usd" not in result.stdout
    log.write_text(log.read_text() + claude_line("m2", "r2", f"{DAY}T10:05:00Z", input_tokens=190_000,
                                                 output_tokens=150_000) + "\n")
    watched = cli("usage", "watch", "--claude", str(home), "--account", "dollars", "--interval", "0.1",
                  "--rounds", "1")
    assert watched.exit_code == 0, watched.output
    assert "dollars +$2.82" in watched.stdout
    assert "warning: dollars is due to rotate: $3.27 of $2.70 used" in " ".join(watched.stderr.split())


def test_a_log_with_a_negative_or_absurd_count_imports_the_rest(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    add_account(engine, "a")
    home = tmp_path / "claude"
    log = home / "projects" / "-p" / "s.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text("\n".join([claude_line("m1", "r1", f"{DAY}T10:00:00Z", input_tokens=-100, output_tokens=5),
                              claude_line("m2", "r2", f"{DAY}T10:00:00Z", input_tokens=10**20),
                              claude_line("m3", "r3", f"{DAY}T10:00:00Z", input_tokens=7)]) + "\n")
    result = cli("usage", "import", "--claude", str(home), "--account", "a", "--json")
    assert result.exit_code == 0, result.output  # was a traceback: the ledger's check, a 64-bit overflow
    data = json.loads(result.stdout)
    assert (data["records"], data["bad_lines"], data["input_tokens"]) == (1, 2, 7)
    assert counts(engine) == (1, 1)


def test_one_folder_mapped_to_two_accounts_is_refused_and_changes_nothing(cli: Cli, engine: Engine,
                                                                          tmp_path: Path) -> None:
    add_account(engine, "a")
    add_account(engine, "b")
    claude = write_claude_tree(tmp_path)
    refused = cli("usage", "import", "--claude", str(claude), "--map", f"{claude}=a", "--map", f"{claude}/=b")
    assert "mapped to two accounts" in one_line_error(refused, 2)  # the first used to win silently
    assert counts(engine) == (0, 0)
    same = cli("usage", "import", "--claude", str(claude), "--map", f"{claude}=a", "--map", f"{claude}=a")
    assert same.exit_code == 0, same.output


def test_on_a_terminal_the_bar_says_when_it_saves_after_reading(cli: Cli, engine: Engine, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    add_account(engine, "a")
    shown, printed = io.StringIO(), io.StringIO()
    monkeypatch.setattr("paas.cli.door._consoles", {True: Console(file=shown, force_terminal=True, width=120),
                                                    False: Console(file=printed, width=120)})
    result = cli("usage", "import", "--claude", str(write_claude_tree(tmp_path)), "--account", "a")
    assert result.exit_code == 0, result.output
    assert "reading logs" in shown.getvalue()
    assert "saving to the database" in shown.getvalue()  # the bar sat at 100% while the records were saved
    assert "5 records kept" in printed.getvalue()
