"""Security headers on every answer (issue 12): nosniff, frame options, referrer policy and a
Content-Security-Policy on every route, every status and every error (those raised by middleware and
unexpected failures included); ``Cache-Control: no-store`` on every answer that sets a token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine

from paas.services import tokens
from paas.store.unit import transaction
from tests.api.api_helpers import API_ROUTES

SECURITY_HEADERS = ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy")
WEB_PAGES = ["/", "/projects", "/accounts", "/handoff", "/knowledge", "/analytics", "/alerts", "/signin", "/docs",
             "/redoc", "/openapi.json", "/healthz", "/static/app.css", "/static/missing.js", "/nowhere"]


def assert_secured(response: Response) -> None:
    missing = [name for name in SECURITY_HEADERS if name not in response.headers]
    assert not missing, f"{response.request.method} {response.request.url} ({response.status_code}) lacks {missing}"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def assert_not_stored(response: Response) -> None:
    assert "no-store" in response.headers.get("cache-control", ""), dict(response.headers)


@pytest.fixture
def admin_token(make_token: Callable[[str], str]) -> str:
    return make_token("admin")


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES, ids=[f"{m} {p}" for m, p, _ in API_ROUTES])
def test_every_api_route_answers_with_the_security_headers(anonymous: TestClient, demo: None, admin_token: str,
                                                           method: str, path: str,
                                                           body: dict[str, Any] | None) -> None:
    assert_secured(anonymous.request(method, path, json=body))  # 401
    signed = {"Authorization": f"Bearer {admin_token}"}
    assert_secured(anonymous.request(method, path, json=body, headers=signed))  # whatever it answers
    assert_secured(anonymous.request(method, path, content=b"{not json", headers={
        **signed, "content-type": "application/json"}))  # 400/422 (or the route's answer when bodyless)
    assert_secured(anonymous.request("PUT", path, headers=signed))  # 405


@pytest.mark.parametrize("path", WEB_PAGES)
def test_every_page_answers_with_the_security_headers(anonymous: TestClient, admin_token: str, path: str) -> None:
    assert_secured(anonymous.get(path, follow_redirects=False))  # a redirect to sign in, or the page
    anonymous.cookies.set("paas_token", admin_token)
    assert_secured(anonymous.get(path, follow_redirects=False))


def test_a_missing_record_is_404_with_the_security_headers(client: TestClient) -> None:
    response = client.get("/api/projects/999")
    assert response.status_code == 404
    assert_secured(response)


def test_a_body_over_the_limit_is_413_with_the_security_headers(client: TestClient) -> None:
    response = client.post("/api/projects", content=b"x" * (1024 * 1024 + 1), headers={
        "content-type": "application/json"})
    assert response.status_code == 413
    assert_secured(response)


def test_an_unexpected_failure_is_500_with_the_security_headers(app: Any, client: TestClient) -> None:
    def broken() -> dict[str, str]:
        raise RuntimeError("a bug")

    app.add_api_route("/api/test-broken", broken, methods=["GET"])
    response = client.get("/api/test-broken")
    assert response.status_code == 500
    assert_secured(response)


@pytest.fixture
def login_code(engine: Engine, clock: Any) -> str:
    with transaction(engine) as session:
        return tokens.create_token(session, role="admin", name="login link", now=clock(), single_use=True,
                                   valid_for=timedelta(minutes=15)).token


def test_the_login_answer_is_never_stored(anonymous: TestClient, login_code: str) -> None:
    answer = anonymous.get(f"/login?code={login_code}", follow_redirects=False)
    assert answer.status_code == 303 and "set-cookie" in answer.headers
    assert_not_stored(answer)
    assert_secured(answer)
    refused = anonymous.get(f"/login?code={login_code}", follow_redirects=False)  # used up: 401
    assert refused.status_code == 401
    assert_not_stored(refused)


def test_the_sign_in_answers_are_never_stored(anonymous: TestClient, admin_token: str) -> None:
    signed = anonymous.post("/signin", data={"token": admin_token, "next": "/"}, follow_redirects=False)
    assert signed.status_code == 303 and "set-cookie" in signed.headers
    assert_not_stored(signed)
    assert_not_stored(anonymous.post("/signin", data={"token": "paas_not-a-real-token"}, follow_redirects=False))
