"""Signing in and out of the dashboard, the CSRF token, roles, and the security headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import LiveServer, MakePage, WebClient, shoot


def test_a_page_without_a_session_sends_the_browser_to_sign_in(anonymous: TestClient) -> None:
    response = anonymous.get("/?part=live", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2F%3Fpart%3Dlive"


def test_an_htmx_fragment_without_a_session_asks_for_a_full_page_redirect(anonymous: TestClient) -> None:
    response = anonymous.get("/?part=live", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["hx-redirect"].startswith("/signin?next=")


def test_a_wrong_token_is_refused_on_the_sign_in_page(anonymous: TestClient) -> None:
    response = anonymous.post("/signin", data={"token": "paas_not-a-real-token", "next": "/"},
                              follow_redirects=False)
    assert response.status_code == 401
    assert "unknown, revoked or expired" in response.text
    assert "set-cookie" not in response.headers


def test_signing_in_with_a_token_makes_a_browser_session_cookie(anonymous: TestClient,
                                                               make_token: Callable[[str], str]) -> None:
    token = make_token("viewer")
    response = anonymous.post("/signin", data={"token": token, "next": "/projects"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/projects"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert token not in cookie  # a browser token of its own: signing out revokes it, not the pasted one


def test_sign_in_never_redirects_off_the_site(anonymous: TestClient, make_token: Callable[[str], str]) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = anonymous.post("/signin", data={"token": make_token("viewer"), "next": target},
                                  follow_redirects=False)
        assert response.headers["location"] == "/"


def test_a_sign_in_form_posted_from_another_site_is_refused(anonymous: TestClient,
                                                           make_token: Callable[[str], str]) -> None:
    response = anonymous.post("/signin", data={"token": make_token("admin")},
                              headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_sign_out_needs_the_csrf_token_then_revokes_the_session(web_client: Callable[[str], WebClient]) -> None:
    user = web_client("viewer")
    assert user.http.post("/signout", data={}, follow_redirects=False).status_code == 403
    assert user.http.get("/", follow_redirects=False).status_code == 200  # still signed in
    response = user.http.post("/signout", data={"csrf_token": user.csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/signin"


def test_every_page_answer_carries_a_strict_content_security_policy(web_client: Callable[[str], WebClient]) -> None:
    response = web_client("admin").http.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text and " on" + "load=" not in response.text


def test_sign_in_and_out_in_a_browser(new_page: MakePage, live_server: LiveServer) -> None:
    page = new_page("admin")
    assert page.locator("h1").inner_text() == "Overview"
    assert page.locator(".role").text_content() == "admin"
    page.locator("#live-state[data-state=live]").wait_for()
    shoot(page, "overview")
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/signin")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/signin")
    assert page.outside == []  # type: ignore[attr-defined]


def test_the_printed_login_url_signs_a_browser_in(new_page: MakePage, live_server: LiveServer) -> None:
    from datetime import UTC, datetime

    from paas.services import tokens

    link = live_server.app.state.db.run(lambda session: tokens.login_tokens(
        session, now=datetime.now(UTC), link_minutes=15)).login_link.token
    page: Any = new_page(None)
    page.goto(f"{live_server.url}/login?code={link}")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Overview"
