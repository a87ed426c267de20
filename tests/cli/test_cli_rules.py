"""Rules the CLI shares with the API through the services: the project's current account, and the
one "no account matches" error (one line, the documented exit code, nothing changed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import Result

from tests.cli.test_cli_briefing import ok, one_line_error

Cli = Callable[..., Result]


def test_rotate_names_a_missing_project_not_a_missing_session(cli: Cli) -> None:
    error = one_line_error(cli("rotate", "--project", "999"), 3)
    assert error == "error: project 999 does not exist\n"  # no Python dict text after it


def test_rotate_without_a_session_in_progress_says_how_to_go_on(cli: Cli) -> None:
    ok(cli("projects", "add", "Shop"))
    ok(cli("accounts", "add", "first"))
    error = one_line_error(cli("rotate", "--project", "1"), 2)
    assert "project 1 has no session in progress" in error and "--account" in error


def test_rotate_follows_the_newest_session_in_progress(cli: Cli) -> None:
    ok(cli("projects", "add", "Shop"))
    for name in ("first", "second", "third"):
        ok(cli("accounts", "add", name))
    ok(cli("sessions", "add", "--project", "1", "--account", "1"))
    ok(cli("sessions", "add", "--project", "1", "--account", "2"))  # people working in parallel
    rotated = ok(cli("rotate", "--project", "1"))
    assert "next account:" in rotated and "third" in rotated
    listed = ok(cli("sessions", "list", "--json"))
    assert '"status": "handed_off"' in listed  # session 2 (account 2, the newest) was handed off


def test_a_conflict_shows_its_details_as_text(cli: Cli) -> None:
    ok(cli("projects", "add", "Shop"))
    for name in ("first", "second"):
        ok(cli("accounts", "add", name))
    ok(cli("sessions", "add", "--project", "1", "--account", "1"))
    ok(cli("rotate", "--project", "1"))
    error = one_line_error(cli("rotate", "--project", "1", "--account", "1"), 4)  # the project moved on
    assert "already working on account 2" in error and "(current_account_id: 2, session_id: 2)" in error
    assert "{" not in error


def test_best_account_with_no_match_is_the_api_error(cli: Cli) -> None:
    ok(cli("accounts", "add", "small"))
    error = one_line_error(cli("accounts", "best", "--min-credits", "1000"), 3)
    assert "no available account matches" in error and "lower min_credits" in error


def test_import_refuses_what_the_api_refuses_row_by_row(cli: Cli, client: Any, tmp_path: Path) -> None:
    bad = {"long": "x" * 300, "mail": "not-an-email"}
    assert client.post("/api/accounts", json={"account_name": bad["long"]}).status_code == 422
    assert client.post("/api/accounts", json={"account_name": "m", "account_email": bad["mail"]}).status_code == 422
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text("account_name,account_email,quota\n"
                        "fine,a@b.c,100\n"
                        f"{bad['long']},a@b.c,100\n"
                        f"mail,{bad['mail']},100\n"
                        "quota,q@q.q,abc\n", encoding="utf-8")
    result = cli("accounts", "import", str(csv_file))
    assert result.exit_code == 2 and "Traceback" not in result.output
    *listed, error = result.stderr.splitlines()  # every bad row on a line of its own, then the one error line
    assert error == "error: 3 of 4 rows are invalid (listed above); nothing was created"
    assert listed == ["  line 3: account_name: String should have at most 200 characters",
                      "  line 4: account_email: must be an e-mail address (name@host)",
                      "  line 5: quota: Input should be a valid integer"]
    assert json.loads(ok(cli("accounts", "list", "--json"))) == []


def test_add_refuses_what_the_api_refuses(cli: Cli) -> None:
    error = one_line_error(cli("accounts", "add", "x" * 300), 2)
    assert error == "error: account_name: String should have at most 200 characters\n"
    error = one_line_error(cli("accounts", "add", "bad\x00name"), 2)
    assert "NUL" in error
