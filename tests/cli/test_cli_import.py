"""`paas accounts import FILE`: CSV or a JSON list, the API's rules row by row, all or nothing; a file
that is not a list of accounts is refused whole (exit 2) and changes nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from paas.cli import app
from paas.services.account_input import IMPORT_COLUMNS, INTEGER_COLUMNS, AccountCreate
from tests.api.api_helpers import fails, ok, rows
from tests.cli.test_cli_briefing import one_line_error

Cli = Callable[..., Result]


def names(client: TestClient) -> list[str]:
    return sorted(row["account_name"] for row in ok(client.get("/api/accounts"))["data"])


def imported(cli: Cli, path: Path, *options: str) -> str:
    result = cli("accounts", "import", str(path), *options)
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(cli: Cli, path: Path, engine: Engine, code: int = 2) -> Result:
    """The import's answer, after checking it failed with ``code``, printed no traceback and stored nothing."""
    before = rows(engine)
    result = cli("accounts", "import", str(path))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith("error: ")
    assert rows(engine) == before
    return result


def test_a_csv_with_every_documented_column_imports_as_the_api_creates(cli: Cli, client: TestClient,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_name,platform,account_email,specialization,tags,notes,quota,window_kind,"
                    "window_reset_at,window_timezone,window_hours,rotate_threshold,credits_available\n"
                    "Berlin,claude,b@example.com,Frontend,ui,seat 1,50,daily,09:00,Europe/Berlin,,45,30\n"
                    " Rolling , chatgpt ,,,,,500,rolling,,,5,,\n", encoding="utf-8")
    assert imported(cli, path).strip() == "created 2 accounts"
    berlin, rolling = sorted(ok(client.get("/api/accounts"))["data"], key=lambda row: row["account_name"])
    assert (berlin["platform"], berlin["quota"], berlin["window_reset_at"], berlin["window_timezone"],
            berlin["rotate_threshold"], berlin["tags"], berlin["notes"]) == (
        "claude", 50, "09:00", "Europe/Berlin", 45, "ui", "seat 1")
    assert (rolling["account_name"], rolling["window_kind"], rolling["window_hours"], rolling["account_email"]) == (
        "Rolling", "rolling", 5, None)  # cells are trimmed; an empty one leaves the field out


@pytest.mark.parametrize("text", [
    '[{"account_name": "a", "quota": 50}, {"account_name": "b", "tags": "x"}]',
    '{"accounts": [{"account_name": "a", "quota": 50}, {"account_name": "b", "tags": "x"}]}',
    "account_name;quota;tags\na;50;\nb;;x\n",
    "account_name\tquota\ttags\na\t50\t\nb\t\tx\n",
], ids=["json-list", "json-accounts", "semicolons", "tabs"])
def test_json_lists_and_csv_with_semicolons_or_tabs(cli: Cli, client: TestClient, tmp_path: Path,
                                                    text: str) -> None:
    path = tmp_path / ("accounts.json" if text.startswith(("[", "{")) else "accounts.txt")
    path.write_text(text, encoding="utf-8")
    imported(cli, path)
    listed = {row["account_name"]: row for row in ok(client.get("/api/accounts"))["data"]}
    assert (listed["a"]["quota"], listed["b"]["tags"]) == (50, "x")


def test_one_bad_row_stores_nothing_and_every_bad_row_is_listed_with_its_line(cli: Cli, engine: Engine,
                                                                               tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    lines = ["account_name,quota,window_timezone,account_email"]
    lines += [f"good-{number},10,UTC,g{number}@example.com" for number in range(3)]
    lines += [f"bad-{number},abc,UTC," for number in range(7)]  # more than the API's message names
    lines += ["zone,10,Mars/Base,", "good-0,10,UTC,", "mail,10,UTC,not-an-email", ",10,UTC,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = refused(cli, path, engine)
    *listed, error = result.stderr.splitlines()
    assert error == "error: 11 of 14 rows are invalid (listed above); nothing was created"
    assert listed[:7] == [f"  line {number}: quota: Input should be a valid integer" for number in range(5, 12)]
    assert listed[7:] == ["  line 12: window_timezone: unknown time zone 'Mars/Base'; use an IANA name such as "
                          "Europe/Paris",
                          "  line 13: account_name: duplicate of row 0",
                          "  line 14: account_email: must be an e-mail address (name@host)",
                          "  line 15: account_name: Field required"]


def test_a_non_numeric_quota_is_a_row_error_in_json_too(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps([{"account_name": "a", "quota": "100"}, {"account_name": "b", "quota": 1.5},
                                {"account_name": "c"}, "not an object"]), encoding="utf-8")
    result = refused(cli, path, engine)
    assert result.stderr.splitlines() == [
        "  rows[0]: quota: Input should be a valid integer",
        "  rows[1]: quota: Input should be a valid integer",
        "  rows[3]: a row must be an object of account fields",
        "error: 3 of 4 rows are invalid (listed above); nothing was created"]


def test_a_row_with_more_cells_than_the_header_is_a_row_error(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text('account_name,specialization\nok,Frontend\nsplit,Frontend, React\nquoted,"Frontend, React"\n',
                    encoding="utf-8")
    result = refused(cli, path, engine)
    assert result.stderr.splitlines()[0] == ("  line 3: 3 cells, but the header has 2 columns (a value with the "
                                             "delimiter in it needs quotes)")


@pytest.mark.parametrize(("header", "said"), [
    ("acount_name,quota", "unknown column 'acount_name' (did you mean 'account_name'?)"),
    ("account_name,email", "unknown column 'email' (did you mean 'account_email'?)"),
    ("account_name,colour", "unknown column 'colour' (the first line is the header; the columns are "
                            "account_name (required), platform,"),
    ("quota,tags", "no 'account_name' column"),
    ("account_name,quota,quota", "column 'quota' appears 2 times"),
    ("account_name,,quota", "column 2 of the header has no name"),
], ids=["typo", "short", "unknown", "no-name", "twice", "unnamed"])
def test_unknown_columns_are_named_with_the_one_meant_and_nothing_is_stored(
        cli: Cli, engine: Engine, tmp_path: Path, header: str, said: str) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(header + "\n" + ",".join(["x"] + ["1"] * header.count(",")) + "\n", encoding="utf-8")
    error = one_line_error(refused(cli, path, engine), 2)
    assert said in error


def test_an_unknown_json_field_names_its_rows(cli: Cli, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps([{"account_name": "a"}] + [{"acount_name": f"b{i}"} for i in range(5)]),
                    encoding="utf-8")
    error = one_line_error(refused(cli, path, engine), 2)
    assert ("unknown field 'acount_name' (did you mean 'account_name'?) in rows[1], rows[2], rows[3] and 2 more; "
            "nothing was created") in error


@pytest.mark.parametrize(("name", "content", "said"), [
    ("notes.txt", b"just some words\nand more words\n", "unknown column 'just some words'"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
    ("nul.csv", b"account_name\nx\x00y\n", "a binary file"),
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n \n", "empty"),
    ("commas.csv", b",,,\n", "no header"),
    ("header.csv", b"account_name,quota\n", "a header and no accounts"),
    ("broken.json", b'[{"account_name": "a"', "not valid JSON (line 1, column 22"),
    ("object.json", b'{"account_name": "a"}', "expected a JSON list of account objects"),
    ("number.json", b"42", "expected a JSON list of account objects"),
    ("nothing.json", b"[]", "the list has no accounts"),
], ids=lambda value: value if isinstance(value, str) and "." in value else None)
def test_a_file_that_is_not_a_list_of_accounts_is_refused_whole(cli: Cli, engine: Engine, tmp_path: Path,
                                                                name: str, content: bytes, said: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = one_line_error(refused(cli, path, engine), 2)
    assert said in error


def test_names_already_present_are_row_errors_or_skipped(cli: Cli, client: TestClient, engine: Engine,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_name\nfirst\nsecond\n", encoding="utf-8")
    imported(cli, path)
    result = refused(cli, path, engine)
    assert "  line 2: account_name: an account with this name already exists" in result.stderr
    path.write_text("account_name\nfirst\nthird\n", encoding="utf-8")
    assert imported(cli, path, "--skip-existing").strip() == "created 1 accounts, skipped 1 already present"
    assert names(client) == ["first", "second", "third"]


def test_more_than_the_batch_limit_is_refused_before_anything_is_stored(cli: Cli, engine: Engine,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("account_name\n" + "\n".join(f"a{number}" for number in range(10_001)) + "\n", encoding="utf-8")
    error = one_line_error(refused(cli, path, engine), 2)
    assert "at most 10000 accounts per batch; got 10001" in error


def test_the_api_refuses_what_the_import_refuses(client: TestClient, engine: Engine) -> None:
    before = rows(engine)
    error = fails(client.post("/api/private/batch-create-accounts",
                              json={"accounts": [{"account_name": "a"}, {"account_name": "b", "quota": "abc"},
                                                 {"account_name": "c", "window_timezone": "Mars/Base"}]}), 422)
    assert [row["index"] for row in error["details"]["rows"]] == [1, 2]
    assert "rows[2] window_timezone: unknown time zone 'Mars/Base'" in error["message"]
    assert rows(engine) == before


def test_help_documents_exactly_the_columns_the_rows_are_checked_against() -> None:
    assert sorted(IMPORT_COLUMNS) == sorted(AccountCreate.model_fields)
    assert all(AccountCreate.model_fields[name].annotation is not str for name in INTEGER_COLUMNS)
    text = CliRunner().invoke(app, ["accounts", "import", "--help"], env={"COLUMNS": "300"}).stdout
    words = " ".join(text.replace("│", " ").split())
    listed = re.search(r"Columns \(the API's fields\): (.*?)\.", words)
    assert listed is not None, words
    documented = [name.removesuffix(" (required)") for name in listed.group(1).split(", ")]
    assert sorted(documented) == sorted(IMPORT_COLUMNS)
    assert "JSON: a list of objects" in words


def test_progress_is_reported_as_rows_are_written(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    advanced: list[float] = []
    from rich.progress import Progress

    original = Progress.advance

    def advance(self: Any, task: Any, amount: float = 1) -> None:
        advanced.append(amount)
        original(self, task, amount)

    monkeypatch.setattr(Progress, "advance", advance)
    path = tmp_path / "accounts.csv"
    path.write_text("account_name\n" + "\n".join(f"a{number}" for number in range(2_500)) + "\n", encoding="utf-8")
    imported(cli, path)
    assert advanced == [1000, 1000, 500]
