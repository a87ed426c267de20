"""Rules the CLI shares with the API through the services: the project's current account, and the
one "no account matches" error (one line, the documented exit code, nothing changed)."""

from __future__ import annotations

from collections.abc import Callable

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
