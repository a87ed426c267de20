"""The same thing is the same JSON in every door: `paas ... list --json` prints exactly the API's
``data`` (both are ``services.views``), and no secret field reaches either."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from typer.testing import Result

from tests.api.api_helpers import new_account, new_project, ok, start, use
from tests.cli.cli_helpers import printed

Cli = Callable[..., Result]


def test_cli_json_is_the_api_data(cli: Cli, client: TestClient, same_clock: None) -> None:
    project_id = new_project(client, "Shop", description="Frontend")["id"]
    account_id = new_account(client, "main", credits_available=70, credentials="sk-secret-value",
                             account_email="me@example.com")["id"]
    new_account(client, "spare", window_kind="rolling", window_hours=5)
    session_id = start(client, project_id, account_id)["id"]
    use(client, session_id, 12)
    for command, path in ((("accounts", "list"), "/api/accounts"), (("projects", "list"), "/api/projects"),
                          (("sessions", "list"), "/api/sessions")):
        api = ok(client.get(path))["data"]
        assert api, path
        assert sorted(printed(cli, *command), key=lambda row: row["id"]) == sorted(api, key=lambda row: row["id"])


def test_no_secret_field_in_any_listing(cli: Cli, client: TestClient, same_clock: None) -> None:
    new_account(client, "main", credentials="sk-secret-value")
    for command in (("accounts", "list"), ("token", "list")):
        text = json.dumps(printed(cli, *command))
        for secret in ("sk-secret-value", "credentials_encrypted", "token_hash"):
            assert secret not in text
    accounts = printed(cli, "accounts", "list")
    assert accounts[0]["has_credentials"] is True


def test_best_accounts_json_is_the_api_ranked_list(cli: Cli, client: TestClient, same_clock: None) -> None:
    new_account(client, "python-box", specialization="Python, Django")
    new_account(client, "ui-box", specialization="React, UI")
    api = client.post("/api/private/select-best-account", json={"specialization": "React", "limit": 2})
    assert api.status_code == 200, api.text
    assert printed(cli, "accounts", "best", "React", "--limit", "2") == api.json()["ranked"]
    assert isinstance(api.json()["ranked"][0]["reasons"], list)
