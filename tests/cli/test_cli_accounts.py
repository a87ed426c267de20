"""`paas accounts add|edit|show|limit|list`: the API's rules and the API's JSON, by name or id; a
refused value is one line, its exit code, and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import Result

from tests.api.api_helpers import fails, new_account, ok, rows
from tests.cli.cli_helpers import printed
from tests.cli.test_cli_briefing import one_line_error

Cli = Callable[..., Result]


def api_account(client: TestClient, account_id: int) -> dict[str, Any]:
    return ok(client.get(f"/api/accounts/{account_id}"))["data"]


def test_add_takes_quota_window_threshold_and_tags_and_prints_the_api_json(cli: Cli, client: TestClient,
                                                                            same_clock: None) -> None:
    added = printed(cli, "accounts", "add", "Claude-Pro", "--platform", "claude", "--quota", "45", "--window",
                    "rolling", "--hours", "5", "--threshold", "40", "--tags", "review, python", "--email",
                    "me@example.com", "--specialization", "code review", "--notes", "team seat")
    api = api_account(client, added["id"])
    assert added == api
    assert (api["quota"], api["window_kind"], api["window_hours"], api["rotate_threshold"], api["tags"],
            api["account_email"], api["notes"]) == (45, "rolling", 5, 40, "review, python", "me@example.com",
                                                    "team seat")
    assert printed(cli, "accounts", "show", "claude-pro") == api  # a name in any case, or the id
    assert printed(cli, "accounts", "show", str(added["id"])) == api


def test_add_a_daily_window_in_a_zone_and_the_line_it_prints(cli: Cli, client: TestClient, same_clock: None) -> None:
    result = cli("accounts", "add", "Paris", "--reset-at", "09:30", "--timezone", "Europe/Paris", "--credits", "30")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("account 1 added: Paris · available · 30/100 credits · "
                                     "resets daily at 09:30 Europe/Paris · threshold 90")
    api = api_account(client, 1)
    assert (api["window_reset_at"], api["window_timezone"], api["credits_used"]) == ("09:30", "Europe/Paris", 70)


@pytest.mark.parametrize(("options", "said"), [
    (("--timezone", "Mars/Base"), "window_timezone: unknown time zone 'Mars/Base'"),
    (("--quota", "0"), "quota: Input should be greater than or equal to 1"),
    (("--quota", "10", "--threshold", "11"), "rotate_threshold must be between 1 and the quota"),
    (("--reset-at", "25:00"), "window_reset_at: must be a 24-hour time as HH:MM"),
    (("--window", "weekly"), "window_kind: Input should be 'daily' or 'rolling'"),
    (("--window", "rolling", "--hours", "745"), "window_hours: Input should be less than or equal to 744"),
    (("--email", "not-an-email"), "account_email: must be an e-mail address"),
], ids=["zone", "quota", "threshold", "reset", "window", "hours", "email"])
def test_add_refuses_what_the_api_refuses_and_stores_nothing(cli: Cli, client: TestClient, engine: Engine,
                                                             options: tuple[str, ...], said: str) -> None:
    body = {"--timezone": "window_timezone", "--quota": "quota", "--threshold": "rotate_threshold",
            "--reset-at": "window_reset_at", "--window": "window_kind", "--hours": "window_hours",
            "--email": "account_email"}
    api_body: dict[str, Any] = {"account_name": "api"}
    for flag, value in zip(options[::2], options[1::2], strict=True):
        api_body[body[flag]] = int(value) if value.isdigit() else value
    fails(client.post("/api/accounts", json=api_body), 422)  # the API refuses the same values
    before = rows(engine)
    error = one_line_error(cli("accounts", "add", "Refused", *options), 2)
    assert said in error and "{" not in error
    assert rows(engine) == before


def test_add_disabled_leaves_it_out_of_the_pool(cli: Cli, client: TestClient) -> None:
    assert cli("accounts", "add", "Spare", "--disable").exit_code == 0
    assert api_account(client, 1)["status"] == "disabled"


def test_edit_by_name_changes_quota_window_and_name_as_the_api_shows(cli: Cli, client: TestClient,
                                                                     same_clock: None) -> None:
    account_id = new_account(client, "GenSpark-Main")["id"]
    changed = printed(cli, "accounts", "edit", "genspark-main", "--name", "Main", "--quota", "200", "--window",
                      "rolling", "--hours", "8", "--threshold", "150", "--tags", "backend")
    assert changed == api_account(client, account_id)
    assert (changed["account_name"], changed["quota"], changed["window_kind"], changed["window_hours"],
            changed["rotate_threshold"], changed["tags"]) == ("Main", 200, "rolling", 8, 150, "backend")
    cleared = printed(cli, "accounts", "edit", str(account_id), "--clear", "tags", "--clear", "rotate_threshold")
    assert (cleared["tags"], cleared["rotate_threshold"]) == (None, 180)  # back to the default share of the quota


def test_edit_with_an_invalid_zone_changes_nothing_not_even_the_valid_options(cli: Cli, client: TestClient,
                                                                             engine: Engine) -> None:
    new_account(client, "Main")
    before = rows(engine)
    error = one_line_error(cli("accounts", "edit", "Main", "--quota", "70", "--timezone", "Mars/Base"), 2)
    assert "window_timezone: unknown time zone 'Mars/Base'" in error
    assert rows(engine) == before


@pytest.mark.parametrize(("args", "code", "said"), [
    (("Main",), 2, "nothing to change"),
    (("Main", "--disable", "--enable"), 2, "give --disable or --enable, not both"),
    (("Main", "--clear", "quota"), 2, "quota cannot be null"),
    (("Main", "--clear", "colour"), 2, "colour: Extra inputs are not permitted"),
    (("Main", "--clear", "tags", "--tags", "x"), 2, "--clear tags and a new value for it"),
    (("Main", "--threshold", "500"), 2, "rotate_threshold must be between 1 and the quota"),
    (("Main", "--name", "Other"), 4, "an account named 'Other' already exists"),
    (("Mian", "--quota", "5"), 3, "no account named 'Mian'; did you mean 'Main'?"),
    (("99", "--quota", "5"), 3, "account 99 does not exist"),
], ids=["nothing", "both", "clear-required", "clear-unknown", "clear-and-set", "threshold", "taken", "typo", "id"])
def test_edit_refusals_are_one_line_with_their_exit_code_and_change_nothing(
        cli: Cli, client: TestClient, engine: Engine, args: tuple[str, ...], code: int, said: str) -> None:
    new_account(client, "Main")
    new_account(client, "Other")
    before = rows(engine)
    error = one_line_error(cli("accounts", "edit", *args), code)
    assert said in error and "{" not in error
    assert rows(engine) == before


def test_disable_then_enable_which_also_clears_a_platform_report(cli: Cli, client: TestClient) -> None:
    new_account(client, "Main")
    assert cli("accounts", "limit", "Main", "--reason", "throttled").exit_code == 0
    assert api_account(client, 1)["status"] == "throttled"
    assert "disabled" in cli("accounts", "edit", "Main", "--disable").stdout
    assert api_account(client, 1)["status"] == "disabled"
    enabled = printed(cli, "accounts", "edit", "Main", "--enable")
    assert (enabled["status"], enabled["throttled_until"], enabled["disabled_reason"]) == ("available", None, None)


def test_limit_reports_what_the_platform_said_as_the_api_does(cli: Cli, client: TestClient, clock: Any,
                                                              same_clock: None) -> None:
    for name in ("a", "b", "c"):
        new_account(client, name)
    throttled = printed(cli, "accounts", "limit", "a", "--reason", "throttled", "--cooldown", "120")
    assert throttled == api_account(client, 1)
    assert throttled["status"] == "throttled"
    assert datetime.fromisoformat(throttled["throttled_until"]) == clock() + timedelta(seconds=120)
    exhausted = printed(cli, "accounts", "limit", "2", "--reason", "window_exhausted", "--resets-at",
                        "2026-11-25T18:00:00+01:00")
    assert exhausted["status"] == "exhausted"
    assert datetime.fromisoformat(exhausted["exhausted_until"]) == datetime(2026, 11, 25, 17, tzinfo=UTC)
    assert printed(cli, "accounts", "limit", "c", "--reason", "invalid_credentials")["status"] == "disabled"


@pytest.mark.parametrize(("args", "code", "said"), [
    (("a", "--reason", "sleepy"), 2, "reason: Input should be 'window_exhausted', 'throttled' or"),
    (("a", "--reason", "window_exhausted", "--resets-at", "2026-11-25T18:00"), 2,
     "resets_at: Input should have timezone info"),
    (("a", "--reason", "window_exhausted", "--resets-at", "tomorrow"), 2, "resets_at: Input should be a valid"),
    (("a", "--reason", "window_exhausted", "--resets-at", "2020-01-01T00:00Z"), 2, "resets_at must be in the future"),
    (("a", "--reason", "throttled", "--cooldown", "0"), 2, "cooldown_seconds: Input should be greater than"),
    (("a", "--reason", "throttled", "--resets-at", "2027-01-01T00:00Z"), 2, "--resets-at goes with --reason"),
    (("a", "--reason", "window_exhausted", "--cooldown", "5"), 2, "--cooldown goes with --reason throttled"),
    (("zz", "--reason", "throttled"), 3, "no account named 'zz'"),
], ids=["reason", "naive", "not-a-time", "past", "cooldown", "resets-with-throttle", "cooldown-with-window", "who"])
def test_limit_refusals_change_nothing(cli: Cli, client: TestClient, engine: Engine, same_clock: None,
                                       args: tuple[str, ...], code: int, said: str) -> None:
    new_account(client, "a")
    before = rows(engine)
    error = one_line_error(cli("accounts", "limit", *args), code)
    assert said in error
    assert rows(engine) == before


def test_list_searches_name_email_specialization_and_tags_in_any_case_like_the_api(cli: Cli, client: TestClient,
                                                                                   same_clock: None) -> None:
    new_account(client, "React-Box")
    new_account(client, "mail-box", account_email="react-team@example.com")
    new_account(client, "spec-box", specialization="Frontend, REACT")
    new_account(client, "tag-box", tags="ui,reactive")
    new_account(client, "python-box", specialization="Django", platform="claude")
    found = printed(cli, "accounts", "list", "--search", "rEaCt")
    assert sorted(row["account_name"] for row in found) == ["React-Box", "mail-box", "spec-box", "tag-box"]
    assert found == ok(client.get("/api/accounts", params={"search": "rEaCt"}))["data"]  # the doors agree
    assert [row["account_name"] for row in printed(cli, "accounts", "list", "--platform", "claude")] == [
        "python-box"]
    assert printed(cli, "accounts", "list", "--search", "nothing-like-it") == []
    assert ok(client.get("/api/accounts", params={"search": "rEaCt", "platform": "claude"}))["pagination"][
        "total"] == 0


def test_list_says_how_many_it_shows_and_pages_with_offset(cli: Cli, client: TestClient) -> None:
    for number in range(5):
        new_account(client, f"acct-{number}")
    first = cli("accounts", "list", "--limit", "2")
    assert first.exit_code == 0, first.output
    assert first.stdout.rstrip().endswith("showing 2 of 5; --offset 2 for the next")
    last = cli("accounts", "list", "--limit", "2", "--offset", "4")
    assert "acct-4" in last.stdout and "acct-0" not in last.stdout
    assert last.stdout.rstrip().endswith("showing 1 of 5 from number 5")
    searched = cli("accounts", "list", "--search", "ACCT-3")
    assert searched.stdout.rstrip().endswith("showing 1 of 1")
    assert [row["account_name"] for row in printed(cli, "accounts", "list", "--limit", "2", "--offset", "1")] == [
        "acct-1", "acct-2"]


def test_the_api_refuses_an_overlong_search(client: TestClient) -> None:
    fails(client.get("/api/accounts", params={"search": "x" * 201}), 422)
