"""`paas alerts ack ID`: the same acknowledgement as the API's, the first one kept; an unknown alert exits non-zero."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from typer.testing import Result

from tests.api.api_helpers import new_account, ok
from tests.cli.cli_helpers import printed

Cli = Callable[..., Result]


def test_alerts_ack_keeps_the_first_acknowledgement(cli: Cli, client: TestClient, same_clock: None) -> None:
    new_account(client, "alpha", quota=40)  # a small pool: pool_low is raised
    alert_id = ok(client.get("/api/alerts"))["data"][0]["id"]
    acked = printed(cli, "alerts", "ack", str(alert_id), "--by", "night shift")
    assert acked["acknowledged_by"] == "night shift" and acked["acknowledged_at"] == "2026-11-25T12:00:00Z"
    again = cli("alerts", "ack", str(alert_id), "--by", "day shift")
    assert again.exit_code == 0 and "acknowledged by night shift" in again.stdout
    assert ok(client.get("/api/alerts"))["data"][0]["acknowledged_by"] == "night shift"
    assert cli("alerts", "ack", "999").exit_code != 0
