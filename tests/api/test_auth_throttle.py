"""Failed authentication throttled per client address and per token prefix (issue 12: 200 bad
tokens were answered at 433 req/s, login links included): past the limit, 429 with Retry-After
and the error envelope, before any token is looked at; counted in the database, so several app
instances (processes) on one database share the count; a success writes nothing."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from paas.api.app import create_app
from paas.config import get_settings
from paas.services import tokens
from paas.store.schema import AuthThrottle
from paas.store.unit import transaction
from tests.api.api_helpers import at_once, bearer, fails, ok, rows
from tests.api.test_security_headers import assert_secured

LIMIT = 3
WINDOW = timedelta(seconds=60)
BLOCK = timedelta(seconds=120)
MakeToken = Callable[[str], str]


def guessed(prefix: str = "paas_") -> str:
    """A made-up token (a new prefix each time unless ``prefix`` is given in full)."""
    return prefix + secrets.token_urlsafe(32)


@pytest.fixture
def make_app(engine: Engine, database_url: str, clock: Any) -> Callable[[], Any]:
    """A new app instance on the test database (as another `paas serve` process would be)."""
    settings = get_settings(database_url=database_url, auth_failures_allowed=LIMIT,
                            auth_failure_window_seconds=int(WINDOW.total_seconds()),
                            auth_block_seconds=int(BLOCK.total_seconds()))
    return lambda: create_app(settings, engine=engine, clock=clock)


@pytest.fixture
def client_at(make_app: Callable[[], Any]) -> Iterator[Callable[..., TestClient]]:
    """``client_at(address, app=None)``: a client calling from ``address`` (on one shared app unless given)."""
    shared = make_app()
    opened: list[TestClient] = []

    def make(address: str, app: Any = None) -> TestClient:
        client = TestClient(app or shared, raise_server_exceptions=False, client=(address, 40000))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def assert_throttled(response: Any) -> int:
    error = fails(response, 429, "too_many_requests")
    assert_secured(response)  # the security headers on a 429 too
    seconds = response.headers["Retry-After"]
    assert seconds.isdigit() and int(seconds) >= 1
    assert error["details"] == {"retry_after_seconds": int(seconds)}
    return int(seconds)


def stored_counts(engine: Engine) -> dict[str, int]:
    with transaction(engine, write=False) as session:
        return {row.key: row.failures for row in session.scalars(select(AuthThrottle))}


def test_bad_tokens_past_the_limit_are_429_even_a_good_one_from_that_client(
        client_at: Callable[..., TestClient], make_token: MakeToken) -> None:
    attacker = client_at("10.0.0.66")
    for _ in range(LIMIT):
        fails(attacker.get("/api/stats", headers=bearer(guessed())), 401, "unauthorized")
    assert assert_throttled(attacker.get("/api/stats", headers=bearer(guessed()))) == BLOCK.total_seconds()
    assert_throttled(attacker.get("/api/stats", headers=bearer(make_token("admin"))))  # refused before the check
    ok(client_at("10.0.0.7").get("/api/stats", headers=bearer(make_token("viewer"))))  # another client: fine


def test_the_block_ends_and_a_window_without_the_limit_forgets(client_at: Callable[..., TestClient], clock: Any,
                                                                make_token: MakeToken) -> None:
    attacker = client_at("10.0.0.66")
    for _ in range(LIMIT):
        attacker.get("/api/stats", headers=bearer(guessed()))
    clock.now += BLOCK - timedelta(seconds=30)
    assert assert_throttled(attacker.get("/api/stats", headers=bearer(make_token("admin")))) == 30
    clock.now += timedelta(seconds=30)
    ok(attacker.get("/api/stats", headers=bearer(make_token("admin"))))
    for _ in range(LIMIT - 1):  # failures spread over more than the window never block
        fails(attacker.get("/api/stats", headers=bearer(guessed())), 401)
        clock.now += WINDOW
    fails(attacker.get("/api/stats", headers=bearer(guessed())), 401)


def test_one_token_prefix_guessed_from_many_clients_is_blocked_for_every_client(
        client_at: Callable[..., TestClient], make_token: MakeToken) -> None:
    prefix = "paas_Xy3kQ9z"
    for number in range(LIMIT):
        fails(client_at(f"10.1.0.{number}").get("/api/stats", headers=bearer(guessed(prefix))), 401)
    fresh = client_at("10.2.0.1")
    assert_throttled(fresh.get("/api/stats", headers=bearer(guessed(prefix))))
    ok(fresh.get("/api/stats", headers=bearer(make_token("viewer"))))  # its own token's prefix is not blocked


def test_two_app_instances_on_one_database_share_the_count(client_at: Callable[..., TestClient],
                                                           make_app: Callable[[], Any], make_token: MakeToken) -> None:
    first, second = client_at("10.0.0.66", make_app()), client_at("10.0.0.66", make_app())
    for number in range(LIMIT):
        fails((first if number % 2 else second).get("/api/stats", headers=bearer(guessed())), 401)
    assert_throttled(first.get("/api/stats", headers=bearer(make_token("admin"))))
    assert_throttled(second.get("/api/stats", headers=bearer(make_token("admin"))))
    third = client_at("10.0.0.66", make_app())  # started after the block: it reads it from the database
    assert_throttled(third.get("/api/stats", headers=bearer(make_token("admin"))))


def test_login_code_guessing_is_throttled(client_at: Callable[..., TestClient], engine: Engine, clock: Any) -> None:
    with transaction(engine) as session:
        code = tokens.create_token(session, role="admin", name="login link", now=clock(), single_use=True,
                                   valid_for=timedelta(minutes=15)).token
    attacker = client_at("10.0.0.66")
    for _ in range(LIMIT):
        fails(attacker.get(f"/login?code={guessed()}", follow_redirects=False), 401, "unauthorized")
    assert_throttled(attacker.get(f"/login?code={code}", follow_redirects=False))  # the real code: refused too
    assert client_at("10.0.0.8").get(f"/login?code={code}", follow_redirects=False).status_code == 303


def test_sign_in_form_guessing_is_throttled(client_at: Callable[..., TestClient], make_token: MakeToken) -> None:
    attacker = client_at("10.0.0.66")
    for _ in range(LIMIT):
        assert attacker.post("/signin", data={"token": guessed()}, follow_redirects=False).status_code == 401
    page = attacker.post("/signin", data={"token": make_token("admin")}, follow_redirects=False)
    assert page.status_code == 429 and "set-cookie" not in page.headers
    assert page.headers["Retry-After"] == str(int(BLOCK.total_seconds()))
    assert "Too many failed sign-ins" in page.text and page.headers["content-type"].startswith("text/html")


def test_a_guessed_browser_cookie_counts_and_a_dead_one_is_dropped(client_at: Callable[..., TestClient],
                                                                   engine: Engine) -> None:
    browser = client_at("10.0.0.66")
    browser.cookies.set("paas_token", guessed())
    answer = browser.get("/projects", follow_redirects=False)
    assert answer.status_code == 303 and 'paas_token=""' in answer.headers["set-cookie"]  # cleared
    assert stored_counts(engine)["client:10.0.0.66"] == 1
    for _ in range(LIMIT - 1):
        browser.cookies.set("paas_token", guessed())
        browser.get("/", follow_redirects=False)
    browser.cookies.set("paas_token", guessed())
    assert_throttled(browser.get("/", follow_redirects=False))


def test_no_token_is_no_guess_and_a_success_or_a_refusal_writes_nothing(
        client_at: Callable[..., TestClient], engine: Engine, make_token: MakeToken) -> None:
    caller = client_at("10.0.0.5")
    for _ in range(LIMIT * 3):
        fails(caller.get("/api/stats"), 401)
    good = make_token("admin")
    before = rows(engine)
    for _ in range(5):
        ok(caller.get("/api/stats", headers=bearer(good)))
    assert rows(engine) == before and stored_counts(engine) == {}
    attacker = client_at("10.0.0.66")
    for _ in range(LIMIT):
        attacker.get("/api/stats", headers=bearer(guessed()))
    counted = rows(engine)
    for _ in range(5):
        assert_throttled(attacker.get("/api/stats", headers=bearer(guessed())))
    assert rows(engine) == counted  # refusals while blocked count nothing


def test_old_counts_are_forgotten_as_failures_come_in(client_at: Callable[..., TestClient], engine: Engine,
                                                      clock: Any) -> None:
    for number in range(5):
        client_at(f"10.3.0.{number}").get("/api/stats", headers=bearer(guessed()))
    clock.now += WINDOW
    client_at("10.3.1.1").get("/api/stats", headers=bearer(guessed()))
    with transaction(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(AuthThrottle)) == 2  # the last client and prefix


def test_concurrent_failures_all_count(client_at: Callable[..., TestClient], engine: Engine) -> None:
    attacker = client_at("10.0.0.66")
    answers = at_once(8, lambda _: attacker.get("/api/stats", headers=bearer(guessed())).status_code)
    assert set(answers) <= {401, 429} and answers.count(401) >= LIMIT, answers
    assert stored_counts(engine)["client:10.0.0.66"] == answers.count(401)  # each failure counted once
    assert_throttled(attacker.get("/api/stats", headers=bearer(guessed())))


def test_bad_tokens_on_mcp_are_throttled_too(client_at: Callable[..., TestClient], make_token: MakeToken) -> None:
    attacker = client_at("10.0.0.66")
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    for _ in range(LIMIT):
        fails(attacker.post("/mcp", json=listing, headers=bearer(guessed())), 401, "unauthorized")
    assert_throttled(attacker.post("/mcp", json=listing, headers=bearer(make_token("admin"))))
    assert_throttled(attacker.get("/api/stats", headers=bearer(make_token("admin"))))  # one count for every door
