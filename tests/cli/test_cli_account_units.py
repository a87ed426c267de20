"""Quota units in every account door: the API, batch-create, the CSV import, `paas accounts`,
`paas status` and MCP `pool_status` carry ``quota_unit`` (credits, tokens, usd in cents), show
figures in it, and refuse a unit change once usage is recorded (the figures would change meaning)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from paas.cli import app
from paas.mcp.tools import McpDoor
from paas.services.database import Database
from tests.api.api_helpers import created, fails, new_account, new_project, ok, rows, start, use
from tests.cli.cli_helpers import printed
from tests.cli.test_cli_briefing import one_line_error

Cli = Callable[..., Result]
BILLIONS = 5_000_000_000  # past 2^32: a week of tokens


def test_the_unit_is_the_same_json_in_the_api_and_the_cli(cli: Cli, client: TestClient, same_clock: None) -> None:
    tokens = new_account(client, "Claude-Main", platform="claude", quota_unit="tokens", quota=BILLIONS,
                         window_kind="rolling", window_hours=168, credits_available=BILLIONS - 1_200_000_000)
    assert (tokens["quota_unit"], tokens["quota"], tokens["credits_used"]) == ("tokens", BILLIONS, 1_200_000_000)
    assert tokens["rotate_threshold"] == 4_500_000_000  # 90%, computed: never squeezed into 32 bits
    assert printed(cli, "accounts", "show", "Claude-Main") == ok(client.get(f"/api/accounts/{tokens['id']}"))["data"]
    dollars = printed(cli, "accounts", "add", "API-Key", "--unit", "usd", "--quota", "2000", "--credits", "766")
    assert dollars == ok(client.get(f"/api/accounts/{dollars['id']}"))["data"]
    assert (dollars["quota_unit"], dollars["credits_used"], dollars["rotate_threshold"]) == ("usd", 1234, 1800)
    plain = printed(cli, "accounts", "add", "GenSpark")
    assert plain["quota_unit"] == "credits"  # the default
    listed = {row["account_name"]: row for row in printed(cli, "accounts", "list")}
    assert listed == {row["account_name"]: row for row in ok(client.get("/api/accounts"))["data"]}
    assert {name: row["quota_unit"] for name, row in listed.items()} == {
        "API-Key": "usd", "Claude-Main": "tokens", "GenSpark": "credits"}
    assert listed["API-Key"]["platform_readings"] is None  # read for one account, not in listings
    said = cli("accounts", "show", "Claude-Main").stdout
    assert "3.8B/5B tokens" in said and "threshold 4.5B" in said
    assert "$7.66/$20.00" in cli("accounts", "show", "API-Key").stdout


def test_a_unit_changes_only_while_nothing_is_recorded(cli: Cli, client: TestClient, engine: Engine,
                                                       same_clock: None) -> None:
    account = new_account(client, "Seat")
    changed = ok(client.patch(f"/api/accounts/{account['id']}", json={"quota_unit": "tokens", "quota": 900_000}))
    assert (changed["data"]["quota_unit"], changed["data"]["quota"]) == ("tokens", 900_000)
    assert printed(cli, "accounts", "edit", "Seat", "--unit", "credits", "--quota", "100")["quota_unit"] == "credits"
    use(client, start(client, new_project(client)["id"], account["id"])["id"], 10)
    before = rows(engine)
    error = fails(client.patch(f"/api/accounts/{account['id']}", json={"quota_unit": "usd"}), 422)
    assert "has recorded usage: its unit cannot become usd" in error["message"]
    said = one_line_error(cli("accounts", "edit", "Seat", "--unit", "tokens"), 2)
    assert "counts credits and has recorded usage" in said and "add a new account counting tokens" in said
    assert rows(engine) == before
    same = ok(client.patch(f"/api/accounts/{account['id']}", json={"quota_unit": "credits", "notes": "kept"}))
    assert same["data"]["notes"] == "kept"  # naming the unit it has is no change


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"quota_unit": "euros"}, "quota_unit", "Input should be 'credits', 'tokens' or 'usd'"),
    ({"quota_unit": "tokens"}, "quota", "an account counting tokens needs its quota"),
    ({"quota_unit": None, "quota": 5}, None, None),
    ({"quota": 10**12 + 1}, "quota", "Input should be less than or equal to 1000000000000"),
    ({"quota": BILLIONS, "rotate_threshold": 10**12 + 1}, "rotate_threshold",
     "Input should be less than or equal to 1000000000000"),
])
def test_a_bad_unit_or_figure_is_refused_in_every_door(cli: Cli, client: TestClient, engine: Engine,
                                                        body: dict[str, Any], field: str | None,
                                                        words: str | None) -> None:
    answer = client.post("/api/accounts", json={"account_name": "x", **body})
    if words is None:  # null is "not given": the default unit
        assert created(answer)["data"]["quota_unit"] == "credits"
        return
    before = rows(engine)
    error = fails(answer, 422)
    listed = error["details"] if isinstance(error["details"], list) else []  # a schema error lists its fields
    assert words in error["message"] or any(item["loc"][-1] == field and words in item["msg"] for item in listed)
    options = [f"--{'unit' if key == 'quota_unit' else 'threshold' if key == 'rotate_threshold' else key}={value}"
               for key, value in body.items()]
    assert words in one_line_error(cli("accounts", "add", "x", *options), 2)
    assert rows(engine) == before


def test_the_csv_import_and_batch_create_take_a_unit(cli: Cli, client: TestClient, engine: Engine,
                                                     tmp_path: Path) -> None:
    sheet = tmp_path / "accounts.csv"
    sheet.write_text("account_name,platform,quota,quota_unit,window_kind,window_hours\n"
                     f"Claude-A,claude,{BILLIONS},tokens,rolling,5\nKey-B,other,2000,usd,,\nGen-C,genspark,100,,,\n")
    result = cli("accounts", "import", str(sheet))
    assert result.exit_code == 0, result.output
    found = {row["account_name"]: (row["quota_unit"], row["quota"]) for row in ok(client.get("/api/accounts"))["data"]}
    assert found == {"Claude-A": ("tokens", BILLIONS), "Key-B": ("usd", 2000), "Gen-C": ("credits", 100)}
    bad = tmp_path / "bad.csv"
    bad.write_text("account_name,quota,quota_unit\nok,10,credits\nwrong,10,euro\n")
    before = rows(engine)
    refused = cli("accounts", "import", str(bad))
    assert refused.exit_code == 2 and "line 3: quota_unit: Input should be 'credits', 'tokens' or 'usd'" in \
        refused.stderr
    assert rows(engine) == before
    batch = client.post("/api/private/batch-create-accounts", json={"accounts": [
        {"account_name": "Batch-T", "quota_unit": "tokens", "quota": 1_000_000}]})
    assert batch.status_code == 201, batch.text
    assert printed(cli, "accounts", "show", "Batch-T")["quota_unit"] == "tokens"


def test_status_shows_each_account_in_its_unit_within_80_columns(cli: Cli, client: TestClient, engine: Engine,
                                                                 database_url: str, same_clock: None,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    claude = new_account(client, "Claude-Main", quota_unit="tokens", quota=5_000_000, window_kind="rolling",
                         window_hours=5)
    new_account(client, "API-Key", quota_unit="usd", quota=2000, credits_available=766)
    new_account(client, "GenSpark", quota=100, credits_available=60)
    shop = new_project(client, "Shop")["id"]
    use(client, start(client, shop, claude["id"])["id"], 1_200_000)
    monkeypatch.setattr("paas.cli.door._consoles", {})  # a console made at 200 columns would be reused
    screen = CliRunner().invoke(app, ["status"], env={"PAAS_DATABASE_URL": database_url, "COLUMNS": "80"})
    assert screen.exit_code == 0, screen.output
    assert max(len(line) for line in screen.stdout.splitlines()) <= 80, screen.stdout
    head = " ".join(line.strip() for line in screen.stdout.splitlines()[:2])  # three units: two lines
    assert head.startswith("Pool 60/100 credits · 3.8M/5M tokens · $7.66/$20.00 left · 2/3 accounts available"), head
    assert "3.8M/5M tok" in screen.stdout and "$7.66/$20.00" in screen.stdout and "60/100" in screen.stdout
    assert "1.2M/4.5M tok" in screen.stdout  # the session's progress to its threshold, in tokens
    data = printed(cli, "status")
    assert [(item["quota_unit"], item["accounts"], item["available"], item["quota"]) for item in data["by_unit"]] == [
        ("credits", 1, 60, 100), ("tokens", 1, 3_800_000, 5_000_000), ("usd", 1, 766, 2000)]
    assert (data["credits_available"], data["quota"]) == (60, 100)  # the credits accounts, as before units
    assert data["sessions"][0]["quota_unit"] == "tokens"
    pool = McpDoor(db=Database(engine), clock=lambda: data_at(data), margin_percent=5).pool_status()
    assert pool == data  # the MCP tool answers the same JSON


def data_at(data: dict[str, Any]) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(data["at"])


def test_usage_past_32_bits_is_recorded_and_summed(client: TestClient, cli: Cli, same_clock: None) -> None:
    week = new_account(client, "Claude-Week", quota_unit="tokens", quota=BILLIONS * 2, window_kind="rolling",
                       window_hours=168, rotate_threshold=BILLIONS + 1)  # the threshold past 2^32 too
    assert printed(cli, "accounts", "show", "Claude-Week")["rotate_threshold"] == BILLIONS + 1
    session_id = start(client, new_project(client, "Big")["id"], week["id"])["id"]
    first = use(client, session_id, 3_000_000_000)
    second = use(client, session_id, 3_000_000_000)
    assert (first["account_credits_used"], second["account_credits_used"]) == (3 * 10**9, 6 * 10**9)
    assert (second["session_credits_used"], second["account_credits_available"]) == (6 * 10**9, 4 * 10**9)
    assert printed(cli, "accounts", "show", "Claude-Week")["credits_used"] == 6 * 10**9
    assert ok(client.get("/api/projects"))["data"][0]["total_credits_used"] == 6 * 10**9


def test_session_usage_speaks_the_account_unit(cli: Cli, same_clock: None) -> None:
    for args in (("projects", "add", "shop"), ("accounts", "add", "dollars", "--unit", "usd", "--quota", "2000"),
                 ("accounts", "add", "tokens", "--unit", "tokens", "--quota", "5000000"),
                 ("session", "start", "--project", "shop", "--account", "dollars")):
        assert cli(*args).exit_code == 0
    first = cli("session", "usage", "--project", "shop", "--credits", "612")
    assert first.exit_code == 0, first.output
    assert ("$6.12 recorded on session 1: the account has used $6.12 of $20.00 ($13.88 left, rotate at $18.00)"
            in first.stdout)
    due = cli("session", "usage", "--project", "shop", "--credits", "1300")
    assert "rotation due: $19.12 of $18.00 used" in " ".join(due.stderr.split())
    over = cli("session", "usage", "--project", "shop", "--credits", "1000")
    assert "$9.12 beyond what the account had left" in " ".join(over.stderr.split())
    ended = cli("session", "end", "--project", "shop")
    assert ended.exit_code == 0 and "on dollars, $29.12, " in ended.stdout
    assert cli("session", "start", "--project", "shop", "--account", "tokens").exit_code == 0
    spent = cli("session", "usage", "--project", "shop", "--credits", "1500000")
    assert "1,500,000 tokens recorded on session 2: the account has used 1,500,000 of 5,000,000" in spent.stdout


def test_a_rotation_names_the_next_account_in_its_unit(cli: Cli, same_clock: None) -> None:
    for args in (("projects", "add", "shop"), ("accounts", "add", "alpha"),
                 ("session", "start", "--project", "shop", "--account", "alpha"),
                 ("accounts", "add", "dollars", "--unit", "usd", "--quota", "2000")):
        assert cli(*args).exit_code == 0
    rotated = cli("rotate", "--project", "shop", "--final-credits", "90")
    assert rotated.exit_code == 0, rotated.output
    assert "next account: dollars ($20.00), session 2" in rotated.stdout  # was "(2000 credits)"
