"""The dashboard's account form refuses what the API refuses (issue 12's hostile names and values),
with the service's words, and makes nothing."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from markupsafe import escape

from tests.web.conftest import WebClient
from tests.web.test_accounts import add, names


def test_the_account_form_refuses_hostile_names_and_values(web_client: Callable[[str], WebClient],
                                                           client: TestClient) -> None:
    admin = web_client("admin")
    for fields, said in (
        (dict(account_name="evil\x1b[2J"), "must not contain control or bidirectional-override characters"),
        (dict(account_name="invoice\u202eexe.pdf"), "U+202E"),
        (dict(account_name="over", quota="40", credits_available="41"), "cannot exceed the quota (40)"),
        (dict(account_name="zoned", window_timezone="localtime"), "unknown time zone 'localtime'"),
    ):
        answer = add(admin, **fields)
        assert answer.status_code == 422, (fields, answer.text)
        assert escape(said) in answer.text, (fields, answer.text)
    assert names(client) == []
    add(admin, account_name="X")
    again = add(admin, account_name="x")
    assert again.status_code == 422 and escape("an account named 'X' already exists") in again.text
    assert names(client) == ["X"]
