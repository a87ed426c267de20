"""`paas alerts` and `paas webhooks`: the API's JSON, the CLI door's own evaluation after commit, one-line
errors with their exit codes, and a delivery pass against a real local server."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from typer.testing import Result

from tests.api.api_helpers import created, new_account, ok
from tests.cli.cli_helpers import printed
from tests.webhook_receiver import Receiver, dead_url, receiver  # noqa: F401 - fixtures

Cli = Callable[..., Result]


def test_a_disable_from_the_cli_raises_and_lists_as_the_api_does(cli: Cli, client: TestClient,
                                                                 same_clock: None) -> None:
    for name in ("alpha", "beta"):
        assert cli("accounts", "add", name).exit_code == 0
    assert cli("accounts", "edit", "alpha", "--disable").exit_code == 0  # the CLI's Database evaluates
    listed = printed(cli, "alerts")
    assert [alert["key"] for alert in listed] == ["account_disabled:1"]
    assert listed[0]["raised_at"] == "2026-11-25T12:00:00Z"  # the door's clock
    assert listed == ok(client.get("/api/alerts"))["data"]
    assert cli("accounts", "edit", "alpha", "--enable").exit_code == 0
    assert printed(cli, "alerts") == []
    assert printed(cli, "alerts", "--all") == ok(client.get("/api/alerts", params={"status": "all"}))["data"]
    table = cli("alerts", "--all")
    assert table.exit_code == 0 and "account_disabled:1" in table.stdout and "cleared" in table.stdout


def test_alerts_check_evaluates_by_hand(cli: Cli, client: TestClient, same_clock: None) -> None:
    new_account(client, "alpha", quota=40)  # the API's clock is the same frozen one
    assert [alert["key"] for alert in ok(client.get("/api/alerts"))["data"]] == ["pool_low"]
    checked = printed(cli, "alerts", "check")
    assert (checked["raised"], checked["cleared"], checked["active"], checked["held_back"]) == ([], [], 1, [])
    text = cli("alerts", "check")
    assert text.exit_code == 0 and "0 raised, 0 cleared, 1 active" in text.stdout


def test_webhooks_add_list_remove_as_the_api(cli: Cli, client: TestClient, same_clock: None) -> None:
    added = printed(cli, "webhooks", "add", "https://ops.example/hook", "--description", "ops")
    assert added["secret"].startswith("whsec_") and added["data"]["url"] == "https://ops.example/…"
    text = cli("webhooks", "add", "http://127.0.0.1:9/b", "--secret", "my-own-secret-123")
    assert text.exit_code == 0 and "shown once" in text.stdout and "my-own-secret-123" in text.stdout
    listed = printed(cli, "webhooks", "list")
    assert listed == ok(client.get("/api/webhooks"))["data"] and len(listed) == 2
    assert added["secret"] not in json.dumps(listed) and "my-own-secret-123" not in json.dumps(listed)
    assert cli("webhooks", "remove", "2").exit_code == 0
    assert [hook["id"] for hook in printed(cli, "webhooks", "list")] == [1]


@pytest.mark.parametrize(("args", "code", "message"), [
    (("webhooks", "add", "ftp://ops.example/hook"), 2, "http:// or https://"),
    (("webhooks", "add", "http://[::1/hook"), 2, "http:// or https://"),  # was a traceback (urlsplit's ValueError)
    (("webhooks", "add", "https://ops.example/hook", "--secret", "short"), 2, "16 to 200"),
    (("webhooks", "remove", "99"), 3, "webhook 99 does not exist"),
    (("webhooks", "deliveries", "--status", "lost"), 2, "status"),
])
def test_refusals_are_one_line_with_their_exit_code(cli: Cli, args: tuple[str, ...], code: int,
                                                    message: str) -> None:
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_deliver_posts_what_is_due_and_deliveries_show_failures(cli: Cli, client: TestClient, same_clock: None,
                                                                receiver: Receiver,  # noqa: F811
                                                                dead_url: str) -> None:  # noqa: F811
    created(client.post("/api/webhooks", json={"url": receiver.url}))
    created(client.post("/api/webhooks", json={"url": dead_url}))
    new_account(client, "alpha", quota=40)  # pool_low: one delivery per webhook
    done = printed(cli, "webhooks", "deliver")
    assert (done["attempted"], done["delivered"], done["retrying"]) == (2, 1, 1)
    assert len(receiver.received) == 1 and json.loads(receiver.received[0].body)["alert"]["key"] == "pool_low"
    pending = printed(cli, "webhooks", "deliveries", "--status", "pending")
    assert pending == ok(client.get("/api/webhooks/deliveries", params={"status": "pending"}))["data"]
    assert [(row["webhook_id"], row["attempts"]) for row in pending] == [(2, 1)]
    assert "Connect" in pending[0]["last_error"]
    again = cli("webhooks", "deliver")
    assert again.exit_code == 0 and "0 attempted" in again.stdout  # the retry waits 30 s
