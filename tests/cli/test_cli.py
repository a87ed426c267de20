"""`paas` commands: initialise, load demo data, add and list records, with exit codes per error kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from typer.testing import Result

from paas.store.db import current_revision, head_revision, make_engine
from paas.store.schema import Account, Project, WorkSession
from paas.store.unit import transaction

Cli = Callable[..., Result]


def count(engine: Engine, model: type[Any]) -> int:
    with transaction(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_init_creates_a_blank_sqlite_database(run_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "paas.db"
    url = f"sqlite:///{path}"
    result = run_cli(url, "init")
    assert result.exit_code == 0, result.output
    assert "database ready" in result.stdout
    assert path.is_file()
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert run_cli(url, "init").exit_code == 0  # running it again is harmless


def test_a_command_on_an_uninitialised_database_exits_5_and_says_to_run_init(run_cli: Cli, tmp_path: Path) -> None:
    result = run_cli(f"sqlite:///{tmp_path / 'blank.db'}", "projects", "list")
    assert result.exit_code == 5
    assert "not initialised" in result.stderr
    assert "paas init" in result.stderr
    assert result.stdout == ""


def test_demo_loads_once_and_reports_when_already_present(cli: Cli, engine: Engine) -> None:
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "demo data added: 4 projects, 10 accounts, 7 sessions" in one_line(first.stdout)
    again = cli("demo")
    assert again.exit_code == 0
    assert "already present; nothing added" in one_line(again.stdout)
    assert (count(engine, Project), count(engine, Account), count(engine, WorkSession)) == (4, 10, 7)


def test_demo_if_empty_loads_into_an_empty_database_only(cli: Cli, engine: Engine) -> None:
    assert cli("projects", "add", "mine").exit_code == 0
    skipped = cli("demo", "--if-empty")
    assert skipped.exit_code == 0
    assert "demo not loaded" in skipped.stdout
    assert count(engine, Project) == 1


def test_demo_if_empty_on_an_empty_database_loads_it(cli: Cli, engine: Engine) -> None:
    result = cli("demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert (count(engine, Project), count(engine, Account)) == (4, 10)


def test_projects_add_then_list_as_json(cli: Cli) -> None:
    added = cli("projects", "add", "Barber SaaS", "--description", "bookings")
    assert added.exit_code == 0, added.output
    assert "project 1 added: Barber SaaS" in added.stdout
    listed = cli("projects", "list", "--json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert [(row["id"], row["name"], row["description"], row["status"]) for row in rows] == [
        (1, "Barber SaaS", "bookings", "active")]
    table = cli("projects", "list")
    assert "Barber SaaS" in table.stdout and "Projects (1)" in table.stdout


def test_accounts_add_then_list_as_json(cli: Cli) -> None:
    added = cli("accounts", "add", "Claude-Sonnet", "--platform", "claude", "--credits", "45",
                "--specialization", "review")
    assert added.exit_code == 0, added.output
    listed = cli("accounts", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [(r["account_name"], r["platform"], r["credits_available"], r["status"]) for r in rows] == [
        ("Claude-Sonnet", "claude", 45, "available")]
    assert json.loads(cli("accounts", "list", "--json", "--status", "blocked").stdout) == []


def test_duplicate_project_exits_4_with_a_message_and_writes_nothing(cli: Cli, engine: Engine) -> None:
    assert cli("projects", "add", "Barber").exit_code == 0
    result = cli("projects", "add", "Barber")
    assert result.exit_code == 4
    assert "a project named 'Barber' already exists" in one_line(result.stderr)
    assert "Traceback" not in result.output
    assert count(engine, Project) == 1


def test_duplicate_account_exits_4_with_a_message_and_writes_nothing(cli: Cli, engine: Engine) -> None:
    assert cli("accounts", "add", "Main").exit_code == 0
    result = cli("accounts", "add", "Main", "--platform", "claude")
    assert result.exit_code == 4
    assert "an account named 'Main' already exists" in one_line(result.stderr)
    assert count(engine, Account) == 1


def test_invalid_platform_exits_2(cli: Cli, engine: Engine) -> None:
    result = cli("accounts", "add", "X", "--platform", "myspace")
    assert result.exit_code == 2
    assert "platform: Input should be 'genspark'" in one_line(result.stderr)  # the API's own words
    assert count(engine, Account) == 0


def test_sessions_add_with_an_unknown_account_exits_3(cli: Cli, engine: Engine) -> None:
    assert cli("projects", "add", "P").exit_code == 0
    result = cli("sessions", "add", "--project", "1", "--account", "99")
    assert result.exit_code == 3
    assert "account 99 does not exist" in one_line(result.stderr)
    assert count(engine, WorkSession) == 0


def test_sessions_add_leases_the_account_and_a_second_lease_exits_4(cli: Cli) -> None:
    cli("projects", "add", "P")
    cli("accounts", "add", "A")
    started = cli("sessions", "add", "--project", "1", "--account", "1", "--type", "bugfix")
    assert started.exit_code == 0, started.output
    assert "session 1 started (number 1 of project 1)" in started.stdout
    assert cli("sessions", "add", "--project", "1", "--account", "1").exit_code == 4
    rows = json.loads(cli("sessions", "list", "--json").stdout)
    assert [(r["project_name"], r["account_name"], r["session_type"], r["status"]) for r in rows] == [
        ("P", "A", "bugfix", "in_progress")]
    accounts = json.loads(cli("accounts", "list", "--json").stdout)
    assert accounts[0]["status"] == "active"


def test_version_prints_the_package_version(cli: Cli) -> None:
    from paas import __version__

    result = cli("version")
    assert (result.exit_code, result.stdout.strip()) == (0, __version__)


def test_bad_settings_name_the_variable_and_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from paas.cli import app

    env = {"PAAS_DATA_DIR": str(tmp_path), "PAAS_PORT": "eighty", "PAAS_POLISH_URL": "http://127.0.0.1:1/v1"}
    result = CliRunner().invoke(app, ["projects", "list"], env=env)
    assert result.exit_code == 2 and result.stdout == ""
    assert "invalid settings:" in result.stderr
    assert "PAAS_PORT: Input should be a valid integer" in result.stderr
    assert "errors.pydantic.dev" not in result.stderr
    del env["PAAS_PORT"]
    result = CliRunner().invoke(app, ["projects", "list"], env=env)
    assert result.exit_code == 2
    assert "invalid settings: PAAS_POLISH_MODEL must name a model when PAAS_POLISH_URL is set" in result.stderr
